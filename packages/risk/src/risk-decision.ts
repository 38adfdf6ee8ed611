/**
 * What {@link RiskEngine.check} returns: approved, or denied with every reason. Each reason carries a
 * stable code, the limit and the value the order would have reached (Decimal, exact), and a message.
 */
import type { Decimal } from '@rxtrade/core';

/**
 * Codes of the reasons an order command can be denied.
 *
 * @example
 * ```ts
 * if (!decision.approved && decision.reasons.some((r) => r.code === DenialCode.DAILY_LOSS)) stopStrategy();
 * ```
 */
export const DenialCode = {
  TRADING_HALTED: 'TRADING_HALTED',
  TRADING_REDUCING: 'TRADING_REDUCING',
  INVALID_ORDER: 'INVALID_ORDER',
  RESTRICTED_INSTRUMENT: 'RESTRICTED_INSTRUMENT',
  TICK_SIZE: 'TICK_SIZE',
  LOT_SIZE: 'LOT_SIZE',
  MIN_NOTIONAL: 'MIN_NOTIONAL',
  MAX_ORDER_QUANTITY: 'MAX_ORDER_QUANTITY',
  MAX_ORDER_NOTIONAL: 'MAX_ORDER_NOTIONAL',
  MAX_POSITION: 'MAX_POSITION',
  MAX_GROSS_EXPOSURE: 'MAX_GROSS_EXPOSURE',
  MAX_NET_EXPOSURE: 'MAX_NET_EXPOSURE',
  MAX_LEVERAGE: 'MAX_LEVERAGE',
  MAX_CONCENTRATION: 'MAX_CONCENTRATION',
  MAX_TAG_CONCENTRATION: 'MAX_TAG_CONCENTRATION',
  PRICE_COLLAR: 'PRICE_COLLAR',
  MAX_OPEN_ORDERS: 'MAX_OPEN_ORDERS',
  SUBMIT_RATE: 'SUBMIT_RATE',
  MODIFY_RATE: 'MODIFY_RATE',
  DAILY_LOSS: 'DAILY_LOSS',
  MAX_DRAWDOWN: 'MAX_DRAWDOWN',
  CAPITAL_THRESHOLD: 'CAPITAL_THRESHOLD',
  DUPLICATE_ORDER: 'DUPLICATE_ORDER',
  DUPLICATE_ORDER_ID: 'DUPLICATE_ORDER_ID',
  PRE_TRADE_VAR: 'PRE_TRADE_VAR',
  NO_REFERENCE_PRICE: 'NO_REFERENCE_PRICE',
  /** Equity, peak or day-start equity is NaN or infinite: only orders that reduce exposure pass. */
  INVALID_EQUITY: 'INVALID_EQUITY',
  UNKNOWN_ORDER: 'UNKNOWN_ORDER',
} as const;
export type DenialCode = (typeof DenialCode)[keyof typeof DenialCode];

/**
 * One reason for a denial.
 *
 * @example
 * ```ts
 * // { code: 'MAX_ORDER_NOTIONAL', limit: Decimal(50000), actual: Decimal(60120), message: 'order notional exceeds 50000' }
 * ```
 */
export interface DenialReason {
  readonly code: DenialCode;
  /** The configured limit, when the gate has one (money, quantity or ratio). */
  readonly limit: Decimal | undefined;
  /** The value the order would have reached (or the offending value); undefined when not numeric. */
  readonly actual: Decimal | undefined;
  readonly message: string;
}

/** An approval. */
export interface RiskApproved {
  readonly approved: true;
  readonly reasons: readonly DenialReason[];
}
/** A denial with every reason found. */
export interface RiskDenied {
  readonly approved: false;
  readonly reasons: readonly DenialReason[];
}

/**
 * The outcome of a risk check.
 *
 * @example
 * ```ts
 * const decision = engine.check(order, state);
 * if (!decision.approved) for (const r of decision.reasons) console.log(r.code, r.limit?.toString(), r.actual?.toString());
 * ```
 */
export type RiskDecision = RiskApproved | RiskDenied;

/**
 * The one approval object, shared so that an approved check allocates nothing.
 *
 * @example
 * ```ts
 * engine.check(order, state) === APPROVED // true when approved
 * ```
 */
export const APPROVED: RiskApproved = Object.freeze({ approved: true as const, reasons: Object.freeze([]) as readonly DenialReason[] });

/**
 * One line per reason, `CODE: message`, for `OrderDenied.reason`.
 *
 * @example
 * ```ts
 * formatDenial(decision) // "MAX_ORDER_NOTIONAL: order notional 25000 exceeds 10000"
 * ```
 */
export function formatDenial(decision: RiskDecision): string {
  return decision.reasons.map((r) => `${r.code}: ${r.message}`).join('; ');
}

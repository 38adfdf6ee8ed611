/**
 * Money attribution from fills: the P&L each instrument or strategy made, exact in Decimal, by cash
 * flows plus the value of what is still held.
 */
import { Decimal, parseWith, ValidationError, ZERO, type Fill, type InstrumentRegistry } from '@rxtrade/core';
import { z } from 'zod';

/** Keys that {@link attributePnl} can group by. */
export const AttributionKey = {
  INSTRUMENT: 'instrument',
  STRATEGY: 'strategy',
} as const;
export type AttributionKey = (typeof AttributionKey)[keyof typeof AttributionKey];

/**
 * Schema of {@link AttributePnlConfig}.
 *
 * @example
 * ```ts
 * parseWith(AttributePnlConfigSchema, { instruments, marks: { 'GOOG.NASDAQ': 512.25 }, startingEquity: 100_000 });
 * ```
 */
export const AttributePnlConfigSchema = z.strictObject({
  /** The instruments the fills refer to; all must be quoted in one currency, the commissions paid in it. */
  instruments: z.custom<InstrumentRegistry>((v) => typeof v === 'object' && v !== null && typeof (v as InstrumentRegistry).find === 'function', 'must be an InstrumentRegistry'),
  /** Last price per instrument id, to value what is still held (required for every open position). */
  marks: z.record(z.string(), z.number().refine(Number.isFinite, 'must be finite')),
  /** Group by `instrument` (default) or `strategy` (the fills' `strategyId`; `'unknown'` when absent). */
  by: z.enum([AttributionKey.INSTRUMENT, AttributionKey.STRATEGY]).default(AttributionKey.INSTRUMENT),
  /** Equity at the start, the denominator of `contribution`. */
  startingEquity: z.union([z.string(), z.number(), z.instanceof(Decimal as unknown as new (...a: never[]) => Decimal)]).transform((v, ctx) => {
    try {
      const d = new Decimal(v);
      if (d.isFinite() && d.gt(0)) return d;
    } catch {
      // reported below
    }
    ctx.addIssue({ code: 'custom', message: `must be a finite number > 0, got ${JSON.stringify(String(v))}` });
    return z.NEVER;
  }),
});
/**
 * Options of {@link attributePnl}.
 *
 * @example
 * ```ts
 * const config: AttributePnlConfig = { instruments, marks: lastCloses, by: 'strategy', startingEquity: 1_000_000 };
 * ```
 */
export type AttributePnlConfig = z.input<typeof AttributePnlConfigSchema>;

/**
 * One row of {@link attributePnl}: a key's trading P&L, fees, net P&L and contribution to return.
 *
 * @example
 * ```ts
 * const row: PnlAttribution = attributePnl(fills, config)[0]!;
 * row.net.toFixed(2);
 * ```
 */
export interface PnlAttribution {
  readonly key: string;
  /** Trading P&L before fees: cash received minus cash paid plus the marked value of the open position. */
  readonly gross: Decimal;
  readonly fees: Decimal;
  /** `gross - fees`. */
  readonly net: Decimal;
  /** `net / startingEquity`: the key's contribution to the total return. */
  readonly contribution: number;
  readonly fills: number;
}

/**
 * P&L attribution by instrument or by strategy from a list of fills: for each key,
 * `gross = sum(sell notionals) - sum(buy notionals) + openQuantity x mark x multiplier`, `net = gross - fees`,
 * `contribution = net / startingEquity`. This mark-to-market method needs no lot matching, so positions
 * shared by several strategies are attributed exactly; over every key, `sum(net)` equals the ledger's
 * equity change (without deposits or funding). Single currency: every instrument must be quoted, and every
 * commission paid, in one currency.
 *
 * @throws ValidationError naming `fills[i].instrumentId`, `fills[i].commissionCurrency`, or `marks.ID`
 *   when an open position has no mark.
 * @example
 * ```ts
 * const rows = attributePnl(result.fills, { instruments, marks: lastCloses, by: 'strategy', startingEquity: 100_000 });
 * rows.map((r) => `${r.key} ${(r.contribution * 100).toFixed(2)}%`);
 * ```
 */
export function attributePnl(fills: readonly (Fill & { readonly strategyId?: string })[], config: AttributePnlConfig): PnlAttribution[] {
  const c = parseWith(AttributePnlConfigSchema, config);
  const rows = new Map<string, { cash: Decimal; fees: Decimal; fills: number; held: Map<string, Decimal> }>();
  let currency: string | undefined;
  fills.forEach((f, i) => {
    const instrument = c.instruments.find(f.instrumentId);
    if (!instrument) throw new ValidationError([{ path: ['fills', i, 'instrumentId'], message: `unknown instrument ${JSON.stringify(f.instrumentId)}` }]);
    currency ??= instrument.quote;
    if (instrument.quote !== currency) throw new ValidationError([{ path: ['fills', i, 'instrumentId'], message: `${instrument.id} is quoted in ${instrument.quote}, not ${currency}` }]);
    if (f.commissionCurrency !== currency)
      throw new ValidationError([{ path: ['fills', i, 'commissionCurrency'], message: `must be ${currency}, got ${JSON.stringify(f.commissionCurrency)}` }]);
    const key = c.by === AttributionKey.STRATEGY ? (f.strategyId ?? 'unknown') : f.instrumentId;
    let row = rows.get(key);
    if (!row) rows.set(key, (row = { cash: ZERO, fees: ZERO, fills: 0, held: new Map() }));
    const notional = f.quantity.mul(f.price).mul(instrument.multiplier);
    const buy = f.side === 'BUY';
    row.cash = buy ? row.cash.minus(notional) : row.cash.plus(notional);
    row.fees = row.fees.plus(f.commission);
    row.fills++;
    row.held.set(f.instrumentId, (row.held.get(f.instrumentId) ?? ZERO).plus(buy ? f.quantity : f.quantity.neg()));
  });
  const out: PnlAttribution[] = [];
  for (const [key, row] of rows) {
    let gross = row.cash;
    for (const [id, quantity] of row.held) {
      if (quantity.isZero()) continue;
      const mark = c.marks[id];
      if (mark === undefined) throw new ValidationError([{ path: ['marks', id], message: 'is missing for an open position' }]);
      gross = gross.plus(quantity.mul(new Decimal(mark)).mul(c.instruments.find(id as Fill['instrumentId'])!.multiplier));
    }
    const net = gross.minus(row.fees);
    out.push({ key, gross, fees: row.fees, net, contribution: net.div(c.startingEquity).toNumber(), fills: row.fills });
  }
  return out;
}

/**
 * Events the {@link RiskEngine} emits on its eventemitter3 emitter (`engine.events`): decisions,
 * denials, trading state changes, breaker alerts and kill-switch activations. Data flows on RxJS
 * streams; lifecycle and alerts go out here.
 */
import type { CancelOrder, OrderCommand, OrderDenied, SubmitOrder } from '@rxtrade/core';
import type { RiskDecision } from './risk-decision';
import type { TradingState } from './trading-state';

/**
 * Names of the circuit breakers.
 *
 * @example
 * ```ts
 * engine.resetBreaker(BreakerName.LOSS);
 * ```
 */
export const BreakerName = { VOLATILITY: 'volatility', LOSS: 'loss', DRAWDOWN: 'drawdown', VENUE_ERRORS: 'venueErrors' } as const;
export type BreakerName = (typeof BreakerName)[keyof typeof BreakerName];

/** A breaker tripped or was reset. */
export interface BreakerAlert {
  readonly type: 'BreakerTripped' | 'BreakerReset';
  readonly breaker: BreakerName;
  /** The state the breaker imposes (REDUCING or HALTED). */
  readonly action: TradingState;
  readonly ts: number;
  readonly reason: string;
  /** The measured value and the limit it crossed (as strings: exact for money). */
  readonly value?: string;
  readonly limit?: string;
  /** For volatility: the instrument that moved. */
  readonly instrumentId?: string;
}

/** The effective trading state changed. */
export interface TradingStateChange {
  readonly from: TradingState;
  readonly to: TradingState;
  readonly reason: string;
  readonly ts: number;
}

/** The kill switch was pulled: the engine is HALTED and these commands cancel and flatten. */
export interface KillSwitchActivated {
  readonly ts: number;
  readonly reason: string;
  readonly commands: readonly (CancelOrder | SubmitOrder)[];
}

/** A decision was recorded with {@link RiskEngine.record}. */
export interface DecisionRecorded {
  readonly ts: number;
  readonly command: OrderCommand;
  readonly decision: RiskDecision;
}

/**
 * Event map of `engine.events`.
 *
 * @example
 * ```ts
 * engine.events.on('alert', (a) => pager.send(`${a.breaker} ${a.type}: ${a.reason}`));
 * engine.events.on('tradingState', (c) => console.log(`${c.from} -> ${c.to}: ${c.reason}`));
 * ```
 */
export interface RiskEngineEvents {
  decision: [DecisionRecorded];
  orderDenied: [OrderDenied];
  tradingState: [TradingStateChange];
  alert: [BreakerAlert];
  killSwitch: [KillSwitchActivated];
}

/**
 * Errors the trading kernel stops a run with besides a bad config or bad data (`ValidationError`): an
 * asynchronous stage that never settles, and an order anomaly in strict mode. `@rxtrade/backtest`
 * re-exports both.
 */
import { ErrorCode, RxTradeError } from '@rxtrade/core';
import type { OrderAnomaly } from '../order-anomaly';

/**
 * The asynchronous work caused by one event (a `mapAsync` stage, a `ctx.work.track` promise) did not
 * settle within the runner's `stageTimeoutMs`: the run stops instead of waiting forever.
 *
 * @example
 * ```ts
 * try { await runBacktest(pipeline, { ...config, stageTimeoutMs: 5_000 }) }
 * catch (e) { if (e instanceof StageTimeoutError) console.error(e.message, e.pending) }
 * ```
 */
export class StageTimeoutError extends RxTradeError {
  constructor(
    /** What the runner was waiting for, such as `data[1523] (Bar of AAA.SIM at 2024-01-02T00:00:00.000Z)`. */
    readonly waitingFor: string,
    /** Units of work still pending in the work tracker when the time ran out. */
    readonly pending: number,
    readonly timeoutMs: number,
  ) {
    // No dedicated code in core's union: a stage that hangs is an unrecoverable fault of the run (STATE).
    super(
      ErrorCode.STATE,
      `stage timeout: the asynchronous work caused by ${waitingFor} did not settle within stageTimeoutMs (${timeoutMs} ms); ` +
        `${pending} unit(s) still pending in ctx.work (a mapAsync stage or a work.track promise that never resolves)`,
    );
  }
}

/**
 * A run in strict mode (`strict: true`) met an order anomaly: an event from the venue that the order
 * manager refused to apply (a duplicate fill, an overfill, an invalid fill, an event after the order
 * closed, an unknown order, an illegal transition) or a failed reconciliation.
 *
 * @example
 * ```ts
 * try { await runBacktest(pipeline, { ...config, strict: true }) }
 * catch (e) { if (e instanceof OrderAnomalyError) console.error(e.anomaly.reason, e.anomaly.event) }
 * ```
 */
export class OrderAnomalyError extends RxTradeError {
  constructor(readonly anomaly: OrderAnomaly) {
    // An anomaly means the venue's account of an order cannot be trusted: a fault of the run (STATE).
    super(ErrorCode.STATE, `order anomaly (strict mode) at ${anomaly.ts}: ${anomaly.reason}: ${anomaly.message}`);
  }
}

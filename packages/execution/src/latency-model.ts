/**
 * How long messages between the SDK and a simulated venue take, in milliseconds of clock time: a submit,
 * cancel or modify reaches the matching engine (and is acknowledged) that long after the call, and
 * events the venue originates (fills, triggers, expiries, IOC cancels, trailing updates) reach the SDK
 * `fillMs` after they happen. The venue schedules both with `clock.setTimer`, so latency is
 * deterministic in a backtest.
 */
import { z } from 'zod';
import { ValidationError, parseWith, type CancelOrder, type ModifyOrder, type OrderEvent, type SubmitOrder } from '@rxtrade/core';

/**
 * Latencies of a simulated venue, per message.
 *
 * @example
 * ```ts
 * const jittery: LatencyModel = { submitMs: () => 20, cancelMs: () => 15, modifyMs: () => 15, fillMs: (e) => (e.type === 'OrderFilled' ? 5 : 1) };
 * new SimulatedVenue({ clock, instruments, latency: jittery });
 * ```
 */
export interface LatencyModel {
  /** Delay from `submit` to the order reaching the matching engine (and its OrderAccepted/OrderRejected). */
  submitMs(command: SubmitOrder): number;
  /** Delay from `cancel` to the cancel reaching the matching engine (and its answer). */
  cancelMs(command: CancelOrder): number;
  /** Delay from `modify` to the modify reaching the matching engine (and its answer). */
  modifyMs(command: ModifyOrder): number;
  /** Delay from a venue-originated event (a fill, a trigger, an expiry) to the SDK seeing it. */
  fillMs(event: OrderEvent): number;
}

const delay = (name: string) =>
  z.union([
    z.number().finite().nonnegative(),
    z.custom<(arg: never) => number>((v) => typeof v === 'function', `${name} must be a number of ms >= 0 or a function returning one`),
  ]);

/**
 * Schema of {@link LatencyModelConfig}: each delay is a number of ms (>= 0, default 0) or a function of
 * the message.
 *
 * @example
 * ```ts
 * parseWith(LatencyModelConfigSchema, { submitMs: 50 }, 'latency').fillMs // 0
 * ```
 */
export const LatencyModelConfigSchema = z.strictObject({
  submitMs: delay('submitMs').default(0),
  cancelMs: delay('cancelMs').default(0),
  modifyMs: delay('modifyMs').default(0),
  fillMs: delay('fillMs').default(0),
});

/**
 * Latencies given as fixed numbers of ms or functions: `{ submitMs: 50, cancelMs: 50, modifyMs: 50, fillMs: 10 }`.
 *
 * @example
 * ```ts
 * const config: LatencyModelConfig = { submitMs: 50, fillMs: 10 };
 * ```
 */
export interface LatencyModelConfig {
  readonly submitMs?: number | ((command: SubmitOrder) => number);
  readonly cancelMs?: number | ((command: CancelOrder) => number);
  readonly modifyMs?: number | ((command: ModifyOrder) => number);
  readonly fillMs?: number | ((event: OrderEvent) => number);
}

/**
 * No latency: every message is handled at once (the simulated venue's default).
 *
 * @example
 * ```ts
 * NO_LATENCY.submitMs(command) // 0
 * ```
 */
export const NO_LATENCY: LatencyModel = Object.freeze({ submitMs: () => 0, cancelMs: () => 0, modifyMs: () => 0, fillMs: () => 0 });

/**
 * Builds a {@link LatencyModel} from fixed delays or functions (validated: a bad field throws a
 * ValidationError naming it); a model passed in is returned as it is.
 *
 * @example
 * ```ts
 * const latency = latencyModel({ submitMs: 50, fillMs: 10 });
 * latency.submitMs(command) // 50
 * ```
 */
export function latencyModel(config: LatencyModel | LatencyModelConfig): LatencyModel {
  if (isModel(config)) return config;
  const c = parseWith(LatencyModelConfigSchema, config, 'latency');
  return Object.freeze({
    submitMs: checked(c.submitMs as number | ((x: SubmitOrder) => number), 'submitMs'),
    cancelMs: checked(c.cancelMs as number | ((x: CancelOrder) => number), 'cancelMs'),
    modifyMs: checked(c.modifyMs as number | ((x: ModifyOrder) => number), 'modifyMs'),
    fillMs: checked(c.fillMs as number | ((x: OrderEvent) => number), 'fillMs'),
  });
}

function isModel(v: LatencyModel | LatencyModelConfig): v is LatencyModel {
  return typeof v.submitMs === 'function' && typeof v.cancelMs === 'function' && typeof v.modifyMs === 'function' && typeof v.fillMs === 'function';
}

function checked<T>(value: number | ((x: T) => number), name: string): (x: T) => number {
  if (typeof value === 'number') return () => value;
  return (x: T) => {
    const ms = value(x);
    // A negative or NaN delay would schedule into the past: treat it as a bug in the caller's function.
    if (!(ms >= 0) || !Number.isFinite(ms)) throw new ValidationError([{ path: ['latency', name], message: `returned ${ms}; must be a finite number of ms >= 0` }]);
    return ms;
  };
}

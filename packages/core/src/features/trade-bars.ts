/**
 * Bars from trades as RxJS operators over a `Trade` stream of one instrument: {@link timeBars},
 * {@link tickBars}, {@link volumeBars} and {@link valueBars} (Lopez de Prado, "Advances in Financial
 * Machine Learning", 2018, section 2.3). Each emits a {@link TradeBar} once, when it is complete, and
 * holds one bar's state: constant memory whatever the stream's length. The rules (open-time `ts`, the
 * trade that crosses a threshold, empty periods, the last bar, trades out of order) are those of
 * {@link TradeBarAggregator}, documented on the options below.
 */
import { Observable, type OperatorFunction, type SchedulerLike } from 'rxjs';
import { z } from 'zod';
import type { Clock } from '../clock/clock';
import type { Trade } from '../domain/market-data';
import { parseWith } from '../validation';
import { operate } from './operate';
import { TradeBarAggregator, type TradeBar } from './trade-bars-aggregator';
import { splitMessage, splitRule, tickShape, timeShape, valueShape, volumeShape, type TradeBarSpec } from './trade-bars-spec';

const isScheduler = (v: unknown): boolean => typeof v === 'object' && v !== null && typeof (v as SchedulerLike).schedule === 'function' && typeof (v as SchedulerLike).now === 'function';
const isClock = (v: unknown): boolean => typeof v === 'object' && v !== null && typeof (v as Clock).setTimer === 'function' && typeof (v as Clock).now === 'function';

/**
 * Schema of {@link timeBars}' options: a time-bar spec without `type`, and how periods close on time.
 *
 * @example
 * ```ts
 * parseWith(TimeBarsConfigSchema, { timeframe: Timeframe.MINUTE, clock: ctx.clock }, 'timeBars');
 * ```
 */
export const TimeBarsConfigSchema = z
  .strictObject({
    ...timeShape,
    /**
     * The pipeline's clock (`ctx.clock`): a period then closes when the clock reaches its end plus
     * `grace`, even when no later trade comes. Without a clock or scheduler, a period closes when a
     * trade of a later period arrives or the stream completes (replays, batch conversion).
     */
    clock: z.custom<Clock>(isClock, { message: 'must be a Clock' }).optional(),
    /** An RxJS scheduler instead of a clock (a TestScheduler in tests). */
    scheduler: z.custom<SchedulerLike>(isScheduler, { message: 'must be an RxJS SchedulerLike' }).optional(),
    /** How long after a period's end the clock waits before closing it, in ms (live feeds deliver late). */
    grace: z.number().int().nonnegative().default(0),
    /** A trade of a period that already closed on the clock: `'error'` (default, naming `trade.ts`) or `'drop'`. */
    onLate: z.enum(['error', 'drop']).default('error'),
  })
  .refine((c) => c.clock === undefined || c.scheduler === undefined, { message: 'give at most one of clock or scheduler', path: ['clock'] });
/**
 * Options of {@link timeBars}.
 *
 * @example
 * ```ts
 * const config: TimeBarsConfig = { timeframe: Timeframe.MINUTE, empty: 'flat', clock: ctx.clock };
 * ```
 */
export type TimeBarsConfig = z.input<typeof TimeBarsConfigSchema>;

/**
 * Schema of {@link tickBars}' options.
 *
 * @example
 * ```ts
 * parseWith(TickBarsConfigSchema, { trades: 100 }, 'tickBars');
 * ```
 */
export const TickBarsConfigSchema = z.strictObject(tickShape);
/**
 * Options of {@link tickBars}: `trades` a bar, `closeAt`, `partial`.
 *
 * @example
 * ```ts
 * const config: TickBarsConfig = { trades: 100, closeAt: 'trade' };
 * ```
 */
export type TickBarsConfig = z.input<typeof TickBarsConfigSchema>;

/**
 * Schema of {@link volumeBars}' options.
 *
 * @example
 * ```ts
 * parseWith(VolumeBarsConfigSchema, { volume: 50 }, 'volumeBars');
 * ```
 */
export const VolumeBarsConfigSchema = z.strictObject(volumeShape).refine(splitRule, splitMessage);
/**
 * Options of {@link volumeBars}: `volume` a bar, `closeAt`, `split`, `partial`, `tolerance`.
 *
 * @example
 * ```ts
 * const config: VolumeBarsConfig = { volume: 50, split: true, closeAt: 'trade' };
 * ```
 */
export type VolumeBarsConfig = z.input<typeof VolumeBarsConfigSchema>;

/**
 * Schema of {@link valueBars}' options.
 *
 * @example
 * ```ts
 * parseWith(ValueBarsConfigSchema, { value: 1_000_000 }, 'valueBars');
 * ```
 */
export const ValueBarsConfigSchema = z.strictObject(valueShape).refine(splitRule, splitMessage);
/**
 * Options of {@link valueBars}: `value` (price x size) a bar, `closeAt`, `split`, `partial`, `tolerance`.
 *
 * @example
 * ```ts
 * const config: ValueBarsConfig = { value: 1_000_000 };
 * ```
 */
export type ValueBarsConfig = z.input<typeof ValueBarsConfigSchema>;

/** An operator that runs an aggregator over the source and emits its bars. */
function aggregate(spec: TradeBarSpec, source: string): OperatorFunction<Trade, TradeBar> {
  const agg = new TradeBarAggregator(spec, source); // checks the spec now, at pipe time
  return (trades) =>
    new Observable<TradeBar>((subscriber) => {
      const a = new TradeBarAggregator(agg.spec, source); // one state per subscription
      const emit = (b: TradeBar) => subscriber.next(b);
      operate(
        trades,
        subscriber,
        (t) => a.push(t, emit),
        () => a.finish(emit),
      );
    });
}

/**
 * Time bars from trades: one bar per period `[ts, ts + timeframe)` aligned to the UTC epoch (plus
 * `offset`), `ts` the period start, emitted once when the period closes (a trade of a later period
 * arrives, the clock passes its end plus `grace`, or the stream completes and `partial` is `'emit'`).
 * A period without trades has no bar, or a flat bar at the last close with `empty: 'flat'`.
 *
 * @example
 * ```ts
 * const minute$ = trades$.pipe(timeBars({ timeframe: Timeframe.MINUTE, clock: ctx.clock })); // ts = the minute's start
 * ```
 */
export function timeBars(config: TimeBarsConfig): OperatorFunction<Trade, TradeBar> {
  const { clock, scheduler, grace, onLate, ...rest } = parseWith(TimeBarsConfigSchema, config, 'timeBars');
  const spec: TradeBarSpec = { type: 'time', ...rest };
  const checked = new TradeBarAggregator(spec, 'timeBars').spec;
  if (!clock && !scheduler) return aggregate(checked, 'timeBars');
  const setTimer = (at: number, fire: () => void): { cancel(): void } => {
    if (clock) return clock.setTimer(Math.max(at, clock.now()), fire);
    const sub = scheduler!.schedule(fire, Math.max(0, at - scheduler!.now()));
    return { cancel: () => sub.unsubscribe() };
  };
  return (trades) =>
    new Observable<TradeBar>((subscriber) => {
      const a = new TradeBarAggregator(checked, 'timeBars');
      const emit = (b: TradeBar) => subscriber.next(b);
      let timer: { cancel(): void } | undefined;
      let timerFor = Number.NaN; // the period the timer closes
      const arm = (): void => {
        const start = a.openPeriodStart;
        if (start === timerFor) return;
        timer?.cancel();
        timer = undefined;
        timerFor = start;
        if (Number.isNaN(start)) return;
        const end = start + rest.timeframe;
        timer = setTimer(end + grace, () => {
          timer = undefined;
          timerFor = Number.NaN;
          if (subscriber.closed) return;
          try {
            a.advanceTo(end, emit);
            arm(); // the next (empty) period with empty: 'flat'
          } catch (err) {
            subscriber.error(err);
          }
        });
      };
      subscriber.add(() => timer?.cancel());
      operate(
        trades,
        subscriber,
        (t) => {
          a.push(t, emit, onLate);
          arm();
        },
        () => {
          timer?.cancel();
          timer = undefined;
          a.finish(emit);
        },
      );
    });
}

/**
 * Tick bars: a bar every `trades` trades, `ts` its first trade's time. By default (`closeAt:
 * 'millisecond'`) the trades that share the closing trade's millisecond join the bar, so that bar
 * times are strictly increasing; a stream that completes below the threshold drops the short last bar
 * unless `partial: 'emit'`.
 *
 * @example
 * ```ts
 * const bars$ = trades$.pipe(tickBars({ trades: 100 }));
 * ```
 */
export function tickBars(config: TickBarsConfig): OperatorFunction<Trade, TradeBar> {
  return aggregate({ type: 'tick', ...parseWith(TickBarsConfigSchema, config, 'tickBars') }, 'tickBars');
}

/**
 * Volume bars: a bar every `volume` units traded, `ts` its first trade's time. The trade that reaches
 * the threshold goes into the bar whole, which then holds more than `volume` (`split: true` cuts it
 * instead); otherwise as {@link tickBars}.
 *
 * @example
 * ```ts
 * const bars$ = trades$.pipe(volumeBars({ volume: 50 })); // 50 BTC a bar
 * ```
 */
export function volumeBars(config: VolumeBarsConfig): OperatorFunction<Trade, TradeBar> {
  return aggregate({ type: 'volume', ...parseWith(VolumeBarsConfigSchema, config, 'volumeBars') }, 'volumeBars');
}

/**
 * Value ("dollar") bars: a bar every `value` of price x size traded, `ts` its first trade's time; the
 * crossing trade as for {@link volumeBars}.
 *
 * @example
 * ```ts
 * const bars$ = trades$.pipe(valueBars({ value: 5_000_000 })); // $5M a bar
 * ```
 */
export function valueBars(config: ValueBarsConfig): OperatorFunction<Trade, TradeBar> {
  return aggregate({ type: 'value', ...parseWith(ValueBarsConfigSchema, config, 'valueBars') }, 'valueBars');
}

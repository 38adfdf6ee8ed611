/**
 * What kind of bar to build from trades, as data: a {@link TradeBarSpec} is what {@link TradeBarAggregator}
 * builds, what the operators ({@link timeBars}, {@link tickBars}, {@link volumeBars}, {@link valueBars})
 * take, and what a catalog stores a bar series under ({@link barSeriesId}).
 *
 * The four kinds are those of Lopez de Prado, "Advances in Financial Machine Learning" (2018), section
 * 2.3: time bars (one per period), tick bars (one every N trades), volume bars (one every V units traded)
 * and value ("dollar") bars (one every X of price x size traded).
 */
import { z } from 'zod';
import { ValidationError } from '../errors';
import type { InstrumentId } from '../domain/ids';
import { parseWith } from '../validation';

/**
 * When an information-driven bar (tick, volume, value) closes once a trade reaches its threshold.
 *
 * @example
 * ```ts
 * tickBars({ trades: 100, closeAt: BarCloseAt.TRADE }); // exactly 100 trades a bar, emitted on the 100th
 * ```
 */
export const BarCloseAt = {
  /**
   * On the trade that reaches the threshold, emitted at once: the textbook bar. Bars may then open in
   * the millisecond the previous bar closed, and two bars may share an open time (a burst of prints in
   * one millisecond): such a series cannot go into a backtest or a catalog, which need strictly
   * increasing bar times.
   */
  TRADE: 'trade',
  /**
   * At the end of that trade's millisecond (the default): the trades after it with the same `ts` join
   * the bar, so that every bar opens in a later millisecond than the one before closed. The bar is
   * emitted when a trade of a later millisecond arrives, or when the stream completes.
   */
  MILLISECOND: 'millisecond',
} as const;
export type BarCloseAt = (typeof BarCloseAt)[keyof typeof BarCloseAt];

/**
 * What happens to the last bar when the trade stream completes before the bar is complete (a time bar
 * whose period has not ended, an information bar below its threshold).
 *
 * @example
 * ```ts
 * volumeBars({ volume: 10, partial: PartialBar.EMIT }); // keep the short last bar
 * ```
 */
export const PartialBar = {
  /** Emit it as it is (the default of time bars, as `resample` and pandas do with the last bin). */
  EMIT: 'emit',
  /** Leave it out (the default of tick, volume and value bars: every bar they emit reached its threshold). */
  DROP: 'drop',
} as const;
export type PartialBar = (typeof PartialBar)[keyof typeof PartialBar];

/**
 * What a time bar does with a period in which nothing traded.
 *
 * @example
 * ```ts
 * timeBars({ timeframe: Timeframe.MINUTE, empty: EmptyPeriod.FLAT });
 * ```
 */
export const EmptyPeriod = {
  /** No bar for it (the default, as `resample`). */
  SKIP: 'skip',
  /** A flat bar: open, high, low and close at the previous bar's close, volume 0, `trades` 0. */
  FLAT: 'flat',
} as const;
export type EmptyPeriod = (typeof EmptyPeriod)[keyof typeof EmptyPeriod];

const partial = (byDefault: PartialBar) => z.enum([PartialBar.EMIT, PartialBar.DROP]).default(byDefault);
const closeAt = z.enum([BarCloseAt.TRADE, BarCloseAt.MILLISECOND]).default(BarCloseAt.MILLISECOND);
/** Relative slack of a volume or value threshold, so that 0.1 + 0.2 units reach a threshold of 0.3. */
const tolerance = z.number().min(0).max(1e-3).default(1e-9);
const threshold = z.number().positive().finite();

/** The options of a time bar (internal: shared with the operators' schemas). */
export const timeShape = {
  /** Period length in ms (see `Timeframe`). */
  timeframe: z.number().int().positive(),
  /** Shift of the period boundaries from the UTC epoch, in ms, in `[0, timeframe)`. */
  offset: z.number().int().nonnegative().default(0),
  /** A period without trades: no bar (`'skip'`, the default) or a flat bar at the last close (`'flat'`). */
  empty: z.enum([EmptyPeriod.SKIP, EmptyPeriod.FLAT]).default(EmptyPeriod.SKIP),
  /** The last period when the stream completes before its end: `'emit'` (default) or `'drop'`. */
  partial: partial(PartialBar.EMIT),
};

/**
 * Schema of a time-bar spec: one bar per period `[start, start + timeframe)`, `start = offset + k *
 * timeframe` (aligned to the UTC epoch, as `resample`).
 *
 * @example
 * ```ts
 * parseWith(TimeBarSpecSchema, { type: 'time', timeframe: Timeframe.MINUTE }, 'bars');
 * ```
 */
export const TimeBarSpecSchema = z.strictObject({ type: z.literal('time'), ...timeShape });

/** The options of a tick bar (internal). */
export const tickShape = {
  /** Trades a bar (at least: more with `closeAt: 'millisecond'` when trades share its closing millisecond). */
  trades: z.number().int().positive(),
  closeAt,
  /** The last bar when the stream completes below the threshold: `'drop'` (default) or `'emit'`. */
  partial: partial(PartialBar.DROP),
};

/**
 * Schema of a tick-bar spec: a bar every `trades` trades.
 *
 * @example
 * ```ts
 * parseWith(TickBarSpecSchema, { type: 'tick', trades: 100 }, 'bars');
 * ```
 */
export const TickBarSpecSchema = z.strictObject({ type: z.literal('tick'), ...tickShape });

export const splitRule = (c: { split: boolean; closeAt: BarCloseAt }) => !c.split || c.closeAt === BarCloseAt.TRADE;
export const splitMessage = { message: "split: true needs closeAt: 'trade' (the parts of a split trade share its time)", path: ['split'] };

/** The options of a volume bar (internal). */
export const volumeShape = {
  /** Units (the trades' `size`) a bar. */
  volume: threshold,
  closeAt,
  /**
   * Split the trade that crosses the threshold (default false: the whole trade goes into the bar it
   * completes, whose volume then overshoots). With `true` the bar takes exactly the part that fills
   * it and the rest starts the next bars; needs `closeAt: 'trade'`.
   */
  split: z.boolean().default(false),
  /** The last bar when the stream completes below the threshold: `'drop'` (default) or `'emit'`. */
  partial: partial(PartialBar.DROP),
  /** A bar is complete at `volume * (1 - tolerance)` (default 1e-9): sums of decimal sizes in doubles fall short by a few ulps. */
  tolerance,
};

/**
 * Schema of a volume-bar spec: a bar every `volume` units traded.
 *
 * @example
 * ```ts
 * parseWith(VolumeBarSpecSchema, { type: 'volume', volume: 50 }, 'bars');
 * ```
 */
export const VolumeBarSpecSchema = z.strictObject({ type: z.literal('volume'), ...volumeShape }).refine(splitRule, splitMessage);

/** The options of a value bar (internal). */
export const valueShape = {
  /** Quote-currency value (sum of price x size) a bar. */
  value: threshold,
  closeAt,
  /** As for volume bars: split the crossing trade so that the bar holds exactly `value`. */
  split: z.boolean().default(false),
  /** The last bar when the stream completes below the threshold: `'drop'` (default) or `'emit'`. */
  partial: partial(PartialBar.DROP),
  /** A bar is complete at `value * (1 - tolerance)` (default 1e-9). */
  tolerance,
};

/**
 * Schema of a value-bar ("dollar bar") spec: a bar every `value` of price x size traded.
 *
 * @example
 * ```ts
 * parseWith(ValueBarSpecSchema, { type: 'value', value: 1_000_000 }, 'bars');
 * ```
 */
export const ValueBarSpecSchema = z.strictObject({ type: z.literal('value'), ...valueShape }).refine(splitRule, splitMessage);

/**
 * Schema of any {@link TradeBarSpec}, told apart by `type`.
 *
 * @example
 * ```ts
 * const spec = parseWith(TradeBarSpecSchema, { type: 'value', value: 1e6 }, 'bars');
 * ```
 */
export const TradeBarSpecSchema = z.discriminatedUnion('type', [TimeBarSpecSchema, TickBarSpecSchema, VolumeBarSpecSchema, ValueBarSpecSchema]);

/**
 * A kind of bar built from trades, with its options (`type`: `'time'`, `'tick'`, `'volume'` or `'value'`).
 *
 * @example
 * ```ts
 * const spec: TradeBarSpec = { type: 'tick', trades: 500 };
 * ```
 */
export type TradeBarSpec = z.input<typeof TradeBarSpecSchema>;
/** A {@link TradeBarSpec} with every default filled in. */
export type ResolvedTradeBarSpec = z.output<typeof TradeBarSpecSchema>;

const TIME_UNITS = [
  ['WEEK', 604_800_000],
  ['DAY', 86_400_000],
  ['HOUR', 3_600_000],
  ['MINUTE', 60_000],
  ['SECOND', 1_000],
  ['MILLISECOND', 1],
] as const;
type Aggregation = 'TICK' | 'VOLUME' | 'VALUE' | (typeof TIME_UNITS)[number][0];

/**
 * The id of the bar series built from an instrument's trades by `spec`, under which a catalog stores
 * it: `<instrument>-<step>-<aggregation>-LAST`, as NautilusTrader spells a bar type (`LAST`: from
 * trade prices). Time bars take the largest unit that divides the timeframe (`-1-MINUTE-`,
 * `-90-SECOND-`, `-1500-MILLISECOND-`) and a non-zero offset as `-OFFSET<ms>` at the end. The empty
 * period and partial bar rules are not part of the id.
 *
 * @example
 * ```ts
 * barSeriesId(instrumentId('BTCUSDT.BINANCE'), { type: 'tick', trades: 100 }); // 'BTCUSDT.BINANCE-100-TICK-LAST'
 * barSeriesId(instrumentId('ES.CME'), { type: 'time', timeframe: Timeframe.DAY, offset: 22 * Timeframe.HOUR }); // 'ES.CME-1-DAY-LAST-OFFSET79200000'
 * ```
 */
export function barSeriesId(instrument: InstrumentId | string, spec: TradeBarSpec): InstrumentId {
  const s = parseTradeBarSpec(spec, 'spec');
  switch (s.type) {
    case 'tick':
      return `${instrument}-${s.trades}-TICK-LAST` as InstrumentId;
    case 'volume':
      return `${instrument}-${s.volume}-VOLUME-LAST` as InstrumentId;
    case 'value':
      return `${instrument}-${s.value}-VALUE-LAST` as InstrumentId;
    case 'time': {
      const [unit, ms] = TIME_UNITS.find(([, ms]) => s.timeframe % ms === 0)!;
      return `${instrument}-${s.timeframe / ms}-${unit}-LAST${s.offset ? `-OFFSET${s.offset}` : ''}` as InstrumentId;
    }
  }
}

const SERIES = /^(.+)-(\d+(?:\.\d+)?(?:e[+-]?\d+)?)-(TICK|VOLUME|VALUE|WEEK|DAY|HOUR|MINUTE|SECOND|MILLISECOND)-LAST(?:-OFFSET(\d+))?$/;

/**
 * The instrument and spec of a bar series id made by {@link barSeriesId}, or undefined when `id` is not
 * one (a plain instrument id). The spec has the default empty-period and partial-bar rules.
 *
 * @example
 * ```ts
 * parseBarSeriesId('BTCUSDT.BINANCE-100-TICK-LAST'); // { instrumentId: 'BTCUSDT.BINANCE', spec: { type: 'tick', trades: 100 } }
 * ```
 */
export function parseBarSeriesId(id: string): { instrumentId: InstrumentId; spec: TradeBarSpec } | undefined {
  const m = SERIES.exec(id);
  if (!m) return undefined;
  const [, instrument, step, aggregation, offset] = m as unknown as [string, string, string, Aggregation, string | undefined];
  const n = Number(step);
  let spec: TradeBarSpec;
  if (aggregation === 'TICK') spec = { type: 'tick', trades: n };
  else if (aggregation === 'VOLUME') spec = { type: 'volume', volume: n };
  else if (aggregation === 'VALUE') spec = { type: 'value', value: n };
  else {
    const ms = TIME_UNITS.find(([u]) => u === aggregation)![1];
    spec = offset === undefined ? { type: 'time', timeframe: n * ms } : { type: 'time', timeframe: n * ms, offset: Number(offset) };
  }
  if (!TradeBarSpecSchema.safeParse(spec).success) return undefined;
  return { instrumentId: instrument as InstrumentId, spec };
}

/**
 * Parses a spec with {@link TradeBarSpecSchema}, throwing a ValidationError naming the field under
 * `what`; also checks that a time bar's offset is below its timeframe.
 *
 * @example
 * ```ts
 * const spec = parseTradeBarSpec({ type: 'volume', volume: 25 }, 'bars'); // split false, closeAt 'millisecond', ...
 * ```
 */
export function parseTradeBarSpec(spec: unknown, what: string): ResolvedTradeBarSpec {
  const s = parseWith(TradeBarSpecSchema, spec, what);
  if (s.type === 'time' && s.offset >= s.timeframe)
    throw new ValidationError([{ path: [what, 'offset'], message: `must be below the timeframe (${s.timeframe}), got ${s.offset}` }]);
  return s;
}

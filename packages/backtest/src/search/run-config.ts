/**
 * The JSON configuration of one backtest run, as a sweep task, a worker or the CLI carries it: data
 * files, instrument definitions, ledger, venue commission, an optional time window and the number of
 * periods per year used to annualize metrics. Everything is plain JSON so a task crosses threads,
 * processes and hosts unchanged.
 */
import { z } from 'zod';
import { AssetClass } from '@rxtrade/core';
import { SimulatedVenueJsonSchema } from '@rxtrade/execution';

const decimalText = z.union([z.string().min(1), z.number()]).refine((v) => {
  const n = Number(v);
  return Number.isFinite(n) && n >= 0;
}, 'must be a number >= 0 (a decimal string or a JSON number)');

const positiveDecimalText = z.union([z.string().min(1), z.number()]).refine((v) => {
  const n = Number(v);
  return Number.isFinite(n) && n > 0;
}, 'must be a number > 0 (a decimal string or a JSON number)');

/** A time: epoch milliseconds, or a date string `Date.parse` reads (`2020-01-01` is midnight UTC). */
const timeSchema = z.union([z.number().int(), z.string().min(1)]).transform((v, ctx) => {
  const ms = typeof v === 'number' ? v : Date.parse(v);
  if (Number.isFinite(ms)) return ms;
  ctx.addIssue({ code: 'custom', message: `must be epoch milliseconds or a date such as 2020-01-01, got ${JSON.stringify(v)}` });
  return z.NEVER;
});

/**
 * Schema of an instrument definition in JSON (the input of `defineInstrument`, numbers as strings or numbers).
 *
 * @example
 * ```ts
 * InstrumentJsonSchema.parse({ symbol: 'GOOG', venue: 'NASDAQ', assetClass: 'stock', base: 'GOOG', quote: 'USD', tickSize: '0.01', lotSize: '1' });
 * ```
 */
export const InstrumentJsonSchema = z.strictObject({
  symbol: z.string().min(1),
  venue: z.string().min(1),
  assetClass: z.enum(Object.values(AssetClass) as [AssetClass, ...AssetClass[]]),
  base: z.string().min(1),
  quote: z.string().min(1),
  tickSize: positiveDecimalText,
  lotSize: positiveDecimalText,
  minNotional: decimalText.optional(),
  multiplier: positiveDecimalText.optional(),
  fees: z.strictObject({ maker: decimalText, taker: decimalText }).optional(),
  id: z.string().min(1).optional(),
});

/**
 * Schema of one data series: a bars CSV file and the instrument (id) its rows belong to.
 *
 * @example
 * ```ts
 * DataFileSchema.parse({ path: 'data/goog.csv', instrument: 'GOOG.NASDAQ' });
 * ```
 */
export const DataFileSchema = z.strictObject({
  /** Path of a CSV with a date column and open, high, low, close (and optionally volume); relative paths resolve against `baseDir`. */
  path: z.string().min(1),
  /** The instrument id the bars are for (`SYMBOL.VENUE` unless the definition gives an `id`). */
  instrument: z.string().min(1),
});

/**
 * Schema of {@link RunConfig}: the run of a sweep task, validated by `evaluateTask` so that a bad task
 * fails with a `ValidationError` naming the field (for example `run.data[0].path`).
 *
 * @example
 * ```ts
 * const run = parseWith(RunConfigSchema, JSON.parse(fs.readFileSync('run.json', 'utf8')), 'run');
 * ```
 */
export const RunConfigSchema = z
  .strictObject({
    /** One or more bar series, merged by (ts, series order). */
    data: z.array(DataFileSchema).min(1),
    /** Base directory of relative data paths; defaults to the process's working directory. */
    baseDir: z.string().min(1).optional(),
    instruments: z.array(InstrumentJsonSchema).min(1),
    ledger: z.strictObject({ startingCash: decimalText, baseCurrency: z.string().min(1).optional() }),
    /** The simulated venue: commission or a named fee model, slippage, latency, account, participation cap, funding… */
    venue: SimulatedVenueJsonSchema.default({}),
    /** Several simulated venues, each with the `id` its instruments name as their `venue`; replaces `venue`. */
    venues: z.array(SimulatedVenueJsonSchema.refine((v) => v.id !== undefined, { path: ['id'], message: 'each of several venues needs an id' })).min(1).optional(),
    /**
     * The time window [start, end): bars before `start` are not traded on, bars at or after `end` are
     * dropped. With `warmupBars`, that many bars of each series before `start` are fed to the pipeline
     * first (indicators warm up; orders are dropped and no equity is recorded).
     */
    window: z
      .strictObject({ start: timeSchema.optional(), end: timeSchema.optional(), warmupBars: z.number().int().min(0).default(0) })
      .refine((w) => w.start === undefined || w.end === undefined || w.start < w.end, { message: 'start must be before end', path: ['end'] })
      .optional(),
    /** Periods per year of the equity curve for annualized metrics: 252 for daily stock bars, 365 for crypto days. */
    periodsPerYear: z.number().positive().default(252),
    /** Keep one equity point in N (metrics then see one period per N bars; annualization is adjusted). */
    equityEvery: z.number().int().min(1).default(1),
    strategyId: z.string().min(1).default('strategy'),
    /** A bar series whose close-to-close returns are the benchmark of alpha and beta (aligned by timestamp). */
    benchmark: DataFileSchema.optional(),
  })
  .superRefine((c, ctx) => {
    const ids = new Set(c.instruments.map((i) => i.id ?? `${i.symbol}.${i.venue}`));
    c.data.forEach((d, i) => {
      if (!ids.has(d.instrument))
        ctx.addIssue({ code: 'custom', path: ['data', i, 'instrument'], message: `unknown instrument ${JSON.stringify(d.instrument)}; defined: ${[...ids].join(', ')}` });
    });
  });

/** The JSON configuration of one backtest run (the `run` of a sweep task). */
export type RunConfig = z.input<typeof RunConfigSchema>;
/** A {@link RunConfig} after parsing: defaults filled in, times as epoch milliseconds. */
export type ParsedRunConfig = z.output<typeof RunConfigSchema>;

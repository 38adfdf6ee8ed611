/**
 * The options of {@link dataQualityReport}: the calendar of expected bar times, the bar interval, and
 * one entry per check (its thresholds and severity, or `false` to leave it out). Unknown keys are
 * errors that name the key.
 */
import { z } from 'zod';
import { isKnownTimeZone } from '../zone-clock';

/**
 * How serious a finding of a check is.
 *
 * @example
 * ```ts
 * dataQualityReport(bars, { zeroVolume: { severity: DataQualitySeverity.WARNING } });
 * ```
 */
export const DataQualitySeverity = { ERROR: 'error', WARNING: 'warning', INFO: 'info' } as const;
export type DataQualitySeverity = (typeof DataQualitySeverity)[keyof typeof DataQualitySeverity];

/**
 * The checks of a data-quality report, in the order they are reported.
 *
 * @example
 * ```ts
 * const jumps = report.instruments[0]!.checks.find((c) => c.check === DataQualityCheck.PRICE_JUMPS);
 * ```
 */
export const DataQualityCheck = {
  /** Bars of the series whose time is earlier than a bar before them. */
  OUT_OF_ORDER: 'outOfOrder',
  /** Bars with the same time as the bar before them. */
  DUPLICATES: 'duplicates',
  /** Prices that are zero, negative or not finite; volumes that are negative or not finite. */
  INVALID_VALUES: 'invalidValues',
  /** High below low, open or close outside [low, high]. */
  OHLC_INCONSISTENT: 'ohlcInconsistent',
  /** Expected bars missing between two bars (or before the first / after the last, with `start` / `end`). */
  GAPS: 'gaps',
  /** Bars at a time the calendar does not expect (a weekend, a holiday, off the interval's grid). */
  OFF_CALENDAR: 'offCalendar',
  /** Log returns of the close beyond `k` robust standard deviations of the trailing window. */
  PRICE_JUMPS: 'priceJumps',
  /** Runs of at least `minBars` bars with an unchanged close (or unchanged open, high, low and close). */
  STALE_PRICES: 'stalePrices',
  /** Runs of at least `minBars` bars with zero volume. */
  ZERO_VOLUME: 'zeroVolume',
  /** Volumes whose logarithm is beyond `k` robust standard deviations above the trailing window's. */
  VOLUME_SPIKES: 'volumeSpikes',
} as const;
export type DataQualityCheck = (typeof DataQualityCheck)[keyof typeof DataQualityCheck];

/**
 * Every check, in report order.
 *
 * @example
 * ```ts
 * const allOff = Object.fromEntries(DATA_QUALITY_CHECKS.map((c) => [c, false])); // then turn on the ones wanted
 * ```
 */
export const DATA_QUALITY_CHECKS: readonly DataQualityCheck[] = Object.values(DataQualityCheck);

const severity = z.enum(['error', 'warning', 'info']);
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day as HH:MM (24-hour)');
const isoDate = z.string().refine((s) => isIsoDate(s), 'must be a calendar date as YYYY-MM-DD');

/** Whether `s` is a real date written `YYYY-MM-DD`. */
export function isIsoDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const t = Date.parse(`${s}T00:00:00Z`);
  return Number.isFinite(t) && new Date(t).toISOString().slice(0, 10) === s;
}

/** Minutes after midnight of `HH:MM`. */
export function minuteOfDay(s: string): number {
  return Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5));
}

/**
 * Schema of a 24/7 calendar: a bar every interval, on the grid `offsetMs + k * interval` (epoch ms);
 * without `offsetMs` the grid goes through each instrument's first bar.
 *
 * @example
 * ```ts
 * parseWith(ContinuousCalendarConfigSchema, { type: 'continuous', offsetMs: 0 });
 * ```
 */
const ContinuousCalendarConfigSchema = z.strictObject({
  type: z.literal('continuous'),
  offsetMs: z.number().int().min(0).optional(),
});

/**
 * Schema of an exchange session calendar: sessions on `weekdays` (ISO, 1 Monday … 7 Sunday) from `open`
 * to `close` in `timeZone` (an IANA zone), none on `holidays`, and an earlier close on the days of
 * `earlyCloses`. Sessions that cross midnight are not supported.
 *
 * @example
 * ```ts
 * parseWith(SessionCalendarConfigSchema, { type: 'session', timeZone: 'America/New_York', open: '09:30', close: '16:00', holidays: ['2024-07-04'], earlyCloses: { '2024-07-03': '13:00' } });
 * ```
 */
const SessionCalendarConfigSchema = z
  .strictObject({
    type: z.literal('session'),
    timeZone: z.string().refine(isKnownTimeZone, 'must be an IANA time zone the JavaScript engine knows, such as America/New_York'),
    open: hhmm,
    close: hhmm,
    weekdays: z.array(z.number().int().min(1).max(7)).min(1).readonly().default([1, 2, 3, 4, 5]),
    holidays: z.array(isoDate).readonly().default([]),
    earlyCloses: z.record(isoDate, hhmm).readonly().default({}),
    /** Daily bars only: the bar of a day is stamped at the date's 00:00 UTC (the default, as CSV files of dates and ccxt's daily candles are), the session's open or its close. */
    dailyTs: z.enum(['date', 'open', 'close']).default('date'),
  })
  .superRefine((c, ctx) => {
    if (minuteOfDay(c.close) <= minuteOfDay(c.open)) ctx.addIssue({ code: 'custom', path: ['close'], message: `must be after open (${c.open}); sessions that cross midnight are not supported` });
    for (const [day, close] of Object.entries(c.earlyCloses))
      if (minuteOfDay(close) <= minuteOfDay(c.open)) ctx.addIssue({ code: 'custom', path: ['earlyCloses', day], message: `must be after open (${c.open}), got ${close}` });
  });

/**
 * Schema of the calendar of expected bar times.
 *
 * @example
 * ```ts
 * parseWith(DataQualityCalendarSchema, { type: 'continuous' });
 * ```
 */
export const DataQualityCalendarSchema = z.discriminatedUnion('type', [ContinuousCalendarConfigSchema, SessionCalendarConfigSchema]);

/**
 * The calendar of expected bar times: `{ type: 'continuous', offsetMs? }` (24/7) or `{ type: 'session',
 * timeZone, open, close, weekdays?, holidays?, earlyCloses?, dailyTs? }`.
 *
 * @example
 * ```ts
 * const xetra: DataQualityCalendar = { type: 'session', timeZone: 'Europe/Berlin', open: '09:00', close: '17:30', holidays: ['2024-12-24'] };
 * ```
 */
export type DataQualityCalendar = z.input<typeof DataQualityCalendarSchema>;

const check = <S extends z.core.$ZodShape>(shape: S, defaultSeverity: DataQualitySeverity) =>
  z.union([z.literal(false), z.strictObject({ ...shape, severity: severity.default(defaultSeverity) })]).prefault({} as never); // every field has a default

/**
 * Schema of {@link DataQualityOptions}.
 *
 * @example
 * ```ts
 * const o = parseWith(DataQualityOptionsSchema, { intervalMs: 60_000, priceJumps: { k: 6 } });
 * o.priceJumps; // { k: 6, window: 50, severity: 'warning' }
 * ```
 */
export const DataQualityOptionsSchema = z.strictObject({
  /**
   * The bar interval in milliseconds (`Timeframe.MINUTE`, `Timeframe.DAY`…). Without it, the interval is
   * the most frequent difference between consecutive increasing times among the first `inferFrom` bars
   * of each instrument (the smaller one on a tie).
   */
  intervalMs: z.number().int().positive().optional(),
  /** Bars read to infer the interval (kept in memory until then); default 1,000. */
  inferFrom: z.number().int().min(2).max(1_000_000).default(1000),
  /** When bars are expected: `{ type: 'continuous' }` (the default, 24/7) or an exchange's sessions. */
  calendar: DataQualityCalendarSchema.default({ type: 'continuous' }),
  /** Bars are expected from this time (epoch ms, inclusive): missing bars before the first bar are a gap. */
  start: z.number().int().optional(),
  /** Bars are expected until this time (epoch ms, exclusive): missing bars after the last bar are a gap. */
  end: z.number().int().optional(),
  /** Examples kept per check and instrument (the rest are counted); default 10. */
  maxExamples: z.number().int().min(0).max(100_000).default(10),
  outOfOrder: check({}, 'error'),
  duplicates: check({}, 'error'),
  invalidValues: check({}, 'error'),
  ohlcInconsistent: check({}, 'error'),
  gaps: check({}, 'warning'),
  offCalendar: check({}, 'warning'),
  priceJumps: check(
    {
      /** Robust standard deviations (1.4826 x MAD) of the trailing window's log returns beyond which a return is a jump; default 5. */
      k: z.number().positive().default(5),
      /** Trailing log returns the median and MAD are taken over; no return is judged before the window is full. Default 50. */
      window: z.number().int().min(5).max(100_000).default(50),
    },
    'warning',
  ),
  stalePrices: check(
    {
      /** Bars in a row with the same value to report; default 5. */
      minBars: z.number().int().min(2).default(5),
      /** `close` (default): the close repeats; `ohlc`: open, high, low and close all repeat. */
      field: z.enum(['close', 'ohlc']).default('close'),
    },
    'warning',
  ),
  zeroVolume: check(
    {
      /** Bars in a row with zero volume to report; default 1 (every zero-volume bar, runs reported once). */
      minBars: z.number().int().min(1).default(1),
    },
    'info',
  ),
  volumeSpikes: check(
    {
      /** Robust standard deviations of the trailing window's log volumes above which a volume is a spike; default 5. */
      k: z.number().positive().default(5),
      /** Trailing non-zero volumes the median and MAD of log volume are taken over; default 50. */
      window: z.number().int().min(5).max(100_000).default(50),
    },
    'info',
  ),
}).superRefine((o, ctx) => {
  if (o.start !== undefined && o.end !== undefined && o.end <= o.start) ctx.addIssue({ code: 'custom', path: ['end'], message: `must be after start (${o.start}), got ${o.end}` });
  if (o.calendar.type === 'session' && o.intervalMs !== undefined && o.intervalMs > 86_400_000)
    ctx.addIssue({ code: 'custom', path: ['intervalMs'], message: `a session calendar expects bars of at most a day (86400000 ms), got ${o.intervalMs}` });
});

/**
 * Options of {@link dataQualityReport} (every field optional; see {@link DataQualityOptionsSchema}).
 *
 * @example
 * ```ts
 * const options: DataQualityOptions = { calendar: { type: 'session', timeZone: 'America/New_York', open: '09:30', close: '16:00' }, intervalMs: 86_400_000 };
 * ```
 */
export type DataQualityOptions = z.input<typeof DataQualityOptionsSchema>;
/** {@link DataQualityOptions} with every default applied. */
export type ParsedDataQualityOptions = z.output<typeof DataQualityOptionsSchema>;

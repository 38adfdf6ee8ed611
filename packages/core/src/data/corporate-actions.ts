/**
 * Split and dividend adjustment of a stock's bars from a table of corporate actions, the way CRSP's
 * cumulative adjustment factors and Yahoo Finance's "adjusted close" do it.
 *
 * An action on ex-date E with split ratio r (new shares per old share: 2 for a 2-for-1 split, 0.1 for a
 * 1-for-10 reverse split) and cash dividend D per share has the price factor
 *
 *     F = (1 / r) x (1 - D x r / C)
 *
 * where C is the raw close of the last bar before E (CRSP's and Yahoo's dividend multiplier 1 - D / C;
 * the dividend is per share as traded on the ex-date, after a split of the same date, hence D x r in the
 * pre-split shares of C). The volume factor is r.
 *
 * - **Backward** (the default, Yahoo's adjusted prices): every bar before E is multiplied by F, and its
 *   volume by r; the last bar keeps its raw prices. Needs the whole series: a bar's factor depends on
 *   every later action and on the close before each of them, so it is a function over an array.
 * - **Forward**: every bar on or after E is divided by F, and its volume by r; the first bar keeps its
 *   raw prices. Needs only the past, so it streams ({@link adjustBarsForward}). Forward = backward / the
 *   product of all the factors: the same returns, another scale.
 *
 * Either way, the close-to-close return across an ex-date is C_E / (C x F x r) - 1 over split shares,
 * that is C_E / (C - D) - 1: the dividend is taken out of the price before it, never added back.
 *
 * Prices are doubles, multiplied by the factor and never rounded (to the instrument's tick or
 * otherwise): an adjusted price is a scaled price, not a price that traded, and rounding it would bend
 * the returns it exists for (a $0.01 tick on a price scaled by 0.02 is a 50% step). Round for display.
 * Volumes are not rounded either (a 3-for-2 split makes half shares of an odd volume).
 */
import { Observable, type OperatorFunction } from 'rxjs';
import { z } from 'zod';
import { ValidationError } from '../errors';
import { barIssue, type Bar } from '../domain/market-data';
import { operate } from '../features/operate';
import { parseWith } from '../validation';
import { isKnownTimeZone, ZoneClock } from './zone-clock';

const DAY = 86_400_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Epoch day of a `YYYY-MM-DD` date, or undefined when it is no calendar date. */
function epochDay(date: string): number | undefined {
  const m = DATE.exec(date);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ts = Date.UTC(y, mo - 1, d);
  const back = new Date(ts);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return undefined;
  return ts / DAY;
}

/**
 * Schema of one {@link CorporateAction}.
 *
 * @example
 * ```ts
 * parseWith(CorporateActionSchema, { date: '2014-06-09', instrumentId: 'AAPL.NASDAQ', split: 7 }, 'action');
 * ```
 */
export const CorporateActionSchema = z
  .strictObject({
    /** The ex-date, `YYYY-MM-DD`, a calendar date of the exchange (see `timeZone` of {@link adjustBars}). */
    date: z.string().refine((d) => epochDay(d) !== undefined, { message: 'must be a calendar date YYYY-MM-DD' }),
    /** The instrument it applies to. */
    instrumentId: z.string().min(1),
    /** New shares per old share: 2 for 2-for-1, 1.5 for 3-for-2, 0.1 for a 1-for-10 reverse split. */
    split: z.number().positive().finite().optional(),
    /** Cash dividend per share as traded on the ex-date (after a split of the same date). */
    dividend: z.number().nonnegative().finite().optional(),
  })
  .refine((a) => a.split !== undefined || a.dividend !== undefined, { message: 'give split, dividend or both', path: ['split'] });

/**
 * One row of a corporate-actions table: a split, a cash dividend, or both, on an ex-date.
 *
 * @example
 * ```ts
 * const actions: CorporateAction[] = [
 *   { date: '2020-08-31', instrumentId: 'AAPL.NASDAQ', split: 4 },
 *   { date: '2020-11-06', instrumentId: 'AAPL.NASDAQ', dividend: 0.205 },
 * ];
 * ```
 */
export type CorporateAction = z.input<typeof CorporateActionSchema>;

/**
 * Schema of a corporate-actions table: rows of {@link CorporateActionSchema}, at most one per
 * instrument and date (put a split and a dividend of one day on one row).
 *
 * @example
 * ```ts
 * parseWith(CorporateActionsSchema, rows, 'corporateActions');
 * ```
 */
export const CorporateActionsSchema = z.array(CorporateActionSchema).superRefine((rows, ctx) => {
  const seen = new Map<string, number>();
  rows.forEach((r, i) => {
    const key = `${r.instrumentId}\u0000${r.date}`;
    const first = seen.get(key);
    if (first !== undefined) ctx.addIssue({ code: 'custom', path: [i, 'date'], message: `${r.instrumentId} already has an action on ${r.date} (row ${first}); put a split and a dividend of one day on one row` });
    else seen.set(key, i);
  });
});

/**
 * Schema of {@link adjustBars}' options.
 *
 * @example
 * ```ts
 * parseWith(AdjustBarsOptionsSchema, { mode: 'forward', timeZone: 'America/New_York' }, 'options');
 * ```
 */
export const AdjustBarsOptionsSchema = z.strictObject({
  /** `'backward'` (default: the last bar keeps its prices) or `'forward'` (the first bar does). */
  mode: z.enum(['backward', 'forward']).default('backward'),
  /**
   * The exchange's IANA time zone (default `'UTC'`): a bar belongs to the date its `ts` shows there, and
   * an action applies from its ex-date's first bar. Daily bars stamped 00:00 UTC need `'UTC'`.
   */
  timeZone: z.string().refine(isKnownTimeZone, { message: 'must be an IANA time zone' }).default('UTC'),
  /** Scale volumes by the split ratios (default true). */
  volume: z.boolean().default(true),
});
/**
 * Options of {@link adjustBars}.
 *
 * @example
 * ```ts
 * const options: AdjustBarsOptions = { mode: 'backward', timeZone: 'America/New_York' };
 * ```
 */
export type AdjustBarsOptions = z.input<typeof AdjustBarsOptionsSchema>;

interface Action {
  readonly day: number;
  readonly split: number;
  readonly dividend: number;
  readonly row: number;
}

/** The actions of one instrument, by date, with their table row for errors. */
function actionsOf(rows: readonly z.output<typeof CorporateActionSchema>[], instrument: string): Action[] {
  return rows
    .map((r, row) => ({ r, row }))
    .filter(({ r }) => r.instrumentId === instrument)
    .map(({ r, row }) => ({ day: epochDay(r.date)!, split: r.split ?? 1, dividend: r.dividend ?? 0, row }))
    .sort((a, b) => a.day - b.day);
}

/** The price factor of an action, given the raw close before its ex-date. */
function priceFactor(a: Action, closeBefore: number): number {
  const f = 1 - (a.dividend * a.split) / closeBefore;
  if (!(f > 0))
    throw new ValidationError([
      { path: ['corporateActions', a.row, 'dividend'], message: `${a.dividend} per share is not below the close before the ex-date (${closeBefore}${a.split !== 1 ? ` before a split of ${a.split}` : ''})` },
    ]);
  return f / a.split;
}

/** A bar's local calendar day in the zone. */
function dayReader(timeZone: string): (ts: number) => number {
  if (timeZone === 'UTC') return (ts) => Math.floor(ts / DAY);
  const zone = new ZoneClock(timeZone);
  return (ts) => Math.floor((ts + zone.offsetAt(ts)) / DAY);
}

function checkBar(b: Bar, i: number, label: string, instrument: string | undefined, lastTs: number): void {
  const issue = barIssue(b);
  if (issue) throw new ValidationError([{ path: [label, i, issue.field], message: issue.message }]);
  if (instrument !== undefined && b.instrumentId !== instrument)
    throw new ValidationError([{ path: [label, i, 'instrumentId'], message: `one instrument at a time: got ${b.instrumentId} after ${instrument}` }]);
  if (!(b.ts > lastTs)) throw new ValidationError([{ path: [label, i, 'ts'], message: `bars must be in strictly increasing time order: ${b.ts} came after ${lastTs}` }]);
}

const scaled = (b: Bar, p: number, v: number): Bar => ({ type: 'Bar', instrumentId: b.instrumentId, ts: b.ts, open: b.open * p, high: b.high * p, low: b.low * p, close: b.close * p, volume: b.volume * v });

/**
 * Adjusts one instrument's bars for its splits and cash dividends: back-adjusted by default (the last
 * bar keeps its prices, as Yahoo's adjusted close), forward-adjusted with `mode: 'forward'`. Actions of
 * other instruments are ignored, and so are actions dated on or before the first bar's date or after
 * the last bar's (they move no bar against another). Returns new bars; the input is not changed.
 *
 * @example
 * ```ts
 * const adjusted = adjustBars(bars, [{ date: '2014-04-03', instrumentId: 'GOOG.NASDAQ', split: 2 }]);
 * ```
 */
export function adjustBars(bars: readonly Bar[], actions: readonly CorporateAction[], options: AdjustBarsOptions = {}): Bar[] {
  const o = parseWith(AdjustBarsOptionsSchema, options, 'options');
  const rows = parseWith(CorporateActionsSchema, actions, 'corporateActions');
  if (bars.length === 0) return [];
  const instrument = bars[0]!.instrumentId;
  bars.forEach((b, i) => checkBar(b, i, 'bars', instrument, i === 0 ? -Infinity : bars[i - 1]!.ts));
  const table = actionsOf(rows, instrument);
  const dayOf = dayReader(o.timeZone);
  // Each action's first bar (index k >= 1): its factor moves bars [0, k) against bars [k, n).
  const at: Array<{ k: number; price: number; volume: number }> = [];
  let k = 0;
  for (const a of table) {
    while (k < bars.length && dayOf(bars[k]!.ts) < a.day) k++;
    if (k === 0 || k === bars.length) continue;
    at.push({ k, price: priceFactor(a, bars[k - 1]!.close), volume: o.volume ? a.split : 1 });
  }
  const out = new Array<Bar>(bars.length);
  if (o.mode === 'backward') {
    let p = 1;
    let v = 1;
    let j = at.length - 1;
    for (let i = bars.length - 1; i >= 0; i--) {
      while (j >= 0 && at[j]!.k > i) {
        p *= at[j]!.price;
        v *= at[j]!.volume;
        j--;
      }
      out[i] = scaled(bars[i]!, p, v);
    }
  } else {
    let p = 1;
    let v = 1;
    let j = 0;
    for (let i = 0; i < bars.length; i++) {
      while (j < at.length && at[j]!.k <= i) {
        p /= at[j]!.price;
        v /= at[j]!.volume;
        j++;
      }
      out[i] = scaled(bars[i]!, p, v);
    }
  }
  return out;
}

/**
 * Schema of {@link adjustBarsForward}'s options.
 *
 * @example
 * ```ts
 * parseWith(AdjustBarsForwardConfigSchema, { actions: [], timeZone: 'UTC' }, 'adjustBarsForward');
 * ```
 */
export const AdjustBarsForwardConfigSchema = z.strictObject({
  /** The corporate-actions table (actions of other instruments are ignored). */
  actions: CorporateActionsSchema,
  timeZone: AdjustBarsOptionsSchema.shape.timeZone,
  volume: AdjustBarsOptionsSchema.shape.volume,
});
/**
 * Options of {@link adjustBarsForward}: `actions`, and `timeZone` and `volume` as for {@link adjustBars}.
 *
 * @example
 * ```ts
 * const config: AdjustBarsForwardConfig = { actions: [{ date: '2020-08-31', instrumentId: 'AAPL.NASDAQ', split: 4 }] };
 * ```
 */
export type AdjustBarsForwardConfig = z.input<typeof AdjustBarsForwardConfigSchema>;

/**
 * Forward-adjusts a stream of one instrument's bars as they come (the first bar keeps its prices; each
 * ex-date divides the bars from it on by the action's factor): the same bars as `adjustBars(bars,
 * actions, { mode: 'forward' })`, in constant memory besides the table. Back adjustment cannot stream:
 * it needs every later action and the close before it.
 *
 * @example
 * ```ts
 * const adjusted$ = ctx.market.bars(aapl.id).pipe(adjustBarsForward({ actions }));
 * ```
 */
export function adjustBarsForward(config: AdjustBarsForwardConfig): OperatorFunction<Bar, Bar> {
  const o = parseWith(AdjustBarsForwardConfigSchema, config, 'adjustBarsForward');
  const dayOf = dayReader(o.timeZone);
  return (source) =>
    new Observable<Bar>((subscriber) => {
      let table: Action[] | undefined;
      let j = 0;
      let p = 1;
      let v = 1;
      let previous: Bar | undefined;
      let i = 0;
      operate(source, subscriber, (b) => {
        checkBar(b, i, 'bar', previous?.instrumentId, previous?.ts ?? -Infinity);
        if (table === undefined) table = actionsOf(o.actions, b.instrumentId);
        const day = dayOf(b.ts);
        while (j < table.length && table[j]!.day <= day) {
          const a = table[j++]!;
          // An action before the first bar moves nothing.
          if (previous !== undefined) {
            p /= priceFactor(a, previous.close);
            if (o.volume) v /= a.split;
          }
        }
        previous = b;
        i++;
        subscriber.next(scaled(b, p, v));
      });
    });
}

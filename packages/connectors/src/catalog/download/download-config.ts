/**
 * Options of {@link downloadHistory}, checked strictly: an unknown key or a bad value is a
 * `ValidationError` naming it.
 */
import { z } from 'zod';
import type { Clock, InstrumentId, Logger } from '@rxtrade/core';
import { BackoffConfigSchema } from '../../live/watchdog/backoff';
import { CcxtInstruments } from '../../ccxt/ccxt-instruments';
import type { CcxtExchange } from '../../ccxt/ccxt-types';
import type { MarketDataCatalog } from '../market-data-catalog';

const time = z.union([z.number().int().min(0), z.date().transform((d) => d.getTime())]);

/**
 * Where a download stands, handed to `onProgress` after every page.
 *
 * @example
 * ```ts
 * const onProgress = (p: DownloadProgress) => console.log(p.instrumentId, p.fetched, new Date(p.reached).toISOString(), `${(p.fraction * 100).toFixed(1)} %`);
 * ```
 */
export interface DownloadProgress {
  readonly instrumentId: InstrumentId;
  /** The ccxt unified symbol (`BTC/USDT`). */
  readonly symbol: string;
  readonly dataType: 'bars' | 'trades';
  /** Events of this instrument fetched so far in this run (each is written, or in the batch about to be). */
  readonly fetched: number;
  /** Events of this instrument written to the catalog so far in this run. */
  readonly written: number;
  /** Requests sent for this instrument so far, retries included. */
  readonly requests: number;
  /** Everything of this instrument before this time (epoch ms) that the run has to fetch is fetched. */
  readonly reached: number;
  /** The requested range, epoch ms, `end` excluded. */
  readonly start: number;
  readonly end: number;
  /** The part of this instrument's missing time fetched so far, 0 to 1. */
  readonly fraction: number;
  /** 0-based position of the instrument in `symbols`, and how many there are. */
  readonly index: number;
  readonly count: number;
}

/**
 * Schema of {@link DownloadHistoryOptions}.
 *
 * @example
 * ```ts
 * parseWith(DownloadHistoryOptionsSchema, { exchange, catalog, symbols: ['BTC/USDT'], dataType: 'bars', start: Date.UTC(2024, 0, 1) }, 'options').timeframe; // '1m'
 * ```
 */
export const DownloadHistoryOptionsSchema = z.strictObject({
  /** A ccxt exchange instance (`new ccxt.binance()`), its throttler on (`enableRateLimit`, ccxt's default). */
  exchange: z.custom<CcxtExchange>(
    (v) => typeof v === 'object' && v !== null && typeof (v as { fetchOHLCV?: unknown }).fetchOHLCV === 'function' && typeof (v as { id?: unknown }).id === 'string',
    'must be a ccxt exchange instance',
  ),
  /** Where the history goes: a `ParquetCatalog`, a `PostgresCatalog`, any `MarketDataCatalog`. */
  catalog: z.custom<MarketDataCatalog>(
    (v) => typeof v === 'object' && v !== null && typeof (v as MarketDataCatalog).write === 'function' && typeof (v as MarketDataCatalog).ranges === 'function' && typeof (v as MarketDataCatalog).query === 'function',
    'must be a MarketDataCatalog (ParquetCatalog, PostgresCatalog)',
  ),
  /** ccxt unified symbols (`BTC/USDT`, `BTC/USDT:USDT`) or instrument ids of the venue (`BTCUSDT.BINANCE`). */
  symbols: z.array(z.string().min(1)).min(1).readonly(),
  /** `bars` (`fetchOHLCV`) or `trades` (`fetchTrades`). */
  dataType: z.enum(['bars', 'trades']),
  /** Bar timeframe, ccxt's names (`1m`, `1h`, `1d`); bars only (default `1m`). */
  timeframe: z.string().min(1).optional(),
  /** From this time (epoch ms or a Date), included. */
  start: time,
  /** To this time, excluded (default: now). Bars still forming at the time of the download are never stored. */
  end: time.optional(),
  /**
   * The venue id of the instrument ids (`BINANCE` gives `BTCUSDT.BINANCE`); default the exchange id
   * upper-cased, as `ccxtVenue` names it. Ignored when `instruments` is given.
   */
  venue: z.string().regex(/^[A-Z0-9_-]+$/, 'must be upper-case letters, digits, _ or -').optional(),
  /** The instruments of a live venue (`ccxtVenue(...).instruments`), so that downloaded and live data share ids. */
  instruments: z.instanceof(CcxtInstruments, { message: 'must be CcxtInstruments (loadCcxtInstruments)' }).optional(),
  /**
   * Events asked for per request. Default and upper bound: the exchange's own maximum
   * (`features[type].fetchOHLCV.limit` for bars, 500 where ccxt does not say; for trades the venue's
   * documented maximum, `tradePaging`), 1000 trades on a venue not known there.
   */
  pageLimit: z.number().int().positive().optional(),
  /** Events held before a write to the catalog (default 10,000): what a killed process may have to fetch again. */
  batchRows: z.number().int().positive().default(10_000),
  /** Attempts after the first for a request the venue throttled or that failed in transit (default 5). */
  retries: z.number().int().min(0).default(5),
  /** Waits between those attempts (default 1 s doubling up to 30 s, 20 % jitter). */
  backoff: BackoffConfigSchema.prefault({}),
  /**
   * Also fetch the holes between stored ranges inside the requested range (default false: only the time
   * before the first and after the last stored event).
   */
  fillGaps: z.boolean().default(false),
  /** Called after every page. */
  onProgress: z.custom<(p: DownloadProgress) => void>((v) => typeof v === 'function', 'must be a function').optional(),
  /** Stops the download: what was fetched is written, then the promise rejects with a `DownloadInterruptedError`. */
  signal: z.custom<AbortSignal>((v) => typeof AbortSignal !== 'undefined' && v instanceof AbortSignal, 'must be an AbortSignal').optional(),
  /** The time of "now" and of the retry waits (default a `LiveClock`). */
  clock: z.custom<Clock>((v) => typeof v === 'object' && v !== null && typeof (v as Clock).now === 'function' && typeof (v as Clock).setTimer === 'function', 'must be a Clock').optional(),
  /** Logs retries (never a credential). */
  logger: z.custom<Logger>((v) => typeof v === 'object' && v !== null && typeof (v as Logger).warn === 'function', 'must be a Logger').optional(),
});

/**
 * Options of {@link downloadHistory}.
 *
 * @example
 * ```ts
 * const options: DownloadHistoryOptions = { exchange, catalog, symbols: ['BTC/USDT'], dataType: 'bars', timeframe: '1h', start: new Date('2024-01-01') };
 * ```
 */
export type DownloadHistoryOptions = z.input<typeof DownloadHistoryOptionsSchema>;

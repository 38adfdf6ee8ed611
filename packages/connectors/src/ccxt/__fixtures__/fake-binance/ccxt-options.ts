/**
 * The ccxt constructor options that point every URL a ccxt `binance`/`binanceusdm` instance (REST and
 * pro WebSocket) uses at a FakeBinance and skip the endpoints the fake does not serve.
 */
import { Agent } from 'node:http';
import ccxt from 'ccxt';
import type { FakeBinance } from './fake-binance';

export interface BinanceCcxtOptionsConfig {
  /**
   * Which Binance market the instance trades: `spot` for `ccxt.binance`, `linear` for
   * `ccxt.binanceusdm`. It selects which market types `loadMarkets` fetches and which of ccxt's
   * per-market error tables apply (see below). Default `spot`.
   */
  readonly market?: 'spot' | 'linear';
  /** Credentials; default the fake's own (pass a wrong secret to test signature rejection). */
  readonly apiKey?: string;
  readonly secret?: string;
  /** ccxt's request timeout in ms (default 2000, so a hung acknowledgement fails fast). */
  readonly timeout?: number;
  /** ccxt's `rateLimit` in ms between weight-1 requests (default 1: the throttler runs but never waits long). */
  readonly rateLimit?: number;
  readonly enableRateLimit?: boolean;
  /** Extra `options` merged over the defaults. */
  readonly options?: Record<string, unknown>;
}

/** ws host → path prefix on the fake (the fake serves every Binance host from one port). */
const WS_HOST_PREFIX: Readonly<Record<string, string>> = {
  'stream.binance.com': '/stream',
  'fstream.binance.com': '/fstream',
  'dstream.binance.com': '/dstream',
  'nbstream.binance.com': '/nbstream',
};

function rebase(url: string, base: string, ws: boolean): string {
  const u = new URL(url);
  const prefix = ws ? (WS_HOST_PREFIX[u.hostname] ?? '') : '';
  return `${base}${prefix}${u.pathname}`;
}

function mapUrls(value: unknown, http: string, ws: string, inWs: boolean): unknown {
  if (typeof value === 'string') return rebase(value, inWs ? ws : http, inWs);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = mapUrls(v, http, ws, inWs || k === 'ws');
    return out;
  }
  return value;
}

let describeCache: Record<string, unknown> | undefined;

/**
 * Constructor options for `new ccxt.binance(...)`, `new ccxt.pro.binance(...)` or
 * `new ccxt.binanceusdm(...)`/`new ccxt.pro.binanceusdm(...)` that make it talk to `fake`.
 *
 * - `urls.api`: every REST and WebSocket URL of ccxt's Binance description, re-based onto the fake
 *   (`https://api.binance.com/api/v3` → `http://127.0.0.1:<port>/api/v3`,
 *   `wss://fstream.binance.com/ws` → `ws://127.0.0.1:<port>/fstream/ws`, ...), so nothing can leak to
 *   the real exchange;
 * - `options.fetchCurrencies: false` (skips `sapi/v1/capital/config/getall`), `options.fetchMargins:
 *   false` (skips `sapi/v1/margin/allPairs`), `options.fetchMarkets.types` = `['spot', 'linear']` or
 *   `['linear']` (skips `dapi`);
 * - `httpAgent`: ccxt.pro only opens `ws://` (non-TLS) URLs when an http agent is set;
 * - `exceptions`: ccxt picks its per-market error table (`exceptions.spot`, `exceptions.linear`) by
 *   the URL's host (`https://api.binance.com/`, `https://fapi.binance.com/`), which a local URL never
 *   matches; the market's table is therefore merged into the top-level one so that error codes map to
 *   the same ccxt errors as in production.
 *
 * @example
 * ```ts
 * const fake = await FakeBinance.start({ balances: { USDT: 1000 } });
 * const ex = new ccxt.binance(binanceCcxtOptions(fake));
 * await ex.loadMarkets();
 * ```
 */
export function binanceCcxtOptions(fake: Pick<FakeBinance, 'apiKey' | 'secret' | 'httpUrl' | 'wsUrl'>, config: BinanceCcxtOptionsConfig = {}): Record<string, unknown> {
  describeCache ??= new ccxt.pro.binance().describe() as Record<string, unknown>;
  const d = describeCache;
  const market = config.market ?? 'spot';
  const api = (d['urls'] as { api: Record<string, unknown> }).api;
  const exceptions = d['exceptions'] as Record<string, { exact?: Record<string, unknown>; broad?: Record<string, unknown> }>;
  const own = exceptions[market] ?? {};
  return {
    apiKey: config.apiKey ?? fake.apiKey,
    secret: config.secret ?? fake.secret,
    timeout: config.timeout ?? 2000,
    enableRateLimit: config.enableRateLimit ?? true,
    rateLimit: config.rateLimit ?? 1,
    urls: { api: mapUrls(api, fake.httpUrl, fake.wsUrl, false) },
    // ccxt.pro refuses plain ws:// URLs unless an http agent is set (it otherwise asks for
    // `await exchange.loadHttpProxyAgent()`); a non-plain object is assigned as is by ccxt's constructor
    httpAgent: new Agent(),
    exceptions: {
      exact: { ...exceptions['exact'], ...own.exact },
      broad: { ...exceptions['broad'], ...own.broad },
    },
    options: {
      fetchCurrencies: false,
      fetchMargins: false,
      fetchMarkets: { types: market === 'spot' ? ['spot', 'linear'] : ['linear'] },
      ...config.options,
    },
  };
}

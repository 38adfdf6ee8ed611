/**
 * The ccxt constructor options that point every URL a ccxt `bybit` instance (REST and pro WebSocket)
 * uses at a FakeBybit.
 */
import { Agent } from 'node:http';
import type { FakeBybit } from './fake-bybit';

export interface BybitCcxtOptionsConfig {
  /** Credentials; default the fake's own (pass a wrong secret to test signature rejection). */
  readonly apiKey?: string;
  readonly secret?: string;
  /** ccxt's request timeout in ms (default 2000, so a hung acknowledgement fails fast). */
  readonly timeout?: number;
  /** ccxt's `rateLimit` in ms between weight-1 requests (default 1: the throttler runs but never waits long). */
  readonly rateLimit?: number;
  readonly enableRateLimit?: boolean;
  /** Market types `loadMarkets` fetches (default `['spot', 'linear']`: no inverse contracts, no options). */
  readonly types?: ReadonlyArray<'spot' | 'linear'>;
  /** Extra `options` merged over the defaults (e.g. `{ defaultType: 'spot' }`). */
  readonly options?: Record<string, unknown>;
  /** ccxt.pro's keep-alive: how often it pings and how long it waits for a pong, in ms (default 18000, Bybit's). */
  readonly keepAlive?: number;
}

/**
 * Constructor options for `new ccxt.bybit(...)` or `new ccxt.pro.bybit(...)` that make it talk to `fake`.
 *
 * - `urls.api`: ccxt's REST hosts (`spot`, `futures`, `v2`, `public`, `private`, all
 *   `https://api.{hostname}`) → `http://127.0.0.1:<port>`, and its WebSocket URLs
 *   (`wss://stream.{hostname}/v5/public/spot|linear|inverse|option`, `.../v5/private`,
 *   `wss://stream.bybit.com/v5/trade`) → `ws://127.0.0.1:<port>/v5/...`, so nothing can leak to the
 *   real exchange;
 * - `options.fetchMarkets.types` = `['spot', 'linear']`: `loadMarkets` asks `instruments-info` for spot
 *   and linear only (no inverse, no option chains); ccxt also asks for the linear `PreLaunch` list, which
 *   the fake answers empty;
 * - currencies: with credentials ccxt's `loadMarkets` calls `/v5/asset/coin/query-info`, which the fake
 *   serves (there is no ccxt option to skip it on Bybit);
 * - `httpAgent`: ccxt.pro only opens `ws://` (non-TLS) URLs when an http agent is set;
 * - no `exceptions` override: ccxt's Bybit error table is one table, not one per host.
 *
 * @example
 * ```ts
 * const fake = await FakeBybit.start({ balances: { USDT: 1000 } });
 * const ex = new ccxt.pro.bybit(bybitCcxtOptions(fake));
 * await ex.loadMarkets();
 * ```
 */
export function bybitCcxtOptions(fake: FakeBybit, config: BybitCcxtOptionsConfig = {}): Record<string, unknown> {
  const http = fake.httpUrl;
  const ws = fake.wsUrl;
  const out: Record<string, unknown> = {
    apiKey: config.apiKey ?? fake.apiKey,
    secret: config.secret ?? fake.secret,
    timeout: config.timeout ?? 2000,
    enableRateLimit: config.enableRateLimit ?? true,
    rateLimit: config.rateLimit ?? 1,
    urls: {
      api: {
        spot: http,
        futures: http,
        v2: http,
        public: http,
        private: http,
        ws: {
          public: { spot: `${ws}/v5/public/spot`, inverse: `${ws}/v5/public/inverse`, option: `${ws}/v5/public/option`, linear: `${ws}/v5/public/linear` },
          private: {
            spot: { unified: `${ws}/v5/private`, nonUnified: `${ws}/spot/private/v3` },
            contract: `${ws}/v5/private`,
            usdc: `${ws}/trade/option/usdc/private/v1`,
            trade: `${ws}/v5/trade`,
          },
        },
      },
    },
    // ccxt.pro refuses plain ws:// URLs unless an http agent is set (it otherwise asks for
    // `await exchange.loadHttpProxyAgent()`); a non-plain object is assigned as is by ccxt's constructor
    httpAgent: new Agent(),
    options: {
      fetchMarkets: { types: [...(config.types ?? ['spot', 'linear'])] },
      ...config.options,
    },
  };
  if (config.keepAlive !== undefined) out['streaming'] = { keepAlive: config.keepAlive };
  return out;
}

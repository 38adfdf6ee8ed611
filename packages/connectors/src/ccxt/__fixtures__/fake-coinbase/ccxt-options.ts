/**
 * The ccxt constructor options that point a ccxt `coinbase` instance (Advanced Trade, REST and pro
 * WebSocket) at a FakeCoinbase.
 */
import { Agent } from 'node:http';
import type { FakeCoinbase } from './fake-coinbase';

export interface CoinbaseCcxtOptionsConfig {
  /** The CDP key name (ccxt's `apiKey`); default the fake's. */
  readonly apiKey?: string;
  /** The PEM private key (ccxt's `secret`); default the fake's (pass another key's to test rejection). */
  readonly secret?: string;
  /** ccxt's request timeout in ms (default 2000, so a hung acknowledgement fails fast). */
  readonly timeout?: number;
  /** ccxt's `rateLimit` in ms (default 1: the throttler runs but never waits long). */
  readonly rateLimit?: number;
  /** Extra `options` merged over the defaults. */
  readonly options?: Record<string, unknown>;
}

/**
 * Constructor options for `new ccxt.coinbase(...)` / `new ccxt.pro.coinbase(...)` that make it talk to
 * `fake`:
 *
 * - `urls.api.rest` `http://127.0.0.1:<port>` (ccxt appends `/api/v3/...` and `/v2/...`) and
 *   `urls.api.ws` `ws://127.0.0.1:<port>` (Advanced Trade's one socket URL);
 * - `httpAgent`: ccxt.pro opens a plain `ws://` URL only when an http agent is set;
 * - `options.fetchBalance` `v3PrivateGetBrokerageAccounts`: ccxt 4.5's default reads `/v2/accounts`
 *   (totals only, no holds); the Advanced Trade accounts give available and hold;
 * - `options.fetchTime` `v3PublicGetBrokerageTime`.
 * No `exceptions` merge is needed: ccxt's Coinbase table is not keyed by host. loadMarkets reads
 * `/v2/currencies`, `/v2/currencies/crypto` and `/v2/exchange-rates`, which the fake serves.
 *
 * @example
 * ```ts
 * const fake = await FakeCoinbase.start({ balances: { USD: 1000 } });
 * const ex = new ccxt.pro.coinbase(coinbaseCcxtOptions(fake));
 * await ex.loadMarkets();
 * ```
 */
export function coinbaseCcxtOptions(fake: FakeCoinbase, config: CoinbaseCcxtOptionsConfig = {}): Record<string, unknown> {
  return {
    apiKey: config.apiKey ?? fake.key.name,
    secret: config.secret ?? fake.key.privateKeyPem,
    timeout: config.timeout ?? 2000,
    enableRateLimit: true,
    rateLimit: config.rateLimit ?? 1,
    urls: { api: { rest: fake.httpUrl, ws: fake.wsUrl } },
    // a non-plain object is assigned as is by ccxt's constructor
    httpAgent: new Agent(),
    options: {
      fetchBalance: 'v3PrivateGetBrokerageAccounts',
      fetchTime: 'v3PublicGetBrokerageTime',
      ...config.options,
    },
  };
}

/**
 * One call from an exchange id to a venue: the ccxt exchange instances (one for orders, one for market
 * data, so that a market-data reconnect never drops the private stream), their markets loaded once, the
 * instruments, and the `CcxtExecutionClient` and `CcxtDataClient` on them. Credentials come from the
 * environment (`fromEnv('BINANCE')` reads `BINANCE_API_KEY`, `BINANCE_SECRET`, …) and never appear in an
 * error or a log line.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { Exchange } from 'ccxt';
import { z } from 'zod';
import { ValidationError, parseWith, type Clock, type Logger } from '@rxtrade/core';
import { BackoffConfigSchema } from '../live/watchdog/backoff';
import { exchangeSecrets } from './ccxt-caller';
import { CcxtDataClient } from './ccxt-data-client';
import { toRxTradeError } from './ccxt-errors';
import { CcxtExecutionClient } from './ccxt-execution-client';
import { loadCcxtInstruments, type CcxtInstruments } from './ccxt-instruments';
import { loadCcxt } from './ccxt-module';

/**
 * API credentials of an exchange, as ccxt names them.
 *
 * @example
 * ```ts
 * const credentials: CcxtCredentials = { apiKey: process.env['BINANCE_API_KEY'], secret: process.env['BINANCE_SECRET'] };
 * ```
 */
export interface CcxtCredentials {
  readonly apiKey?: string | undefined;
  readonly secret?: string | undefined;
  /** The passphrase some exchanges require (OKX, KuCoin, Coinbase Exchange). */
  readonly password?: string | undefined;
  /** A private key, for exchanges that sign with one (Coinbase Advanced Trade's ECDSA key, DEXs). */
  readonly privateKey?: string | undefined;
  readonly uid?: string | undefined;
}

const ENV_FIELDS = { apiKey: 'API_KEY', secret: 'SECRET', password: 'PASSWORD', privateKey: 'PRIVATE_KEY', uid: 'UID' } as const;

/**
 * Credentials from environment variables `<PREFIX>_API_KEY`, `<PREFIX>_SECRET`, `<PREFIX>_PASSWORD`,
 * `<PREFIX>_PRIVATE_KEY` and `<PREFIX>_UID`. The variables named in `require` (default: the key and the
 * secret) must be set; an error names a missing variable, never a value.
 *
 * @param env the environment to read (default `process.env`).
 * @example
 * ```ts
 * const credentials = fromEnv('BINANCE'); // BINANCE_API_KEY and BINANCE_SECRET
 * const okx = fromEnv('OKX', { require: ['apiKey', 'secret', 'password'] });
 * ```
 */
export function fromEnv(prefix: string, options: { require?: readonly (keyof CcxtCredentials)[]; env?: Record<string, string | undefined> } = {}): CcxtCredentials {
  const env = options.env ?? process.env;
  const out: Record<string, string> = {};
  for (const [field, suffix] of Object.entries(ENV_FIELDS)) {
    const v = env[`${prefix}_${suffix}`];
    if (v !== undefined && v !== '') out[field] = v;
  }
  const missing = (options.require ?? ['apiKey', 'secret']).filter((f) => out[f] === undefined);
  if (missing.length > 0)
    throw new ValidationError(missing.map((f) => ({ path: ['credentials', f], message: `environment variable ${prefix}_${ENV_FIELDS[f]} is not set` })));
  return out as CcxtCredentials;
}

const secret = z.string().min(1).optional();

type UrlTree = string | { readonly [key: string]: UrlTree };
const URL_LEAF = /^(https?|wss?):\/\/[^\s]+$/;
/** A tree of URLs as ccxt's `urls` holds them; each leaf a URL (named by its path when it is not). */
const UrlTreeLeaf: z.ZodType<UrlTree> = z.union([z.string().regex(URL_LEAF, 'must be an http(s):// or ws(s):// URL'), z.record(z.string(), z.lazy(() => UrlTreeLeaf))]);
const UrlTreeSchema = z.record(z.string(), UrlTreeLeaf);

type ExceptionTree = { readonly [key: string]: (new (...args: never[]) => Error) | ExceptionTree };
const isErrorClass = (v: unknown): boolean => typeof v === 'function' && (v === Error || (v as { prototype?: unknown }).prototype instanceof Error);
function checkExceptions(value: unknown, at: (string | number)[], ctx: z.RefinementCtx): void {
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (isErrorClass(v)) continue;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) checkExceptions(v, [...at, key], ctx);
    else ctx.addIssue({ code: 'custom', path: [...at, key], message: 'must be an Error class (ccxt.InsufficientFunds, …) or a table of them' });
  }
}
/** ccxt's `exceptions` table: nested objects whose leaves are error classes. */
const ExceptionTreeSchema = z.record(z.string(), z.unknown()).superRefine((v, ctx) => checkExceptions(v, [], ctx)) as unknown as z.ZodType<ExceptionTree>;

/**
 * Schema of {@link CcxtVenueOptions}.
 *
 * @example
 * ```ts
 * parseWith(CcxtVenueOptionsSchema, { sandbox: true, symbols: ['BTC/USDT'] }, 'ccxtVenue').venueId; // undefined: the exchange id upper-cased
 * ```
 */
export const CcxtVenueOptionsSchema = z.strictObject({
  /** API credentials (`fromEnv('BINANCE')`); without them only market data works. */
  credentials: z.strictObject({ apiKey: secret, secret, password: secret, privateKey: secret, uid: secret }).optional(),
  /** The exchange's testnet (ccxt's `setSandboxMode(true)`); default false. */
  sandbox: z.boolean().default(false),
  /** Venue id of the instruments (default the exchange id upper-cased: `BINANCE`). */
  venueId: z.string().regex(/^[A-Z0-9_-]+$/, 'must be upper-case letters, digits, _ or -').optional(),
  /** ccxt market types to load instruments for (`spot`, `swap`, `future`, `option`); all by default. */
  marketTypes: z.array(z.enum(['spot', 'swap', 'future', 'option'])).min(1).optional(),
  /** ccxt unified symbols to trade (`BTC/USDT`, `BTC/USDT:USDT`); every market of the types by default. */
  symbols: z.array(z.string().min(1)).min(1).optional(),
  /**
   * Milliseconds between requests at weight 1, ccxt's `rateLimit` (default the exchange's own). ccxt's
   * throttler is always on: it cannot be turned off here.
   */
  rateLimit: z.number().positive().optional(),
  /** ccxt's request timeout in ms (default 10 000). */
  timeoutMs: z.number().int().positive().default(10_000),
  /** Exchange options passed to the ccxt constructor (`options`), e.g. `{ defaultType: 'swap' }`. */
  exchangeOptions: z.record(z.string(), z.unknown()).optional(),
  /**
   * URL overrides (`urls`), merged over ccxt's: a local test exchange, a proxy, a regional endpoint.
   * Every leaf is an `http(s)://` or `ws(s)://` URL (`{ api: { public: 'http://127.0.0.1:8080/api/v3' } }`).
   */
  urls: UrlTreeSchema.optional(),
  /**
   * ccxt's error table overrides (`exceptions`), merged over the exchange's: `{ exact: { '-2010': ccxt.InsufficientFunds } }`;
   * a leaf is a ccxt error class. A local test exchange needs them: ccxt picks a per-market table by URL host.
   */
  exceptions: ExceptionTreeSchema.optional(),
  /** The `http.Agent` of ccxt's REST calls and WebSockets (`httpAgent`); ccxt opens a plain `ws://` URL only with one. */
  httpAgent: z.instanceof(http.Agent, { message: 'must be an http.Agent' }).optional(),
  /** The `https.Agent` of ccxt's REST calls and WebSockets (`httpsAgent`): a proxy, keep-alive, custom CAs. */
  httpsAgent: z.instanceof(https.Agent, { message: 'must be an https.Agent' }).optional(),
  /** How often funding payments of perpetuals are polled, in ms (default 60 000); 0: never. */
  fundingPollMs: z.number().int().min(0).optional(),
  /** Which spot instrument carries a base currency's holding in `positions()` (`{ BTC: 'BTC/USDC' }`); see `CcxtExecutionClientConfig`. */
  spotHoldings: z.record(z.string().min(1), z.string().min(1)).optional(),
  /** Bar timeframe of the data client (default `1m`). */
  timeframe: z.string().min(1).default('1m'),
  /** Staleness limits of the data client's watch loops, in ms (see `CcxtDataClientConfig`). */
  staleAfterMs: z.union([z.number().int().positive(), z.strictObject({ BARS: z.number().int().positive().optional(), TRADES: z.number().int().positive().optional(), QUOTES: z.number().int().positive().optional(), BOOKS: z.number().int().positive().optional() })]).optional(),
  /** Reconnect and throttling backoff of both clients. */
  backoff: BackoffConfigSchema.optional(),
  /** REST polling interval of the execution client while its socket is down, in ms (default 2000). */
  pollIntervalMs: z.number().int().positive().optional(),
  /** Use ccxt's WebSocket methods (default true). */
  webSocket: z.boolean().default(true),
  /**
   * How orders go out (default `'rest'`): `createOrder` over REST, or `'websocket'`: `createOrderWs` over
   * the exchange's WebSocket API while the private socket is up (see `CcxtExecutionClientConfig`).
   */
  orderEntry: z.enum(['rest', 'websocket']).default('rest'),
  /** The time of both clients: events, timers, polls, watchdogs and backoff waits (default a `LiveClock`). */
  clock: z.custom<Clock>((v) => typeof v === 'object' && v !== null && typeof (v as Clock).now === 'function', 'must be a Clock').optional(),
  logger: z.custom<Logger>((v) => typeof v === 'object' && v !== null && typeof (v as Logger).warn === 'function', 'must be a Logger').optional(),
  /** Start the execution client's streams before returning (default true). */
  connect: z.boolean().default(true),
}).superRefine((o, ctx) => {
  if (o.orderEntry === 'websocket' && !o.webSocket) ctx.addIssue({ code: 'custom', path: ['orderEntry'], message: "'websocket' needs webSocket: true" });
});

/**
 * Options of {@link ccxtVenue}.
 *
 * @example
 * ```ts
 * const options: CcxtVenueOptions = { credentials: fromEnv('BINANCE'), sandbox: true, marketTypes: ['spot'], symbols: ['BTC/USDT'] };
 * ```
 */
export type CcxtVenueOptions = z.input<typeof CcxtVenueOptionsSchema>;

/** What {@link ccxtVenue} returns. */
export interface CcxtVenue {
  /** The venue id of the instruments. */
  readonly venueId: string;
  readonly instruments: CcxtInstruments;
  readonly execution: CcxtExecutionClient;
  readonly data: CcxtDataClient;
  /** Disconnects both clients and closes their sockets. */
  close(): Promise<void>;
}

/**
 * ccxt options set by default per exchange (`exchangeOptions` overrides them): Coinbase's balance from
 * the v3 brokerage accounts, whose `hold` is what open orders lock (ccxt's default reads `/v2/accounts`,
 * which has none).
 */
const EXCHANGE_OPTION_DEFAULTS: Readonly<Record<string, Record<string, unknown>>> = {
  coinbase: { fetchBalance: 'v3PrivateGetBrokerageAccounts' },
};

type ExchangeClass = new (config: Record<string, unknown>) => Exchange;

async function exchangeClass(exchangeId: string): Promise<ExchangeClass> {
  const ccxt = await loadCcxt();
  const pro = (ccxt as unknown as { pro: Record<string, ExchangeClass | undefined> }).pro;
  const rest = ccxt as unknown as Record<string, ExchangeClass | undefined>;
  const cls = pro[exchangeId] ?? rest[exchangeId];
  if (typeof cls !== 'function' || !(ccxt.exchanges as string[]).includes(exchangeId))
    throw new ValidationError([{ path: ['exchangeId'], message: `${JSON.stringify(exchangeId)} is not a ccxt exchange id (ccxt.exchanges lists them)` }]);
  return cls;
}

function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = v !== null && typeof v === 'object' && !Array.isArray(v) && b !== null && typeof b === 'object' && !Array.isArray(b) ? deepMerge(b as Record<string, unknown>, v as Record<string, unknown>) : v;
  }
  return out;
}

/**
 * A ccxt venue: loads the markets, maps them to instruments, and returns the execution and data clients.
 *
 * @param exchangeId a ccxt exchange id (`binance`, `binanceusdm`, `bybit`, `coinbase`, …).
 * @example
 * ```ts
 * const binance = await ccxtVenue('binance', { credentials: fromEnv('BINANCE'), sandbox: true, marketTypes: ['spot'], symbols: ['BTC/USDT'] });
 * binance.execution.capabilities.orderTypes; // ['MARKET', 'LIMIT', 'STOP_LIMIT']
 * binance.data.subscribe({ kind: 'BARS', instrumentId: binance.instruments.instruments[0]!.id });
 * ```
 */
export async function ccxtVenue(exchangeId: string, options: CcxtVenueOptions = {}): Promise<CcxtVenue> {
  const o = parseWith(CcxtVenueOptionsSchema, options, 'ccxtVenue');
  const Cls = await exchangeClass(exchangeId);
  const make = (): Exchange => {
    const config: Record<string, unknown> = { enableRateLimit: true, timeout: o.timeoutMs, ...(o.credentials ?? {}) };
    if (o.rateLimit !== undefined) config['rateLimit'] = o.rateLimit;
    const defaults = EXCHANGE_OPTION_DEFAULTS[exchangeId];
    if (o.exchangeOptions !== undefined || defaults !== undefined) config['options'] = { ...defaults, ...o.exchangeOptions };
    // ccxt's constructor deep-merges these over the exchange's own description.
    if (o.exceptions !== undefined) config['exceptions'] = o.exceptions;
    if (o.httpAgent !== undefined) config['httpAgent'] = o.httpAgent;
    if (o.httpsAgent !== undefined) config['httpsAgent'] = o.httpsAgent;
    const ex = new Cls(config);
    if (o.sandbox) ex.setSandboxMode(true);
    if (o.urls !== undefined) ex.urls = deepMerge(ex.urls as Record<string, unknown>, o.urls) as Exchange['urls'];
    return ex;
  };
  const tradeEx = make();
  const dataEx = make();
  const venueId = o.venueId ?? exchangeId.toUpperCase().replace(/[^A-Z0-9_-]/g, '');
  let instruments: CcxtInstruments;
  try {
    instruments = await loadCcxtInstruments(tradeEx, { venue: venueId, marketTypes: o.marketTypes, symbols: o.symbols });
  } catch (error) {
    if (error instanceof ValidationError) throw error;
    await Promise.all([tradeEx, dataEx].map((e) => (e as unknown as { close: () => Promise<void> }).close().catch(() => undefined)));
    throw toRxTradeError(error, { venue: venueId, operation: 'loadMarkets', secrets: exchangeSecrets(tradeEx) });
  }
  // The data instance shares the markets rather than loading them again.
  (dataEx as unknown as { setMarkets: (m: unknown, c: unknown) => void }).setMarkets(tradeEx.markets, tradeEx.currencies);
  const execution = new CcxtExecutionClient({
    exchange: tradeEx,
    instruments,
    webSocket: o.webSocket,
    orderEntry: o.orderEntry,
    ...(o.backoff !== undefined ? { backoff: o.backoff } : {}),
    ...(o.pollIntervalMs !== undefined ? { pollIntervalMs: o.pollIntervalMs } : {}),
    ...(o.clock !== undefined ? { clock: o.clock } : {}),
    ...(o.logger !== undefined ? { logger: o.logger } : {}),
    ...(o.fundingPollMs !== undefined ? { fundingPollMs: o.fundingPollMs } : {}),
    ...(o.spotHoldings !== undefined ? { spotHoldings: o.spotHoldings } : {}),
  });
  const data = new CcxtDataClient({
    exchange: dataEx,
    instruments,
    timeframe: o.timeframe,
    ...(o.staleAfterMs !== undefined ? { staleAfterMs: o.staleAfterMs } : {}),
    ...(o.backoff !== undefined ? { backoff: o.backoff } : {}),
    ...(o.clock !== undefined ? { clock: o.clock } : {}),
    ...(o.logger !== undefined ? { logger: o.logger } : {}),
  });
  if (o.connect && o.credentials !== undefined) await execution.connect();
  return {
    venueId,
    instruments,
    execution,
    data,
    close: async () => {
      await Promise.all([execution.disconnect(), data.disconnect()]);
    },
  };
}

/**
 * `rxtrade data download --exchange <id> --symbols <list> --start <time>`: history of any ccxt exchange
 * into the catalog through `downloadHistory`, resumed from what the catalog holds. Keys come from
 * environment variables only (`<EXCHANGE>_API_KEY`, `<EXCHANGE>_SECRET`, ...: public history needs
 * none), never from a flag or a file; URL overrides (a proxy, a regional endpoint, a local test exchange)
 * and ccxt options come from a JSON file (`--config`).
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { z } from 'zod';
import { parseWith, ValidationError } from '@rxtrade/core';
import { fromEnv } from '../ccxt/ccxt-venue';
import { loadCcxt } from '../ccxt/ccxt-module';
import type { CcxtExchange } from '../ccxt/ccxt-types';
import { downloadHistory, DownloadInterruptedError, type DownloadSummary } from '../catalog/download/download-history';
import { isSecretKey } from '../live/observability/redact';
import { defineDataCommand, type DataCliArgv, type DataCliOptions } from './data-command';
import { commonFlags, count, iso, parseTime, resolvePath, withCatalog } from './data-flags';
import { DataUsageError, println, type DataCliIo } from './data-io';
import { DataProgress } from './data-progress';

const options = {
  exchange: { alias: 'e', type: 'string', requiresArg: true, describe: 'a ccxt exchange id: binance, bybit, coinbase, kraken, ...' },
  symbols: { alias: 's', type: 'string', requiresArg: true, describe: 'ccxt symbols or instrument ids, comma-separated: BTC/USDT,ETH/USDT' },
  type: { type: 'string', requiresArg: true, choices: ['bars', 'trades'], default: 'bars', describe: 'bars (fetchOHLCV) or trades (fetchTrades)' },
  timeframe: { type: 'string', requiresArg: true, describe: "bars: ccxt's timeframe, 1m (default), 5m, 1h, 1d, ..." },
  start: { type: 'string', requiresArg: true, describe: 'first time included: 2024-01-31, 2024-01-31T09:30:00Z (UTC when no offset) or epoch milliseconds' },
  end: { type: 'string', requiresArg: true, describe: 'first time excluded (default: now; bars still forming are never stored)' },
  sandbox: { type: 'boolean', default: false, describe: "the exchange's testnet (ccxt's setSandboxMode)" },
  'fill-gaps': { type: 'boolean', default: false, describe: 'also fetch holes between stored ranges (default: only before the first and after the last stored event)' },
  venue: { type: 'string', requiresArg: true, describe: 'venue of the instrument ids (default: the exchange id upper-cased, BINANCE)' },
  config: { type: 'string', requiresArg: true, describe: 'JSON file: urls (overrides), options (ccxt), timeout, rateLimit, pageLimit, retries, batchRows' },
  ...commonFlags,
} as const satisfies DataCliOptions;

type UrlTree = string | { readonly [key: string]: UrlTree };
const UrlTreeSchema: z.ZodType<UrlTree> = z.union([
  z.string().regex(/^(https?|wss?):\/\/\S+$/, 'must be an http(s):// or ws(s):// URL'),
  z.record(z.string(), z.lazy(() => UrlTreeSchema)),
]);

/**
 * The file of `--config`: what is not a flag because it is long, or a URL that must not be typed by
 * accident. Credentials are refused: they come from the environment only.
 *
 * @example
 * ```ts
 * DownloadFileConfigSchema.parse({ urls: { api: { public: 'http://127.0.0.1:8080/api/v3' } }, rateLimit: 50, pageLimit: 500 });
 * ```
 */
export const DownloadFileConfigSchema = z.strictObject({
  /** ccxt's `urls`, merged over the exchange's own (after `--sandbox`): every leaf an http(s) or ws(s) URL. */
  urls: z.record(z.string(), UrlTreeSchema).optional(),
  /** ccxt's constructor `options` (`{ "defaultType": "swap" }`). */
  options: z.record(z.string(), z.unknown()).optional(),
  /** ccxt's request timeout, ms. */
  timeout: z.number().int().positive().optional(),
  /** ccxt's `rateLimit`: ms between weight-1 requests (default the exchange's own). */
  rateLimit: z.number().positive().optional(),
  /** Events per request (default the exchange's maximum). */
  pageLimit: z.number().int().positive().optional(),
  /** Attempts after the first for a throttled or failed request (default 5). */
  retries: z.number().int().min(0).optional(),
  /** Events held before each catalog write (default 10,000). */
  batchRows: z.number().int().positive().optional(),
});

/**
 * `rxtrade data download`: history of a ccxt exchange into the catalog.
 *
 * @example
 * ```ts
 * await dataMain(['download', '--exchange', 'binance', '--symbols', 'BTC/USDT', '--timeframe', '1h', '--start', '2024-01-01', '--catalog', 'data/catalog'], dataProcessIo());
 * ```
 */
export const downloadCommand = defineDataCommand({
  name: 'download',
  summary: 'download bars or trades of a ccxt exchange into the catalog, resuming from what it holds',
  usage: `Usage: $0 download --exchange <ccxt id> --symbols <BTC/USDT,...> --start <time> [--end <time>] [--type bars|trades] [--timeframe 1m] [--sandbox] [--config <file.json>] [--catalog <folder>] [--json]

Fetches history page by page inside the exchange's rate limit and writes it to the catalog as it arrives; a rerun (or a run after Ctrl-C) fetches only what the catalog does not hold. API keys are read from environment variables only, named after the exchange: BINANCE_API_KEY, BINANCE_SECRET (and _PASSWORD, _PRIVATE_KEY, _UID where the exchange needs them); public history needs none. URL overrides and ccxt options go in the --config file.`,
  epilog: `Examples:
  rxtrade data download -e binance -s BTC/USDT,ETH/USDT --timeframe 1h --start 2024-01-01 --catalog data/catalog
  rxtrade data download -e bybit -s BTC/USDT:USDT --type trades --start 2024-06-01T00:00:00Z --end 2024-06-01T01:00:00Z`,
  options,
  run: download,
});

async function download(argv: DataCliArgv<typeof options>, io: DataCliIo): Promise<number> {
  const env = io.env ?? process.env;
  if (argv.exchange === undefined || argv.exchange === '') throw new DataUsageError('--exchange <ccxt id> is required (binance, bybit, coinbase, ...)');
  const symbols = (argv.symbols ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (symbols.length === 0) throw new DataUsageError('--symbols <list> is required: ccxt symbols or instrument ids, comma-separated (BTC/USDT,ETH/USDT)');
  const start = parseTime('--start', argv.start);
  if (start === undefined) throw new DataUsageError('--start <time> is required (2024-01-31, 2024-01-31T09:30:00Z or epoch milliseconds)');
  const end = parseTime('--end', argv.end);
  if (end !== undefined && end <= start) throw new DataUsageError(`--end: ${argv.end} is not after --start ${argv.start}`);
  const dataType = argv.type as 'bars' | 'trades';
  if (dataType === 'trades' && argv.timeframe !== undefined) throw new DataUsageError('--timeframe is for bars; trades have none');
  const file = argv.config === undefined ? {} : readConfig(resolvePath(io, argv.config));

  const ccxt = await loadCcxt();
  const id = argv.exchange;
  const Cls = (ccxt as unknown as Record<string, (new (config: Record<string, unknown>) => CcxtExchange) | undefined>)[id];
  if (typeof Cls !== 'function' || !(ccxt.exchanges as string[]).includes(id)) {
    const near = (ccxt.exchanges as string[]).filter((x) => x.startsWith(id.slice(0, 3).toLowerCase())).slice(0, 5);
    throw new DataUsageError(`--exchange: ${JSON.stringify(id)} is not a ccxt exchange id${near.length > 0 ? ` (did you mean ${near.join(', ')}?)` : ''}`);
  }
  const prefix = id.toUpperCase().replace(/[^A-Z0-9]/g, '_');
  const credentials = fromEnv(prefix, { require: [], env: { ...env } });
  const config: Record<string, unknown> = { enableRateLimit: true, ...credentials };
  if (file.options !== undefined) config['options'] = file.options;
  if (file.timeout !== undefined) config['timeout'] = file.timeout;
  if (file.rateLimit !== undefined) config['rateLimit'] = file.rateLimit;
  const exchange = new Cls(config);
  const ex = exchange as unknown as { setSandboxMode(on: boolean): void; urls: Record<string, unknown>; close?: () => Promise<void> };
  if (argv.sandbox) {
    try {
      ex.setSandboxMode(true);
    } catch {
      throw new DataUsageError(`--sandbox: ccxt has no testnet of ${id}`);
    }
  }
  if (file.urls !== undefined) ex.urls = deepMerge(ex.urls, file.urls);

  // Ctrl-C stops the download: what was fetched is written, and a rerun goes on from there.
  const abort = new AbortController();
  const onSigint = (): void => abort.abort(new Error('interrupted (Ctrl-C)'));
  process.once('SIGINT', onSigint);
  let progress: DataProgress | undefined;
  let progressOf = -1;
  let summary: DownloadSummary;
  try {
    summary = await withCatalog(io, argv.catalog, { mustExist: false }, (catalog) =>
      downloadHistory({
        exchange,
        catalog,
        symbols,
        dataType,
        ...(argv.timeframe !== undefined ? { timeframe: argv.timeframe } : {}),
        start,
        ...(end !== undefined ? { end } : {}),
        ...(argv.venue !== undefined ? { venue: argv.venue } : {}),
        ...(file.pageLimit !== undefined ? { pageLimit: file.pageLimit } : {}),
        ...(file.retries !== undefined ? { retries: file.retries } : {}),
        ...(file.batchRows !== undefined ? { batchRows: file.batchRows } : {}),
        fillGaps: argv['fill-gaps'],
        signal: abort.signal,
        onProgress: (p) => {
          if (p.index !== progressOf) {
            progress?.done();
            progressOf = p.index;
            progress = new DataProgress({ label: `download ${p.symbol}${p.count > 1 ? ` (${p.index + 1}/${p.count})` : ''}`, sink: io.stderr, fraction: true });
          }
          progress?.set(Math.round(p.fraction * 1000));
        },
      }),
    ).catch((e: unknown) => {
      throw flagNames(e);
    });
  } catch (e) {
    if (e instanceof DownloadInterruptedError && argv.json) println(io.stdout, JSON.stringify({ command: 'download', exchange: id, interrupted: e.reason, ...summaryJson(e.summary) }));
    throw e;
  } finally {
    progress?.done();
    process.removeListener('SIGINT', onSigint);
    await ex.close?.().catch(() => undefined);
  }

  if (argv.json) {
    println(io.stdout, JSON.stringify({ command: 'download', exchange: id, sandbox: argv.sandbox, ...summaryJson(summary) }));
    return 0;
  }
  const what = summary.dataType === 'bars' ? `${summary.timeframe} bars` : 'trades';
  println(io.stdout, `${id}: ${what} from ${iso(summary.start)} to ${iso(summary.end)}`);
  for (const i of summary.instruments) {
    const range = i.first !== undefined ? `${iso(i.first)} to ${iso(i.last!)}` : 'nothing new';
    println(io.stdout, `  ${i.instrumentId} (${i.symbol}): ${count(i.rows)} written, ${range}; ${plural(i.requests, 'request')}${i.retries > 0 ? `, ${count(i.retries)} retried` : ''}${i.dropped > 0 ? `; ${count(i.dropped)} unusable events left out` : ''}`);
    for (const note of i.notes) println(io.stdout, `    ${note}`);
  }
  println(io.stdout, `${count(summary.rows)} ${summary.dataType} written in ${plural(summary.requests, 'request')}`);
  return 0;
}

const plural = (n: number, word: string): string => `${count(n)} ${word}${n === 1 ? '' : 's'}`;

function summaryJson(s: DownloadSummary): Record<string, unknown> {
  return {
    dataType: s.dataType,
    ...(s.timeframe !== undefined ? { timeframe: s.timeframe } : {}),
    start: iso(s.start),
    end: iso(s.end),
    rows: s.rows,
    requests: s.requests,
    retries: s.retries,
    instruments: s.instruments.map((i) => ({
      instrumentId: i.instrumentId,
      symbol: i.symbol,
      rows: i.rows,
      requests: i.requests,
      retries: i.retries,
      first: i.first === undefined ? null : iso(i.first),
      last: i.last === undefined ? null : iso(i.last),
      dropped: i.dropped,
      notes: i.notes,
    })),
  };
}

/** The download's option names in a validation error, as the flags that set them. */
function flagNames(e: unknown): unknown {
  if (!(e instanceof ValidationError)) return e;
  const flags: Record<string, string> = { 'options.timeframe': '--timeframe', 'options.symbols': '--symbols', 'options.end': '--end', 'options.start': '--start', 'options.venue': '--venue' };
  let message = e.message;
  for (const [path, flag] of Object.entries(flags)) message = message.split(path).join(flag);
  return message === e.message ? e : new ValidationError([{ path: [], message }]);
}

/** The `--config` file, checked; a credential in it is refused with where credentials go instead. */
function readConfig(path: string): z.output<typeof DownloadFileConfigSchema> {
  const source = basename(path);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ValidationError([{ path: [], message: code === 'ENOENT' ? `cannot read ${path}: no such file` : code !== undefined ? `cannot read ${path}: ${code}` : `not valid JSON: ${(e as Error).message}` }], { source });
  }
  if (json !== null && typeof json === 'object' && !Array.isArray(json)) {
    const obj = json as Record<string, unknown>;
    const opts = obj['options'] !== null && typeof obj['options'] === 'object' ? (obj['options'] as Record<string, unknown>) : {};
    for (const [at, keys] of [[[], Object.keys(obj)] as const, [['options'], Object.keys(opts)] as const])
      for (const key of keys)
        if (isSecretKey(key) || key === 'uid')
          throw new ValidationError([{ path: [...at, key], message: 'credentials are read from environment variables only (<EXCHANGE>_API_KEY, <EXCHANGE>_SECRET, _PASSWORD, _PRIVATE_KEY, _UID), never from a file' }], { source });
  }
  return parseWith(DownloadFileConfigSchema, json, undefined, { source });
}

function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = v !== null && typeof v === 'object' && !Array.isArray(v) && b !== null && typeof b === 'object' && !Array.isArray(b) ? deepMerge(b as Record<string, unknown>, v as Record<string, unknown>) : v;
  }
  return out;
}

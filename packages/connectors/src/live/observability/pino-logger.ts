/**
 * rxtrade's `Logger` backed by pino: one JSON object per line, with the node's id on every line and
 * secrets removed before anything reaches the stream.
 *
 * Redaction happens in three places, so that a secret is caught however it is logged:
 * 1. every field is copied by `sanitizeForLog` first: values under secret-named keys are censored at any
 *    depth (`apiKey`, `API_SECRET`, `headers.Authorization`, `X-MBX-APIKEY`, `items[3].password`), and
 *    every string kept, the message included, is scrubbed by `redactSecrets` (URLs with passwords,
 *    signed query strings, bearer tokens, webhook URLs, the known secrets passed in the options);
 * 2. `Error`s in fields become `{ type, message, stack, code, cause }` with message, stack and cause
 *    scrubbed the same way;
 * 3. pino's own `redact` paths (the defaults below plus `redactPaths`) censor fields by exact path, for
 *    application fields whose names do not say they are secret.
 */
import pino from 'pino';
import type { DestinationStream } from 'pino';
import { z } from 'zod';
import { parseWith, type Logger } from '@rxtrade/core';
import { REDACTED, redactSecrets, sanitizeForLog } from './redact';

/** The levels a {@link pinoLogger} writes, lowest first; `silent` writes nothing. */
export const LogLevel = { debug: 'debug', info: 'info', warn: 'warn', error: 'error', silent: 'silent' } as const;
export type LogLevel = (typeof LogLevel)[keyof typeof LogLevel];

/** Options of {@link pinoLogger}. */
export interface PinoLoggerConfig {
  /** Written as `nodeId` on every line. */
  readonly nodeId: string;
  /** Lowest level written (default `info`). */
  readonly level?: LogLevel;
  /** More fields for every line (scrubbed like any other field). */
  readonly base?: Record<string, unknown>;
  /** Secrets to remove wherever they appear (API keys and secrets of the node's config, for example). */
  readonly knownSecrets?: readonly string[];
  /** More pino redact paths (`'order.account'`, `'*.iban'`), censored as `[REDACTED]`. */
  readonly redactPaths?: readonly string[];
  /** Where lines go (default standard output): any writable stream or pino destination. */
  readonly destination?: DestinationStream | NodeJS.WritableStream;
  /** The clock for the `time` field, in epoch milliseconds (default `Date.now`). */
  readonly now?: () => number;
}

export const PinoLoggerConfigSchema = z.strictObject({
  nodeId: z.string().min(1),
  level: z.enum(['debug', 'info', 'warn', 'error', 'silent']).optional(),
  base: z.record(z.string(), z.unknown()).optional(),
  knownSecrets: z.array(z.string()).optional(),
  redactPaths: z.array(z.string().min(1)).optional(),
  destination: z.custom<DestinationStream>((v) => typeof v === 'object' && v !== null && typeof (v as { write?: unknown }).write === 'function', 'must be a writable stream').optional(),
  now: z.custom<() => number>((v) => typeof v === 'function', 'must be a function').optional(),
});

/** A {@link pinoLogger}: rxtrade's `Logger`, plus child loggers and flushing. */
export interface PinoLogger extends Logger {
  /** The current lowest level. */
  readonly level: LogLevel;
  /** A logger whose lines carry `bindings` as well (scrubbed like any other field). */
  child(bindings: Record<string, unknown>): PinoLogger;
  /** Writes out what an asynchronous destination still buffers. */
  flush(): void;
}

// Exact paths pino censors on top of the recursive key test; they also cover the common places where
// an application nests credentials under a name that says nothing (`config.exchange.auth`).
const DEFAULT_REDACT_PATHS = [
  'headers.authorization',
  'headers.Authorization',
  'req.headers.authorization',
  'request.headers.authorization',
  'config.headers.Authorization',
  'config.auth',
  'options.auth',
  'credentials',
  '*.credentials',
];

/**
 * Creates rxtrade's `Logger` on pino: JSON lines with `level` (as a word), `time` (epoch ms), `nodeId`,
 * the base fields, the message as `msg` and the fields given, secrets removed (see the module comment).
 *
 * @example
 * ```ts
 * const logger = pinoLogger({ nodeId: 'btc-1', level: 'debug', knownSecrets: [process.env.BINANCE_SECRET ?? ''] });
 * logger.info('order sent', { url: 'https://api.binance.com/api/v3/order?symbol=BTCUSDT&signature=ab12' });
 * // {"level":"info","time":…,"nodeId":"btc-1","url":"https://api.binance.com/api/v3/order?symbol=BTCUSDT&signature=[REDACTED]","msg":"order sent"}
 * ```
 */
export function pinoLogger(config: PinoLoggerConfig): PinoLogger {
  const options = parseWith(PinoLoggerConfigSchema, config, 'PinoLoggerConfig');
  const knownSecrets = (options.knownSecrets ?? []).filter((s) => s !== '');
  const sanitize = (fields: Record<string, unknown> | undefined): Record<string, unknown> =>
    fields === undefined ? {} : (sanitizeForLog(fields, { knownSecrets }) as Record<string, unknown>);
  const now = options.now;
  const root = pino(
    {
      level: options.level ?? 'info',
      base: { ...sanitize(options.base), nodeId: options.nodeId },
      redact: { paths: [...DEFAULT_REDACT_PATHS, ...(options.redactPaths ?? [])], censor: REDACTED },
      formatters: { level: (label) => ({ level: label }) },
      // Errors are already plain, scrubbed objects; pino's own `err` serializer would rebuild their message.
      serializers: { err: (value: unknown) => value },
      timestamp: now ? () => `,"time":${Math.trunc(now())}` : pino.stdTimeFunctions.epochTime,
    },
    options.destination as DestinationStream | undefined,
  );
  return wrap(root, sanitize, knownSecrets);
}

function wrap(instance: pino.Logger, sanitize: (fields: Record<string, unknown> | undefined) => Record<string, unknown>, knownSecrets: readonly string[]): PinoLogger {
  const write =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (message: string, fields?: Record<string, unknown>): void => {
      if (!instance.isLevelEnabled(level)) return;
      instance[level](sanitize(fields), redactSecrets(String(message), knownSecrets));
    };
  return {
    get level() {
      return instance.level as LogLevel;
    },
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    child: (bindings) => wrap(instance.child(sanitize(bindings)), sanitize, knownSecrets),
    flush: () => instance.flush(),
  };
}

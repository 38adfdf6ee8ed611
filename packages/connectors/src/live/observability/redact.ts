/**
 * Secret scrubbing for logs and error messages: what a live node must never write down (API keys,
 * secrets, passwords, signatures, tokens, the `Authorization` header, passwords in URLs, signed query
 * strings, webhook URLs whose path is the credential).
 *
 * Two tools, used together by the pino logger and the webhook alerts:
 * - {@link redactSecrets} rewrites a text (a message, an error's message or stack, a URL);
 * - {@link sanitizeForLog} copies structured data, censoring every value under a key that names a
 *   secret ({@link isSecretKey}, any casing, any depth, arrays and `Error` causes included) and
 *   scrubbing every string it keeps.
 */

import type { Logger } from '@rxtrade/core';

/** What replaces a secret. */
export const REDACTED = '[REDACTED]';

// Compared after lower-casing and removing everything but letters and digits, so `api_key`, `apiKey`,
// `API-KEY` and `X-MBX-APIKEY` all reach the same test.
const SECRET_KEY_PARTS = [
  'password',
  'passwd',
  'passphrase',
  'secret',
  'token',
  'apikey',
  'accesskey',
  'privatekey',
  'signingkey',
  'clientkey',
  'signature',
  'authorization',
  'cookie',
  'credential',
  'sessionid',
  'apisign',
];
const SECRET_KEY_NAMES = new Set(['pass', 'pwd', 'sig', 'auth', 'key', 'bearer', 'jwt', 'otp', 'hmac', 'sign']);

/**
 * Whether a field, header or query parameter of this name holds a secret: names containing
 * `password`, `secret`, `token`, `apikey`, `signature`, `authorization`, `cookie`, `credential`,
 * `privatekey`, … or named `key`, `sig`, `auth`, `pass`, `pwd`, in any casing and with any separators.
 *
 * @example
 * ```ts
 * isSecretKey('X-MBX-APIKEY'); // true
 * isSecretKey('client_secret'); // true
 * isSecretKey('instrumentId'); // false
 * ```
 */
export function isSecretKey(name: string): boolean {
  const normalized = name.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (normalized === '') return false;
  if (SECRET_KEY_NAMES.has(normalized)) return true;
  return SECRET_KEY_PARTS.some((part) => normalized.includes(part));
}

// Known secrets shorter than this are ignored: they would match ordinary words and numbers.
const MIN_KNOWN_SECRET_LENGTH = 4;

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const PLAIN_WORD = /^[\w.-]*$/;

// One regular expression per list of known secrets, built on first use and kept while the list lives:
// a logger passes the same list on every line, so the hot path is one `replace`.
const knownMatchers = new WeakMap<readonly string[], RegExp | null>();

/** Each known secret as written, URL-encoded, base64 and hex (both cases): the forms a client or a log may give it. */
function knownForms(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const forms = [secret, encodeURIComponent(secret), bytes.toString('base64').replace(/=+$/, ''), bytes.toString('base64url'), bytes.toString('hex'), bytes.toString('hex').toUpperCase()];
  if (/^[0-9a-f]+$/i.test(secret)) forms.push(secret.toLowerCase(), secret.toUpperCase());
  return forms;
}

function knownMatcher(knownSecrets: readonly string[]): RegExp | undefined {
  let matcher = knownMatchers.get(knownSecrets);
  if (matcher === undefined) {
    const forms = [...new Set(knownSecrets.flatMap((s) => (typeof s === 'string' && s.length >= MIN_KNOWN_SECRET_LENGTH ? knownForms(s) : [])))]
      .filter((s) => s.length >= MIN_KNOWN_SECRET_LENGTH)
      .sort((a, b) => b.length - a.length);
    matcher = forms.length === 0 ? null : new RegExp(forms.map(escapeRegExp).join('|'), 'g');
    knownMatchers.set(knownSecrets, matcher);
  }
  return matcher ?? undefined;
}

/**
 * Replaces every secret in `text` with `[REDACTED]`:
 * - each of `knownSecrets` (at least 4 characters long), as written, URL-encoded, in base64 and in hex;
 * - the user information of URLs (`redis://user:pass@host`, `https://key:secret@host`);
 * - the token of Telegram bot URLs (`/bot<token>/`), the path of Slack and Discord webhook URLs;
 * - `Bearer` and `Basic` credentials;
 * - values of secret-named query parameters, form fields, headers and JSON members
 *   (`signature=…`, `sig=…`, `apiKey=…`, `X-MBX-APIKEY: …`, `"password":"…"`);
 * - PEM private keys.
 *
 * @param knownSecrets secrets to remove wherever they appear, such as the API keys of the node's config.
 * @example
 * ```ts
 * redactSecrets('GET /api/v3/order?symbol=BTCUSDT&timestamp=1&signature=3f9a'); // '...&signature=[REDACTED]'
 * redactSecrets('connect redis://app:hunter2@cache:6379 failed'); // 'connect redis://[REDACTED]@cache:6379 failed'
 * redactSecrets('auth failed for k-123456', ['k-123456']); // 'auth failed for [REDACTED]'
 * ```
 */
export function redactSecrets(text: string, knownSecrets: readonly string[] = []): string {
  let out = text;
  if (knownSecrets.length > 0) {
    const matcher = knownMatcher(knownSecrets);
    if (matcher !== undefined) out = out.replace(matcher, REDACTED);
  }
  // A plain word (an id, a name, a state: most field values and every key) holds none of the shapes below.
  if (PLAIN_WORD.test(out)) return out;

  // PEM private keys, whole.
  out = out.replace(/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g, REDACTED);
  // User information of a URL: greedy up to the last `@` before the host, so a password holding `@` goes too.
  out = out.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#"'<>]+@/gi, `$1${REDACTED}@`);
  // Telegram Bot API: https://api.telegram.org/bot<token>/<method>, and tokens on their own (<digits>:<35 chars>).
  out = out.replace(/\/bot[0-9]+:[A-Za-z0-9_-]+/g, `/bot${REDACTED}`);
  out = out.replace(/\b[0-9]{5,}:[A-Za-z0-9_-]{30,}\b/g, REDACTED);
  // Slack and Discord webhook URLs: the path is the credential.
  out = out.replace(/(hooks\.slack\.com\/(?:services|workflows|triggers)\/)[^\s"'<>?#]+/gi, `$1${REDACTED}`);
  out = out.replace(/((?:discord|discordapp)\.com\/api(?:\/v[0-9]+)?\/webhooks\/[0-9]+\/)[^\s"'<>?#/]+/gi, `$1${REDACTED}`);
  // HTTP authorization schemes.
  out = out.replace(/\b(Bearer)(\s+)[A-Za-z0-9\-._~+/]+=*/gi, `$1$2${REDACTED}`);
  out = out.replace(/\b(Basic)(\s+)[A-Za-z0-9+/]{6,}={0,2}/g, `$1$2${REDACTED}`);
  // JSON members and quoted assignments: "password": "…", 'apiKey': '…'.
  out = out.replace(/(["'])([\w.-]+)\1(\s*:\s*)(["'])((?:\\.|(?!\4)[^\\])*)\4/g, (match, q: string, key: string, sep: string, vq: string) =>
    isSecretKey(key) ? `${q}${key}${q}${sep}${vq}${REDACTED}${vq}` : match,
  );
  // Query strings, form bodies, headers and assignments: signature=…, X-MBX-APIKEY: …, password = "…".
  // A pair whose key is not secret gives up only its key and separator, so that its value is looked at
  // as a key in turn (`Error: token=…`).
  const pair = /([\w.-]+)(\s*[=:]\s*)(?:"((?:\\.|[^"\\])*)"|'((?:\\.|[^'\\])*)'|([^\s&#"',;<>)}\]]+))/g;
  let result = '';
  let from = 0;
  for (let m = pair.exec(out); m !== null; m = pair.exec(out)) {
    const [whole, key, sep] = m as unknown as [string, string, string, string | undefined, string | undefined];
    if (!isSecretKey(key)) {
      pair.lastIndex = m.index + key.length + sep.length;
      continue;
    }
    const value = m[3] !== undefined ? `"${REDACTED}"` : m[4] !== undefined ? `'${REDACTED}'` : REDACTED;
    result += `${out.slice(from, m.index)}${key}${sep}${value}`;
    from = m.index + whole.length;
  }
  return result + out.slice(from);
}

/** Options of {@link sanitizeForLog}. */
export interface SanitizeOptions {
  /** Secrets to remove from every string, wherever they appear. */
  readonly knownSecrets?: readonly string[];
  /** Depth below which objects are replaced by `'[Object]'` (default 10). */
  readonly maxDepth?: number;
}

/**
 * A copy of `value` safe to log: values under secret-named keys censored (any depth, arrays included),
 * every string scrubbed by {@link redactSecrets}, `Error`s turned into `{ type, message, stack, code,
 * cause, … }` with their message, stack and cause scrubbed, `Headers` and `Map`s into objects, `URL`s into
 * scrubbed strings, binary data into its length, cycles into `'[Circular]'`.
 *
 * @example
 * ```ts
 * sanitizeForLog({ headers: { 'X-MBX-APIKEY': 'abc' }, url: 'https://u:p@host/x?sig=1' });
 * // { headers: { 'X-MBX-APIKEY': '[REDACTED]' }, url: 'https://[REDACTED]@host/x?sig=[REDACTED]' }
 * ```
 */
export function sanitizeForLog(value: unknown, options: SanitizeOptions = {}): unknown {
  const known = options.knownSecrets ?? [];
  const maxDepth = options.maxDepth ?? 10;
  const seen = new WeakSet<object>();

  const entries = (key: string, v: unknown, depth: number): unknown => (isSecretKey(key) && v !== undefined && v !== null && v !== '' ? REDACTED : walk(v, depth));

  const fromPairs = (pairs: Iterable<[unknown, unknown]>, depth: number): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of pairs) {
      const key = redactSecrets(String(k), known);
      out[key] = entries(String(k), v, depth + 1);
    }
    return out;
  };

  const walk = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') return redactSecrets(v, known);
    if (v === null || v === undefined || typeof v === 'number' || typeof v === 'boolean') return v;
    if (typeof v === 'bigint') return v.toString();
    if (typeof v === 'symbol') return redactSecrets(v.toString(), known);
    if (typeof v === 'function') return `[Function ${redactSecrets(v.name || 'anonymous', known)}]`;
    if (typeof v !== 'object') return redactSecrets(String(v), known);
    if (seen.has(v)) return '[Circular]';
    if (depth > maxDepth) return '[Object]';
    if (v instanceof Date) return Number.isFinite(v.getTime()) ? v.toISOString() : 'Invalid Date';
    if (v instanceof URL) return redactSecrets(v.href, known);
    if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer) return `[${v.byteLength} bytes]`;
    seen.add(v);
    try {
      if (v instanceof Error) return walkError(v, depth);
      if (Array.isArray(v)) return v.map((item) => walk(item, depth + 1));
      if (v instanceof Map) return fromPairs(v.entries(), depth);
      if (v instanceof Set) return [...v].map((item) => walk(item, depth + 1));
      if (typeof Headers !== 'undefined' && v instanceof Headers) return fromPairs(v.entries(), depth);
      return fromPairs(Object.entries(v), depth);
    } finally {
      seen.delete(v);
    }
  };

  const walkError = (err: Error, depth: number): Record<string, unknown> => {
    const out: Record<string, unknown> = {
      type: redactSecrets(err.name || err.constructor?.name || 'Error', known),
      message: redactSecrets(String(err.message), known),
    };
    if (typeof err.stack === 'string') out['stack'] = redactSecrets(err.stack, known);
    for (const [k, v] of Object.entries(err)) {
      if (k === 'message' || k === 'stack' || k === 'cause') continue;
      out[redactSecrets(k, known)] = entries(k, v, depth + 1);
    }
    if ('cause' in err && err.cause !== undefined) out['cause'] = walk(err.cause, depth + 1);
    if (err instanceof AggregateError) out['errors'] = err.errors.map((e) => walk(e, depth + 1));
    return out;
  };

  return walk(value, 0);
}

/**
 * Scrubs an error in place, so that whoever reads it next (a caller, `console.error`, a log) sees no
 * secret: its message and stack, its own properties (values under secret-named keys censored, every
 * string scrubbed, objects copied by {@link sanitizeForLog}), its `cause` chain and an
 * `AggregateError`'s errors, each by {@link redactSecrets} with `knownSecrets`. The error keeps its
 * identity and class (`instanceof` still holds). Returns it; anything else is returned as it is.
 *
 * @example
 * ```ts
 * const err = new Error('GET /api/v3/account?timestamp=1&signature=9f8e7d failed', { cause: new Error('key k-123456 refused') });
 * scrubError(err, ['k-123456']);
 * err.message; // 'GET /api/v3/account?timestamp=1&signature=[REDACTED] failed'
 * (err.cause as Error).message; // 'key [REDACTED] refused'
 * ```
 */
export function scrubError<T>(error: T, knownSecrets: readonly string[] = []): T {
  const seen = new WeakSet<object>();
  const scrub = (e: unknown, depth: number): void => {
    if (!(e instanceof Error) || seen.has(e) || depth > 10) return;
    seen.add(e);
    const target = e as unknown as Record<string, unknown>;
    const set = (key: string, value: unknown): void => {
      try {
        target[key] = value;
      } catch {
        try {
          Object.defineProperty(e, key, { value, writable: true, configurable: true, enumerable: Object.prototype.propertyIsEnumerable.call(e, key) });
        } catch {
          // a frozen error keeps what it has; its readers scrub it again
        }
      }
    };
    if (typeof e.message === 'string') set('message', redactSecrets(e.message, knownSecrets));
    if (typeof e.stack === 'string') set('stack', redactSecrets(e.stack, knownSecrets));
    for (const key of Object.keys(e)) {
      if (key === 'message' || key === 'stack' || key === 'cause' || key === 'errors') continue;
      const value = target[key];
      if (isSecretKey(key) && value !== undefined && value !== null && value !== '') set(key, REDACTED);
      else if (value instanceof Error) scrub(value, depth + 1);
      else if (typeof value === 'string') set(key, redactSecrets(value, knownSecrets));
      else if (typeof value === 'object' && value !== null) set(key, sanitizeForLog(value, { knownSecrets }));
    }
    if (e.cause instanceof Error) scrub(e.cause, depth + 1);
    else if (typeof e.cause === 'string') set('cause', redactSecrets(e.cause, knownSecrets));
    else if (typeof e.cause === 'object' && e.cause !== null) set('cause', sanitizeForLog(e.cause, { knownSecrets }));
    if (e instanceof AggregateError) for (const inner of e.errors) scrub(inner, depth + 1);
  };
  scrub(error, 0);
  return error;
}


/**
 * A logger that scrubs before it passes on: the message by {@link redactSecrets}, the fields by
 * {@link sanitizeForLog}, both with `knownSecrets`. For a logger of the application's own (a console
 * logger, a logger of another library) that knows nothing of secrets.
 *
 * @example
 * ```ts
 * const logger = redactingLogger(consoleLogger(), [process.env.API_SECRET ?? '']);
 * logger.error('order failed: POST /api/v3/order?timestamp=1&signature=ab12'); // …signature=[REDACTED]
 * ```
 */
export function redactingLogger(logger: Logger, knownSecrets: readonly string[] = []): Logger {
  const known = knownSecrets.filter((s) => typeof s === 'string' && s !== '');
  const wrap =
    (level: keyof Logger) =>
    (message: string, fields?: Record<string, unknown>): void => {
      const clean = redactSecrets(String(message), known);
      if (fields === undefined) logger[level](clean);
      else logger[level](clean, sanitizeForLog(fields, { knownSecrets: known }) as Record<string, unknown>);
    };
  return { debug: wrap('debug'), info: wrap('info'), warn: wrap('warn'), error: wrap('error') };
}

/**
 * The secrets a live node knows from its config, so that it can keep them out of everything it shows:
 * the credentials its venue and data adapters expose, its webhook URLs (and the tokens inside them),
 * the header values of its JSON alert targets, the dashboard token, the password of a database URL,
 * and the logger's own `knownSecrets`. Patterns catch what no config names (a signature the adapter
 * computed, a header it echoed); these catch what no pattern can (an API key quoted in a venue's error).
 */
import { scrubError } from '../observability/redact';

/**
 * What an exchange adapter (a venue or a data client) exposes so that the node can keep its secrets out
 * of logs, errors, alerts and the dashboard: its credentials, by name. Every string value of at least
 * four characters (nested objects included) is treated as a secret.
 *
 * @example
 * ```ts
 * class BinanceVenue implements ExecutionClient, HasCredentials {
 *   readonly credentials = { apiKey: process.env.BINANCE_KEY!, secret: process.env.BINANCE_SECRET! };
 *   // …
 * }
 * ```
 */
export interface HasCredentials {
  readonly credentials?: Readonly<Record<string, unknown>>;
}

/** Known secrets shorter than this are ignored (they would match ordinary words); `redactSecrets` uses the same bound. */
const MIN_SECRET_LENGTH = 4;

/**
 * The string values of an adapter's `credentials` (see {@link HasCredentials}), nested objects
 * included; none when it has none.
 *
 * @example
 * ```ts
 * credentialsOf({ credentials: { apiKey: 'k-123456', secret: 's-abcdef', sandbox: true } }); // ['k-123456', 's-abcdef']
 * ```
 */
export function credentialsOf(client: unknown): string[] {
  if (typeof client !== 'object' || client === null) return [];
  let credentials: unknown;
  try {
    credentials = (client as HasCredentials).credentials;
  } catch {
    return [];
  }
  const out: string[] = [];
  const walk = (v: unknown, depth: number): void => {
    if (typeof v === 'string') {
      if (v.length >= MIN_SECRET_LENGTH) out.push(v);
    } else if (typeof v === 'object' && v !== null && depth < 4) for (const inner of Object.values(v)) walk(inner, depth + 1);
  };
  walk(credentials, 0);
  return out;
}

/**
 * The secret pieces of a URL: the whole URL, its user information and password, its path and query
 * (where webhooks keep their tokens), each path segment and query value that looks like a token (at
 * least 16 characters, or 8 with letters and digits mixed), and a Telegram bot token without its `bot`.
 *
 * @example
 * ```ts
 * urlSecrets('postgres://journal:hunter2hunter2@db:5432/rx'); // includes 'hunter2hunter2'
 * urlSecrets('https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXX'); // includes the last segment
 * ```
 */
export function urlSecrets(raw: string): string[] {
  const out = [raw];
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return out.filter((s) => s.length >= MIN_SECRET_LENGTH);
  }
  const decode = (s: string): string => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  };
  if (url.password !== '') out.push(url.password, decode(url.password), `${url.username}:${url.password}`);
  if (url.pathname.length > 1 || url.search !== '') out.push(`${url.pathname}${url.search}`);
  const tokenLike = (s: string): boolean => s.length >= 16 || (s.length >= 8 && /[0-9]/.test(s) && /[A-Za-z]/.test(s));
  for (const segment of url.pathname.split('/')) {
    const s = decode(segment);
    if (tokenLike(s)) out.push(segment, s);
    const bot = /^bot([0-9]+:[A-Za-z0-9_-]+)$/.exec(s);
    if (bot !== null) out.push(bot[1]!, bot[1]!.split(':')[1]!);
  }
  for (const value of url.searchParams.values()) if (tokenLike(value)) out.push(value);
  return out.filter((s) => s.length >= MIN_SECRET_LENGTH);
}

/**
 * The secret pieces of an HTTP header value: the value, and the credential after its scheme
 * (`Bearer <token>`, `Basic <base64>` and the user and password inside).
 *
 * @example
 * ```ts
 * headerSecrets('Bearer abc123def456'); // ['Bearer abc123def456', 'abc123def456']
 * ```
 */
export function headerSecrets(value: string): string[] {
  const out = [value];
  const m = /^\s*([A-Za-z][A-Za-z0-9._-]*)\s+(\S+)\s*$/.exec(value);
  if (m !== null) {
    out.push(m[2]!);
    if (m[1]!.toLowerCase() === 'basic') {
      const decoded = Buffer.from(m[2]!, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon >= 0) out.push(decoded, decoded.slice(colon + 1));
    }
  }
  return out.filter((s) => s.length >= MIN_SECRET_LENGTH);
}

/** The parts of a live node's config that can hold secrets (a structural view of its parsed config). */
export interface SecretBearingConfig {
  readonly venues?: readonly unknown[];
  readonly dataClients?: readonly unknown[];
  readonly journal?: unknown;
  readonly observability?:
    | {
        readonly logger?: { readonly knownSecrets?: readonly string[] | undefined } | undefined;
        readonly alerts?: { readonly targets: readonly { readonly url: string; readonly headers?: Readonly<Record<string, string>> | undefined }[] } | undefined;
        readonly dashboard?: { readonly token?: string | undefined } | undefined;
      }
    | undefined;
}

/**
 * Every secret a live node's config holds (see the module comment), each once, longest first: what the
 * node gives its logger, its alerts and its error handling as `knownSecrets`.
 *
 * @example
 * ```ts
 * const secrets = nodeSecrets({ venues: [binance], observability: { dashboard: { token: process.env.DASHBOARD_TOKEN } } });
 * redactSecrets(`auth failed for ${process.env.DASHBOARD_TOKEN}`, secrets); // 'auth failed for [REDACTED]'
 * ```
 */
export function nodeSecrets(config: SecretBearingConfig): string[] {
  const out: string[] = [];
  for (const client of [...(config.venues ?? []), ...(config.dataClients ?? [])]) out.push(...credentialsOf(client));
  const o = config.observability;
  for (const s of o?.logger?.knownSecrets ?? []) if (typeof s === 'string') out.push(s);
  for (const target of o?.alerts?.targets ?? []) {
    out.push(...urlSecrets(target.url));
    for (const value of Object.values(target.headers ?? {})) out.push(...headerSecrets(value));
  }
  if (o?.dashboard?.token !== undefined) out.push(o.dashboard.token);
  // A journal kept in a database: its connection string (`journal.postgres.connectionString`, or `journal.url`).
  const journal = config.journal as { readonly url?: unknown; readonly postgres?: { readonly connectionString?: unknown; readonly password?: unknown } } | undefined;
  for (const url of [journal?.url, journal?.postgres?.connectionString]) if (typeof url === 'string') out.push(...urlSecrets(url));
  if (typeof journal?.postgres?.password === 'string') out.push(journal.postgres.password);
  return [...new Set(out.filter((s) => s.length >= MIN_SECRET_LENGTH))].sort((a, b) => b.length - a.length);
}

/**
 * The same client (a venue adapter, a data client) with every error its methods throw or reject with
 * scrubbed first ({@link scrubError} with `knownSecrets`), so that whatever the node builds from it (an
 * order manager's anomaly, a reconciliation's failure, a log line) holds no secret. Everything else
 * (properties, observables, `this` inside the methods) is the client's own.
 *
 * @example
 * ```ts
 * const venue = scrubbingClient(binance, nodeSecrets({ venues: [binance] }));
 * await venue.openOrders(); // a rejection's message, stack, properties and causes are scrubbed
 * ```
 */
export function scrubbingClient<T extends object>(client: T, knownSecrets: readonly string[]): T {
  const wrapped = new Map<PropertyKey, unknown>();
  const scrub = (error: unknown): unknown => scrubError(error, knownSecrets);
  return new Proxy(client, {
    get(target, key) {
      const value = Reflect.get(target, key, target) as unknown;
      if (typeof value !== 'function') return value;
      let fn = wrapped.get(key) as ((...args: unknown[]) => unknown) | undefined;
      if (fn === undefined || (fn as { inner?: unknown }).inner !== value) {
        const inner = value as (...args: unknown[]) => unknown;
        fn = Object.assign(
          function (this: unknown, ...args: unknown[]): unknown {
            let result: unknown;
            try {
              result = inner.apply(target, args);
            } catch (error) {
              throw scrub(error);
            }
            return result instanceof Promise ? result.catch((error: unknown) => Promise.reject(scrub(error))) : result;
          },
          { inner },
        );
        wrapped.set(key, fn);
      }
      return fn;
    },
  });
}

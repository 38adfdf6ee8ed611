/**
 * The secrets the leak tests plant, distinctive enough that finding one in any output is proof of a
 * leak, and the search for them in every encoding an HTTP client or a logger could give them.
 */

/** Every planted secret, by name. */
export const SECRETS = {
  /** A venue's API key (sent as `X-MBX-APIKEY`, echoed by venues in their error bodies). */
  apiKey: 'vmK3yQ7pLr9XtZ2wB8nF4jH6sD1cV5aE0gUzz',
  /** A venue's API secret (never sent; only a careless message could show it). */
  apiSecret: 'Nq8sEcR3tW7zX1yV5bT9mK2pL6hJ4gF0dSqq',
  /** An HMAC signature of a signed query string (hex; searched in both cases). */
  signature: '9c4f1e7a2b8d3056e1f4a7c2b9d8e3f60a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d',
  /** A bearer token in an `Authorization` header. */
  bearer: 'eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LXBheWxvYWQ.QmVhcmVyU2lnbmF0dXJlWw',
  /** The password of a `Basic` header (user `opsuser`). */
  basicPass: 'B4sicPassw0rdZqX',
  /** The password of a URL's user information (`wss://trader:<it>@stream.example.com`). */
  urlPassword: 'Ur1Passw0rdXk9Lm',
  /** The credential path segment of a Slack incoming webhook. */
  slackHook: 'SlackHookTok3nQw8Er5Ty',
  /** A Telegram bot token (`<bot id>:<secret>`). */
  telegramToken: '7654321098:AAHtelegramBotTokenSecretValue12345',
  /** The token of a Discord webhook. */
  discordToken: 'DiscordWebhookTok3n-Zx7Yq6Wp',
  /** The value of a JSON alert target's `authorization` header. */
  jsonHeader: 'JsonHdrTok3n-7x6y5z4w3v',
  /** The dashboard's kill switch token. */
  dashboardToken: 'DashTok3n-9f8e7d6c5b4a3210',
  /** The password of a PostgreSQL connection string. */
  pgPassword: 'PgPassw0rdSecretQ7Rr',
} as const;
export type SecretName = keyof typeof SECRETS;

/** The Basic credentials as they travel: base64 of `user:password`. */
export const BASIC = Buffer.from(`opsuser:${SECRETS.basicPass}`).toString('base64');
/** A PostgreSQL URL holding {@link SECRETS.pgPassword}. */
export const PG_URL = `postgres://journal:${SECRETS.pgPassword}@db.internal:5432/rxtrade`;
/** A WebSocket URL holding {@link SECRETS.urlPassword}. */
export const STREAM_URL = `wss://trader:${SECRETS.urlPassword}@stream.example.com/ws`;

/** Every form a secret may take in an output: as is, URL-encoded, base64, hex in both cases, and case-changed hex. */
export function encodings(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const forms = [secret, encodeURIComponent(secret), bytes.toString('base64'), bytes.toString('base64url'), bytes.toString('hex'), bytes.toString('hex').toUpperCase()];
  if (/^[0-9a-f]+$/i.test(secret)) forms.push(secret.toLowerCase(), secret.toUpperCase());
  return [...new Set(forms)];
}

/** What each secret looks like anywhere: its encodings, and for the Basic password the base64 header value. */
const NEEDLES: readonly { name: string; needle: string }[] = [
  ...Object.entries(SECRETS).flatMap(([name, secret]) => encodings(secret).map((needle) => ({ name, needle }))),
  // The secret half of a Telegram token, on its own.
  ...encodings(SECRETS.telegramToken.split(':')[1]!).map((needle) => ({ name: 'telegramToken', needle })),
  { name: 'basicPass', needle: BASIC },
];

/** Every piece of output a test saw, with where it came from. */
export class Capture {
  readonly texts: { readonly source: string; readonly text: string }[] = [];

  add(source: string, text: string): void {
    this.texts.push({ source, text });
  }

  /** An error as every reader could see it: message, stack, own properties and `cause` chain, and `util.inspect`. */
  addError(source: string, error: unknown, inspect: (v: unknown) => string): void {
    this.add(`${source} (inspected)`, inspect(error));
    let e: unknown = error;
    for (let depth = 0; e !== undefined && e !== null && depth < 10; depth++) {
      const where = depth === 0 ? source : `${source} cause ${depth}`;
      if (e instanceof Error) {
        this.add(`${where} message`, e.message);
        this.add(`${where} stack`, String(e.stack));
        const own: Record<string, unknown> = {};
        for (const k of Object.keys(e)) own[k] = (e as unknown as Record<string, unknown>)[k];
        this.add(`${where} properties`, safeJson(own));
        e = e.cause;
      } else {
        this.add(where, typeof e === 'string' ? e : safeJson(e));
        e = undefined;
      }
    }
  }

  /** Each leak: where it was seen and which secret. */
  leaks(): { source: string; secret: string; excerpt: string }[] {
    const out: { source: string; secret: string; excerpt: string }[] = [];
    for (const { source, text } of this.texts) {
      for (const { name, needle } of NEEDLES) {
        const at = text.indexOf(needle);
        if (at >= 0 && !out.some((l) => l.source === source && l.secret === name)) {
          out.push({ source, secret: name, excerpt: text.slice(Math.max(0, at - 60), at + needle.length + 20).replace(/\s+/g, ' ') });
        }
      }
    }
    return out;
  }
}

function safeJson(v: unknown): string {
  const seen = new WeakSet<object>();
  try {
    return JSON.stringify(v, (_k, value: unknown) => {
      if (typeof value === 'object' && value !== null) {
        if (seen.has(value)) return '[Circular]';
        seen.add(value);
      }
      return typeof value === 'bigint' ? value.toString() : value;
    });
  } catch {
    return String(v);
  }
}

/** The alert targets of a live node's config. */
export type AlertTargets = { kind: 'slack'; url: string } | { kind: 'telegram'; url: string; chatId: number } | { kind: 'discord'; url: string } | { kind: 'json'; url: string; headers?: Record<string, string> };

/**
 * Webhooks with their secrets in the URL and headers, on the local sink at `port` (Slack accepts;
 * Telegram answers 500, Discord 401, the JSON endpoint 403, each echoing what it got) and one on
 * `closedPort`, where nothing listens (network errors).
 */
export function webhookTargets(port: number, closedPort: number): AlertTargets[] {
  const base = `http://127.0.0.1:${port}`;
  return [
    { kind: 'slack', url: `${base}/services/T0AAAA111/B0BBBB222/${SECRETS.slackHook}` },
    { kind: 'telegram', url: `${base}/bot${SECRETS.telegramToken}/sendMessage`, chatId: -1001234567890 },
    { kind: 'discord', url: `${base}/api/webhooks/123456789012345678/${SECRETS.discordToken}` },
    { kind: 'json', url: `${base}/hooks/trading`, headers: { authorization: `Bearer ${SECRETS.jsonHeader}` } },
    { kind: 'json', url: `http://127.0.0.1:${closedPort}/hooks/${SECRETS.slackHook}?token=${SECRETS.jsonHeader}` },
  ];
}

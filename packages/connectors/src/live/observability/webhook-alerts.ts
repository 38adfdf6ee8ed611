/**
 * Alerts of a live node posted to webhooks: Slack, Discord, Telegram or any endpoint taking JSON.
 *
 * Delivery never blocks the node: an event only formats the alert and puts it in a bounded queue per
 * target (when the queue is full the oldest alert is dropped and counted); one worker per target posts
 * them in order. A post that fails on the network, with a 5xx or with 429 is retried with jittered
 * exponential backoff, waiting what `Retry-After` (or the `retry_after` of a Discord or Telegram 429
 * body) asks; other statuses, and the last attempt, give up and report through the logger.
 *
 * Webhook URLs are credentials (Slack's and Discord's paths, Telegram's bot token): they never appear
 * in a log line or an error. Targets are named `slack#0`, `telegram#1` (or by their `name`), with the
 * host only.
 *
 * The retry backoff runs on a `Clock` (`clock`, a live node's own), so that on a virtual clock a retry
 * waits virtual time and a test needs no real sleep.
 */
import { z } from 'zod';
import { LiveClock, parseWith, silentLogger, type Clock, type Logger, type TimerHandle } from '@rxtrade/core';
import type { LiveNodeView, NodeEvents } from '../live-node-view';
import { AlertKind, AlertSeverity, alertFor, discordPayload, jsonPayload, slackPayload, telegramPayload, type NodeAlert } from './alert-format';
import { redactSecrets, sanitizeForLog } from './redact';
import { headerSecrets } from '../secrets/node-secrets';

/** A webhook that takes the alert as generic JSON ({@link jsonPayload}). */
export interface JsonAlertTarget {
  readonly kind: 'json';
  readonly url: string;
  /** Extra request headers (an `Authorization`, say); their values are treated as secrets. */
  readonly headers?: Record<string, string>;
  /** How logs name the target (default `json#<index>`). */
  readonly name?: string;
}
/** A Slack incoming webhook (`https://hooks.slack.com/services/…`). */
export interface SlackAlertTarget {
  readonly kind: 'slack';
  readonly url: string;
  readonly name?: string;
}
/** A Discord webhook (`https://discord.com/api/webhooks/<id>/<token>`). */
export interface DiscordAlertTarget {
  readonly kind: 'discord';
  readonly url: string;
  /** Overrides the webhook's display name. */
  readonly username?: string;
  readonly name?: string;
}
/** A Telegram bot: `url` is `https://api.telegram.org/bot<token>/sendMessage`. */
export interface TelegramAlertTarget {
  readonly kind: 'telegram';
  readonly url: string;
  /** The chat id, or `@channelusername`. */
  readonly chatId: string | number;
  /** Send HTML (headline in bold) instead of plain text. */
  readonly parseMode?: 'HTML';
  readonly name?: string;
}
export type AlertTarget = JsonAlertTarget | SlackAlertTarget | DiscordAlertTarget | TelegramAlertTarget;

/** Retries of a failed post. */
export interface AlertRetryConfig {
  /** Attempts in all, the first included (default 5). */
  readonly attempts?: number;
  /** Backoff before the second attempt, doubled for each next one (default 500 ms). */
  readonly baseDelayMs?: number;
  /** Ceiling of the backoff (default 30 s). */
  readonly maxDelayMs?: number;
  /** The longest `Retry-After` honoured; a longer one gives up at once (default 60 s). */
  readonly maxRetryAfterMs?: number;
}

/** Options of {@link webhookAlerts}. */
export interface WebhookAlertsConfig {
  readonly targets: readonly AlertTarget[];
  /** Which events alert (default all four). */
  readonly events?: readonly AlertKind[];
  /** Alerts below this severity are not sent (default `info`: all). */
  readonly minSeverity?: AlertSeverity;
  readonly retry?: AlertRetryConfig;
  /** Time limit of one post (default 10 s). */
  readonly timeoutMs?: number;
  /** Alerts waiting per target before the oldest is dropped (default 100). */
  readonly queueSize?: number;
  /** Where failures and drops are reported, without URLs or tokens (default: nowhere). */
  readonly logger?: Logger;
  /** The jitter source, uniform in [0, 1) (default `Math.random`). */
  readonly random?: () => number;
  /**
   * More secrets to remove from every alert and every failure report (the API keys of the node's
   * config, say); the targets' URLs and header values are always removed.
   */
  readonly knownSecrets?: readonly string[];
  /**
   * The clock of the retry backoff and of `Retry-After` dates (default a `LiveClock`): a live node
   * passes its own, so that on a virtual clock retries wait virtual time. The time limit of one post
   * (`timeoutMs`) and of `close()` are wall-clock waits on the network.
   */
  readonly clock?: Clock;
}

const urlSchema = z.url({ protocol: /^https?$/ });
const nameSchema = z.string().min(1).optional();
export const AlertTargetSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('json'), url: urlSchema, headers: z.record(z.string(), z.string()).optional(), name: nameSchema }),
  z.strictObject({ kind: z.literal('slack'), url: urlSchema, name: nameSchema }),
  z.strictObject({ kind: z.literal('discord'), url: urlSchema, username: z.string().min(1).optional(), name: nameSchema }),
  z.strictObject({ kind: z.literal('telegram'), url: urlSchema, chatId: z.union([z.string().min(1), z.number().int()]), parseMode: z.literal('HTML').optional(), name: nameSchema }),
]);

export const WebhookAlertsConfigSchema = z.strictObject({
  targets: z.array(AlertTargetSchema).min(1),
  events: z.array(z.enum(['state', 'breaker', 'reconciliation', 'killSwitch'])).optional(),
  minSeverity: z.enum(['info', 'warning', 'critical']).optional(),
  retry: z
    .strictObject({
      attempts: z.number().int().min(1).max(100).optional(),
      baseDelayMs: z.number().min(0).finite().optional(),
      maxDelayMs: z.number().min(0).finite().optional(),
      maxRetryAfterMs: z.number().min(0).finite().optional(),
    })
    .optional(),
  timeoutMs: z.number().positive().finite().optional(),
  queueSize: z.number().int().min(1).optional(),
  logger: z.custom<Logger>((v) => typeof v === 'object' && v !== null && typeof (v as Logger).warn === 'function', 'must be a Logger').optional(),
  random: z.custom<() => number>((v) => typeof v === 'function', 'must be a function').optional(),
  knownSecrets: z.array(z.string()).optional(),
  clock: z.custom<Clock>((v) => typeof v === 'object' && v !== null && typeof (v as Clock).now === 'function' && typeof (v as Clock).setTimer === 'function', 'must be a Clock').optional(),
});

/** Delivery counts of one target. */
export interface AlertTargetStats {
  readonly name: string;
  readonly kind: AlertTarget['kind'];
  /** Alerts delivered (a 2xx answer). */
  readonly sent: number;
  /** Alerts given up on. */
  readonly failed: number;
  /** Alerts dropped from a full queue. */
  readonly dropped: number;
  /** Attempts after the first, over all alerts. */
  readonly retries: number;
  /** Alerts waiting or being posted. */
  readonly pending: number;
}

/** Running webhook alerts. */
export interface WebhookAlerts {
  /** Queues an alert on every target (for alerts of the application's own). */
  send(alert: NodeAlert): void;
  /** Delivery counts per target. */
  stats(): readonly AlertTargetStats[];
  /** Resolves when every queue is empty (delivered or given up). */
  flush(): Promise<void>;
  /** Stops following the node, waits up to `timeoutMs` (default 5 s) for the queues, then abandons the rest. */
  close(timeoutMs?: number): Promise<void>;
}

const SEVERITY_RANK: Record<AlertSeverity, number> = { info: 0, warning: 1, critical: 2 };

/**
 * Sends the node's alerts (breaker trips and resets, state changes, reconciliation differences, the kill
 * switch) to webhooks, formatted for each.
 *
 * @example
 * ```ts
 * const alerts = webhookAlerts(node, {
 *   targets: [
 *     { kind: 'slack', url: process.env.SLACK_WEBHOOK_URL! },
 *     { kind: 'telegram', url: `https://api.telegram.org/bot${process.env.TG_TOKEN}/sendMessage`, chatId: -100123 },
 *   ],
 *   minSeverity: 'warning',
 *   logger,
 * });
 * // … at shutdown
 * await alerts.close();
 * ```
 */
export function webhookAlerts(view: LiveNodeView, config: WebhookAlertsConfig): WebhookAlerts {
  const options = parseWith(WebhookAlertsConfigSchema, config, 'WebhookAlertsConfig');
  const logger = options.logger ?? silentLogger;
  const random = options.random ?? Math.random;
  const clock = options.clock ?? new LiveClock();
  const knownSecrets = (options.knownSecrets ?? []).filter((s) => s !== '');
  const retry = {
    attempts: options.retry?.attempts ?? 5,
    baseDelayMs: options.retry?.baseDelayMs ?? 500,
    maxDelayMs: options.retry?.maxDelayMs ?? 30_000,
    maxRetryAfterMs: options.retry?.maxRetryAfterMs ?? 60_000,
  };
  const timeoutMs = options.timeoutMs ?? 10_000;
  const queueSize = options.queueSize ?? 100;
  const minRank = SEVERITY_RANK[options.minSeverity ?? 'info'];
  const shutdown = new AbortController();

  const workers = options.targets.map((target, index) => new TargetWorker(target as AlertTarget, index, { logger, random, clock, knownSecrets, retry, timeoutMs, queueSize, signal: shutdown.signal }));

  const send = (alert: NodeAlert): void => {
    if (shutdown.signal.aborted || SEVERITY_RANK[alert.severity] < minRank) return;
    // Texts are scrubbed by their patterns when formatted; the known secrets are removed here, from every field.
    const clean = knownSecrets.length === 0 ? alert : (sanitizeForLog(alert, { knownSecrets }) as NodeAlert);
    for (const worker of workers) worker.enqueue(clean);
  };

  const kinds = options.events ?? (Object.values(AlertKind) as AlertKind[]);
  const listeners = kinds.map((kind) => {
    const listener = (event: Parameters<NodeEvents[typeof kind]>[0]): void => {
      const alert = alertFor(view, kind, event as never);
      if (alert !== undefined) send(alert);
    };
    view.events.on(kind, listener as never);
    return () => view.events.off(kind, listener as never);
  });

  const flush = async (): Promise<void> => {
    await Promise.all(workers.map((w) => w.idle()));
  };

  let closed: Promise<void> | undefined;
  return {
    send,
    stats: () => workers.map((w) => w.stats()),
    flush,
    close: (closeTimeoutMs = 5_000) => {
      closed ??= (async () => {
        for (const remove of listeners) remove();
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<void>((resolve) => {
          timer = setTimeout(resolve, closeTimeoutMs);
        });
        await Promise.race([flush(), timeout]);
        clearTimeout(timer);
        shutdown.abort();
        await flush();
      })();
      return closed;
    },
  };
}

interface WorkerSettings {
  readonly logger: Logger;
  readonly random: () => number;
  readonly clock: Clock;
  readonly knownSecrets: readonly string[];
  readonly retry: { readonly attempts: number; readonly baseDelayMs: number; readonly maxDelayMs: number; readonly maxRetryAfterMs: number };
  readonly timeoutMs: number;
  readonly queueSize: number;
  readonly signal: AbortSignal;
}

type Outcome = { readonly ok: true } | { readonly ok: false; readonly retryable: boolean; readonly reason: string; readonly status?: number; readonly retryAfterMs?: number };

/** The queue and the delivery loop of one target. */
class TargetWorker {
  private readonly queue: NodeAlert[] = [];
  private running: Promise<void> | undefined;
  private readonly name: string;
  private readonly host: string;
  /** Everything about the target that must never be written down. */
  private readonly secrets: readonly string[];
  private sent = 0;
  private failed = 0;
  private dropped = 0;
  private retries = 0;
  private busy = 0;

  constructor(
    private readonly target: AlertTarget,
    index: number,
    private readonly settings: WorkerSettings,
  ) {
    this.name = target.name ?? `${target.kind}#${index}`;
    const url = new URL(target.url);
    this.host = url.host;
    this.secrets = [...urlSecrets(target.url, target.kind === 'json' ? Object.values(target.headers ?? {}).flatMap(headerSecrets) : []), ...settings.knownSecrets];
  }

  stats(): AlertTargetStats {
    return { name: this.name, kind: this.target.kind, sent: this.sent, failed: this.failed, dropped: this.dropped, retries: this.retries, pending: this.queue.length + this.busy };
  }

  enqueue(alert: NodeAlert): void {
    if (this.queue.length >= this.settings.queueSize) {
      this.queue.shift();
      this.dropped++;
      // The first drop and every hundredth: a storm of alerts must not become a storm of log lines.
      if (this.dropped === 1 || this.dropped % 100 === 0) {
        this.settings.logger.warn('alert queue full: oldest alert dropped', { target: this.name, kind: this.target.kind, host: this.host, dropped: this.dropped, queueSize: this.settings.queueSize });
      }
    }
    this.queue.push(alert);
    this.running ??= this.run().finally(() => {
      this.running = undefined;
    });
  }

  idle(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  private async run(): Promise<void> {
    for (let alert = this.queue.shift(); alert !== undefined; alert = this.queue.shift()) {
      if (this.settings.signal.aborted) {
        const abandoned = this.queue.length + 1;
        this.queue.length = 0;
        this.failed += abandoned;
        this.settings.logger.error('alerts closed: undelivered alerts abandoned', { target: this.name, kind: this.target.kind, host: this.host, abandoned });
        return;
      }
      this.busy = 1;
      try {
        await this.deliver(alert);
      } finally {
        this.busy = 0;
      }
    }
  }

  private async deliver(alert: NodeAlert): Promise<void> {
    const { retry, signal } = this.settings;
    const body = JSON.stringify(this.payload(alert));
    let last: Outcome = { ok: false, retryable: false, reason: 'not attempted' };
    let attempt = 0;
    while (attempt < retry.attempts && !signal.aborted) {
      attempt++;
      if (attempt > 1) this.retries++;
      last = await this.post(body);
      if (last.ok) {
        this.sent++;
        return;
      }
      if (!last.retryable || attempt >= retry.attempts) break;
      let delay = alertRetryDelay(attempt, retry.baseDelayMs, retry.maxDelayMs, this.settings.random);
      if (last.retryAfterMs !== undefined) {
        if (last.retryAfterMs > retry.maxRetryAfterMs) {
          last = { ...last, retryable: false, reason: `${last.reason}; Retry-After of ${Math.ceil(last.retryAfterMs / 1000)} s exceeds maxRetryAfterMs` };
          break;
        }
        delay = Math.max(delay, last.retryAfterMs);
      }
      if (!(await sleep(delay, signal, this.settings.clock))) break;
    }
    this.failed++;
    const reason = last.ok ? 'closed' : last.reason;
    this.settings.logger.error('alert delivery failed', {
      target: this.name,
      kind: this.target.kind,
      host: this.host,
      alert: alert.kind,
      severity: alert.severity,
      attempts: attempt,
      ...(last.ok === false && last.status !== undefined ? { status: last.status } : {}),
      reason: redactSecrets(signal.aborted ? `${reason} (alerts closed)` : reason, this.secrets),
    });
  }

  private payload(alert: NodeAlert): Record<string, unknown> {
    const t = this.target;
    switch (t.kind) {
      case 'json':
        return jsonPayload(alert);
      case 'slack':
        return slackPayload(alert);
      case 'discord':
        return discordPayload(alert, t.username !== undefined ? { username: t.username } : {});
      case 'telegram':
        return telegramPayload(alert, t.parseMode !== undefined ? { chatId: t.chatId, parseMode: t.parseMode } : { chatId: t.chatId });
    }
  }

  private async post(body: string): Promise<Outcome> {
    const headers: Record<string, string> = { ...(this.target.kind === 'json' ? (this.target.headers ?? {}) : {}), 'content-type': 'application/json' };
    const signal = AbortSignal.any([this.settings.signal, AbortSignal.timeout(this.settings.timeoutMs)]);
    let response: Response;
    try {
      response = await fetch(this.target.url, { method: 'POST', headers, body, signal, redirect: 'error' });
    } catch (err) {
      return { ok: false, retryable: true, reason: redactSecrets(describeNetworkError(err), this.secrets) };
    }
    let text = '';
    try {
      text = await response.text();
    } catch {
      // The status decides; a body cut short changes nothing.
    }
    if (response.ok) return { ok: true };
    const status = response.status;
    const retryable = status === 429 || status >= 500;
    const retryAfterMs = retryable ? parseRetryAfter(response.headers.get('retry-after'), text, this.settings.clock.now()) : undefined;
    return {
      ok: false,
      retryable,
      status,
      reason: `HTTP ${status}${describeBody(text, this.secrets)}`,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    };
  }
}

/**
 * The wait before attempt `attempt + 1`: exponential (`base * 2^(attempt-1)`, at most `max`) with
 * "equal jitter", half fixed and half random, so that retries of many nodes spread out without ever
 * coming back at once (https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/).
 *
 * @example
 * ```ts
 * alertRetryDelay(3, 500, 30_000, () => 0.5); // 1500: a ceiling of 2000 ms, half fixed, a quarter from the jitter
 * ```
 */
export function alertRetryDelay(attempt: number, baseDelayMs: number, maxDelayMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
  return ceiling / 2 + random() * (ceiling / 2);
}

/**
 * The wait a 429 or 503 asks for, in milliseconds: the `Retry-After` header (seconds or an HTTP date,
 * RFC 9110 section 10.2.3), else `retry_after` in a JSON body (Discord: seconds, fractional; Telegram:
 * `parameters.retry_after`, seconds).
 *
 * @example
 * ```ts
 * parseRetryAfter('120'); // 120000
 * parseRetryAfter(null, '{"ok":false,"error_code":429,"parameters":{"retry_after":7}}'); // 7000
 * ```
 */
export function parseRetryAfter(header: string | null, body = '', now = Date.now()): number | undefined {
  if (header !== null && header.trim() !== '') {
    const value = header.trim();
    if (/^\d+$/.test(value)) return Number(value) * 1000;
    const date = Date.parse(value);
    if (Number.isFinite(date)) return Math.max(0, date - now);
  }
  try {
    const parsed = JSON.parse(body) as { retry_after?: unknown; parameters?: { retry_after?: unknown } };
    const seconds = parsed.parameters?.retry_after ?? parsed.retry_after;
    if (typeof seconds === 'number' && Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  } catch {
    // Not JSON: no hint.
  }
  return undefined;
}

// The pieces of a webhook URL that would give it away: the URL itself, its path and query, its user
// information, and each longer path segment and query value (tokens, ids).
function urlSecrets(raw: string, extra: readonly string[]): string[] {
  const url = new URL(raw);
  const pieces = [raw, url.href, `${url.pathname}${url.search}`, url.username, url.password, ...extra];
  for (const segment of url.pathname.split('/')) pieces.push(segment, decodeURIComponentSafe(segment));
  for (const value of url.searchParams.values()) pieces.push(value);
  return pieces.filter((p) => p.length >= 8);
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function describeNetworkError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  if (err.name === 'TimeoutError') return 'timed out';
  if (err.name === 'AbortError') return 'aborted';
  const cause = (err as { cause?: unknown }).cause;
  const code = typeof cause === 'object' && cause !== null && 'code' in cause ? String((cause as { code: unknown }).code) : undefined;
  return code !== undefined ? `${err.message} (${code})` : err.message;
}

function describeBody(text: string, secrets: readonly string[]): string {
  const trimmed = text.trim().replace(/\s+/g, ' ');
  if (trimmed === '') return '';
  return `: ${redactSecrets(trimmed.length > 200 ? `${trimmed.slice(0, 200)}…` : trimmed, secrets)}`;
}

/** Waits `ms` on `clock`; false when aborted first. No wait at all for 0 (a virtual clock that stands still would never fire it). */
function sleep(ms: number, signal: AbortSignal, clock: Clock): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  if (!(ms > 0)) return Promise.resolve(true);
  return new Promise((resolve) => {
    let timer: TimerHandle | undefined;
    const done = (): void => {
      timer?.cancel();
      signal.removeEventListener('abort', done);
      resolve(!signal.aborted);
    };
    timer = clock.setTimer(clock.now() + ms, done);
    signal.addEventListener('abort', done, { once: true });
  });
}

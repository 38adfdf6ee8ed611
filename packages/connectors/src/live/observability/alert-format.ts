/**
 * Alerts of a live node and their payloads for each kind of webhook.
 *
 * The payload formats come from each service's documentation:
 * - Slack incoming webhooks take `{ text, blocks }` posted as JSON; `text` is the notification fallback
 *   when `blocks` are given, and `&`, `<`, `>` must be escaped as `&amp;`, `&lt;`, `&gt;`
 *   (https://api.slack.com/messaging/webhooks, https://api.slack.com/reference/surfaces/formatting#escaping).
 *   A section block's text is at most 3000 characters (https://api.slack.com/reference/block-kit/blocks#section).
 * - Discord "Execute Webhook" takes `{ content, username, embeds, allowed_mentions }`; `content` is at most
 *   2000 characters, an embed's title 256 and description 4096, `timestamp` ISO 8601, `color` an integer;
 *   `allowed_mentions: { parse: [] }` keeps a reason such as `@everyone` from pinging anyone
 *   (https://discord.com/developers/docs/resources/webhook#execute-webhook,
 *   https://discord.com/developers/docs/resources/message#embed-object,
 *   https://discord.com/developers/docs/resources/message#allowed-mentions-object).
 * - Telegram Bot API `sendMessage` is `POST https://api.telegram.org/bot<token>/sendMessage` with
 *   `{ chat_id, text, parse_mode }`; `text` is 1-4096 characters; with `parse_mode: 'HTML'` the
 *   characters `<`, `>`, `&` must be written `&lt;`, `&gt;`, `&amp;`
 *   (https://core.telegram.org/bots/api#sendmessage, https://core.telegram.org/bots/api#html-style).
 */
import type { LiveNodeView, NodeEvents, NodeState } from '../live-node-view';
import { redactSecrets, sanitizeForLog } from './redact';

/** What an alert is about. */
export const AlertKind = { state: 'state', breaker: 'breaker', reconciliation: 'reconciliation', killSwitch: 'killSwitch' } as const;
export type AlertKind = (typeof AlertKind)[keyof typeof AlertKind];

/** How urgent an alert is. */
export const AlertSeverity = { info: 'info', warning: 'warning', critical: 'critical' } as const;
export type AlertSeverity = (typeof AlertSeverity)[keyof typeof AlertSeverity];

/** One alert, before it is formatted for a target. Texts are already free of secrets. */
export interface NodeAlert {
  readonly kind: AlertKind;
  readonly severity: AlertSeverity;
  readonly nodeId: string;
  /** Node clock time of the event, epoch milliseconds. */
  readonly ts: number;
  /** One line: `state RUNNING -> DEGRADED`. */
  readonly title: string;
  /** The detail: a reason, a list of differences. */
  readonly text: string;
  /** The event's fields as data. */
  readonly details: Readonly<Record<string, unknown>>;
}

const WARNING_STATES: readonly NodeState[] = ['DEGRADED', 'PAUSED'];

type Payload<K extends keyof NodeEvents> = Parameters<NodeEvents[K]>[0];

/**
 * The alert for a node event, or `undefined` when the event is not alert-worthy (a reconciliation that
 * found nothing). Severities: kill switch, breaker trip and the `ERROR` state are `critical`; the
 * `DEGRADED` and `PAUSED` states and reconciliation differences `warning`; other state changes and
 * breaker resets `info`.
 *
 * @example
 * ```ts
 * alertFor(view, 'killSwitch', { reason: 'operator', source: 'dashboard', ts: 0 });
 * // { kind: 'killSwitch', severity: 'critical', title: 'kill switch pulled (dashboard)', text: 'operator', … }
 * ```
 */
export function alertFor<K extends AlertKind>(view: Pick<LiveNodeView, 'nodeId'>, kind: K, event: Payload<K>): NodeAlert | undefined {
  const base = { kind, nodeId: view.nodeId, ts: event.ts, details: sanitizeForLog(event) as Record<string, unknown> };
  switch (kind) {
    case 'state': {
      const e = event as Payload<'state'>;
      const severity = e.to === 'ERROR' ? 'critical' : WARNING_STATES.includes(e.to) ? 'warning' : 'info';
      return { ...base, severity, title: `state ${e.from} -> ${e.to}`, text: redactSecrets(e.reason) };
    }
    case 'breaker': {
      const e = event as Payload<'breaker'>;
      return e.tripped
        ? { ...base, severity: 'critical', title: `breaker ${redactSecrets(e.name)} tripped`, text: redactSecrets(e.reason ?? '') }
        : { ...base, severity: 'info', title: `breaker ${redactSecrets(e.name)} reset`, text: '' };
    }
    case 'reconciliation': {
      const e = event as Payload<'reconciliation'>;
      if (e.differences.length === 0) return undefined;
      const n = e.differences.length;
      return {
        ...base,
        severity: 'warning',
        title: `reconciliation with ${redactSecrets(e.venue)} found ${n} difference${n === 1 ? '' : 's'}`,
        text: e.differences.map((d) => `- ${redactSecrets(d)}`).join('\n'),
      };
    }
    case 'killSwitch': {
      const e = event as Payload<'killSwitch'>;
      return { ...base, severity: 'critical', title: `kill switch pulled (${redactSecrets(e.source)})`, text: redactSecrets(e.reason) };
    }
  }
  return undefined;
}

const isoTime = (ts: number): string => (Number.isFinite(ts) ? new Date(ts).toISOString() : String(ts));
const headline = (alert: NodeAlert): string => `[${alert.severity.toUpperCase()}] ${alert.nodeId}: ${alert.title}`;

/**
 * Shortens `text` to at most `max` characters (UTF-16 code units), ending with `…` when cut.
 *
 * @example
 * ```ts
 * truncate('kill switch pulled', 8); // 'kill sw…'
 * ```
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, max - 1);
  // Do not leave half of a surrogate pair.
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}…`;
}

/**
 * The generic JSON body: the alert as data, with `time` in ISO 8601 beside `ts`.
 *
 * @example
 * ```ts
 * jsonPayload(alert); // { source: 'rxtrade', nodeId, kind, severity, title, text, ts, time, details }
 * ```
 */
export function jsonPayload(alert: NodeAlert): Record<string, unknown> {
  return {
    source: 'rxtrade',
    nodeId: alert.nodeId,
    kind: alert.kind,
    severity: alert.severity,
    title: alert.title,
    text: alert.text,
    ts: alert.ts,
    time: isoTime(alert.ts),
    details: alert.details,
  };
}

const slackEscape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * A Slack incoming webhook body: `text` (the notification) and a section plus context in `blocks`.
 *
 * @example
 * ```ts
 * slackPayload(alert); // { text: '[CRITICAL] btc-1: kill switch pulled (api)\n…', blocks: [{ type: 'section', … }, { type: 'context', … }] }
 * ```
 */
export function slackPayload(alert: NodeAlert): Record<string, unknown> {
  const body = alert.text === '' ? `*${slackEscape(headline(alert))}*` : `*${slackEscape(headline(alert))}*\n${slackEscape(alert.text)}`;
  return {
    text: truncate(alert.text === '' ? slackEscape(headline(alert)) : `${slackEscape(headline(alert))}\n${slackEscape(alert.text)}`, 3000),
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: truncate(body, 3000) } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: truncate(`node ${slackEscape(alert.nodeId)} | ${alert.kind} | ${isoTime(alert.ts)}`, 3000) }] },
    ],
  };
}

/** Embed colours: red, amber, blue. */
export const DISCORD_COLORS: Readonly<Record<AlertSeverity, number>> = { critical: 0xd0021b, warning: 0xf5a623, info: 0x4a90e2 };

/**
 * A Discord webhook body: the headline as `content`, the detail in one embed, mentions disabled.
 *
 * @example
 * ```ts
 * discordPayload(alert, { username: 'rxtrade' }); // { username, content, embeds: [{ title, description, color, timestamp, footer }], allowed_mentions: { parse: [] } }
 * ```
 */
export function discordPayload(alert: NodeAlert, options: { readonly username?: string } = {}): Record<string, unknown> {
  const embed: Record<string, unknown> = {
    title: truncate(alert.title, 256),
    color: DISCORD_COLORS[alert.severity],
    timestamp: isoTime(alert.ts),
    footer: { text: truncate(`node ${alert.nodeId} | ${alert.kind}`, 2048) },
  };
  if (alert.text !== '') embed['description'] = truncate(alert.text, 4096);
  return {
    ...(options.username !== undefined ? { username: truncate(options.username, 80) } : {}),
    content: truncate(headline(alert), 2000),
    embeds: [embed],
    allowed_mentions: { parse: [] },
  };
}

const htmlEscape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * A Telegram `sendMessage` body: plain text, or HTML with the headline in bold under `parseMode: 'HTML'`.
 *
 * @example
 * ```ts
 * telegramPayload(alert, { chatId: -1001234567890 }); // { chat_id: -1001234567890, text: '[CRITICAL] btc-1: …' }
 * ```
 */
export function telegramPayload(alert: NodeAlert, options: { readonly chatId: string | number; readonly parseMode?: 'HTML' }): Record<string, unknown> {
  const footer = `node ${alert.nodeId} | ${alert.kind} | ${isoTime(alert.ts)}`;
  if (options.parseMode === 'HTML') {
    const parts = [`<b>${htmlEscape(headline(alert))}</b>`, ...(alert.text === '' ? [] : [htmlEscape(alert.text)]), `<i>${htmlEscape(footer)}</i>`];
    return { chat_id: options.chatId, text: truncateHtmlSafe(parts.join('\n'), 4096), parse_mode: 'HTML' };
  }
  const parts = [headline(alert), ...(alert.text === '' ? [] : [alert.text]), footer];
  return { chat_id: options.chatId, text: truncate(parts.join('\n'), 4096) };
}

// Cutting HTML could leave an open tag or half an entity: fall back to the escaped plain text then.
function truncateHtmlSafe(html: string, max: number): string {
  if (html.length <= max) return html;
  const plain = html.replace(/<[^>]+>/g, '');
  const cut = truncate(plain, max);
  return cut.replace(/&[a-z]*…$/, '…');
}

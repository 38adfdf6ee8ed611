/**
 * One line of the dashboard's event log for each node event an operator should notice: state changes,
 * rejections, feed health, breakers, reconciliation and the kill switch. Orders and fills are not
 * logged here (they show in their tables, and a busy node sends too many of them to read).
 */
import type { NodeEvents } from '../live-node-view';

/** A line of the event log, sent to the page as an SSE `event` message. */
export interface NodeEventLine {
  readonly type: string;
  readonly ts: number;
  readonly text: string;
  /** Colour of its badge. */
  readonly tone: 'ok' | 'warn' | 'bad' | 'info' | 'muted';
}

type Payload<K extends keyof NodeEvents> = Parameters<NodeEvents[K]>[0];

/** The node events that make a line, and how. */
export const EVENT_LINES: { readonly [K in keyof NodeEvents]?: (e: Payload<K>) => NodeEventLine } = {
  state: (e) => ({
    type: 'state',
    ts: e.ts,
    text: `${e.from} → ${e.to}: ${e.reason}`,
    tone: e.to === 'RUNNING' ? 'ok' : e.to === 'ERROR' ? 'bad' : e.to === 'DEGRADED' || e.to === 'PAUSED' ? 'warn' : 'info',
  }),
  rejected: (e) => ({ type: e.by === 'risk' ? 'denied' : 'rejected', ts: e.ts, text: `${e.clientOrderId}${e.venue ? ` at ${e.venue}` : ''}: ${e.reason}`, tone: 'warn' }),
  feed: (e) => ({ type: 'feed', ts: e.ts, text: `${e.name} ${e.status}${e.reconnects > 0 ? ` (${e.reconnects} reconnect${e.reconnects === 1 ? '' : 's'})` : ''}`, tone: e.status === 'HEALTHY' ? 'ok' : e.status === 'STALE' ? 'warn' : 'bad' }),
  breaker: (e) => ({ type: 'breaker', ts: e.ts, text: e.tripped ? `${e.name} tripped${e.reason ? `: ${e.reason}` : ''}` : `${e.name} reset`, tone: e.tripped ? 'bad' : 'ok' }),
  reconciliation: (e) => ({
    type: 'reconciled',
    ts: e.ts,
    text: e.differences.length === 0 ? `${e.venue}: in agreement` : `${e.venue}: ${e.differences.length} difference${e.differences.length === 1 ? '' : 's'}: ${e.differences.slice(0, 3).join('; ')}${e.differences.length > 3 ? '; …' : ''}`,
    tone: e.differences.length === 0 ? 'ok' : 'warn',
  }),
  killSwitch: (e) => ({ type: 'kill switch', ts: e.ts, text: `pulled by ${e.source}: ${e.reason}`, tone: 'bad' }),
};

/**
 * The venue protocol of the SIGKILL test: newline-delimited JSON over TCP. A request is
 * `{ id, op, args }`, its answer `{ id, result }` or `{ id, error }`; the venue pushes `{ event }`
 * (an order event) and `{ bar }` (its market) to every trading connection. Decimals travel as strings.
 */
import type { Socket } from 'node:net';
import { Decimal } from '@rxtrade/core';

/** Every field that holds a Decimal in commands, events, reports, views, positions and balances. */
const DECIMAL_KEYS = new Set([
  'quantity',
  'filledQuantity',
  'price',
  'triggerPrice',
  'avgFillPrice',
  'commission',
  'avgPrice',
  'realizedPnl',
  'unrealizedPnl',
  'total',
  'free',
  'locked',
  'trailingOffset',
  'limitOffset',
]);

/** Parses one line, turning every Decimal field back into an exact Decimal. */
export function decode(line: string): unknown {
  return JSON.parse(line, (key, value: unknown) => (typeof value === 'string' && DECIMAL_KEYS.has(key) ? new Decimal(value) : value));
}

/** One message as a line (Decimals serialise as their exact strings). */
export function encode(message: unknown): string {
  return `${JSON.stringify(message)}\n`;
}

/** Calls `onMessage` with each complete line the socket receives. */
export function readLines(socket: Socket, onMessage: (message: unknown) => void): void {
  let pending = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    pending += chunk;
    let nl = pending.indexOf('\n');
    while (nl >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      if (line.length > 0) onMessage(decode(line));
      nl = pending.indexOf('\n');
    }
  });
}

/** A request of the node or the test to the venue. */
export interface Request {
  readonly id: number;
  readonly op: string;
  readonly args?: unknown;
}

/** Blocks the whole process (event loop included) for `ms`: a kill point holds the node exactly where it is. */
export function freeze(ms = 20_000): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

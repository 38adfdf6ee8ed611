/**
 * The live node the SIGKILL test kills: runLive on the venue process (RemoteVenue and RemoteFeed on
 * VENUE_PORT), its journal in JOURNAL_DIR with fsync 'always', a deterministic strategy (every third
 * bar, when it has no open order: BUY 30 when flat, else SELL the whole position; the venue fills 5 a
 * bar, so each order fills in parts).
 *
 * It prints `LOADED` and waits for `GO <point>:<k>` on stdin (the parent starts the next process while
 * the current one runs, so that loading one overlaps the run of the other). The process then stops
 * dead (its event loop blocked) at the k-th (0-based) occurrence of the named point, printing
 * `AT <point>` first so that the parent kills it exactly there:
 * - `submit`: a submit is journaled and about to be written to the venue's socket;
 * - `ack`: an OrderAccepted arrived from the venue and is not journaled yet;
 * - `fill`: an OrderFilled record is durable in the journal and not applied yet;
 * - `reconcile`: an answer to a startup reconciliation query arrived and is not used yet;
 * - `half`: the k-th journal frame written by this process stops after half of its bytes;
 * - `stop-cancel`: SIGTERM received, the stop's cancel of an open order is about to be written;
 * - `stop-marker`: SIGTERM received, the `NodeStopped` record is durable; the snapshot and the close not done;
 * - `stop-close`: SIGTERM received, `NodeStopped` written, the k-th file close of the stop is about to run;
 * - `degraded`: the venue dropped the connection and the node has just gone DEGRADED;
 * - `rereconcile`: an answer to a query of the reconciliation after the reconnect arrived, not used yet.
 *
 * For the stop and drop points it prints `ACKED` at the first acknowledgement after `READY` (an order
 * is working): the parent then sends SIGTERM (stop) or has the venue drop the connection (drop).
 *
 * Prints `STARTING` once connected to the venue, right before runLive opens the journal, `READY
 * <figures>` once started (journal replayed, venue reconciled) and `STOPPED <figures>` after a
 * SIGTERM, the figures being the node's position and cash.
 */
import { filter, map } from 'rxjs';
import { ConnectionStatus, Decimal, LiveClock } from '@rxtrade/core';
import { nodeJournalFs, type JournalFs } from '@rxtrade/execution';
import { runLive, type LiveNode } from '../../node/live-node';
import { RISK_WAIVER } from '../../node/live-node-config';
import { RemoteFeed, RemoteVenue, VenueConnection } from './remote-venue';
import { goog } from './instrument';
import { freeze } from './wire';

const dir = process.env['JOURNAL_DIR']!;
const port = Number(process.env['VENUE_PORT']);
// Loaded and waiting: the parent starts a process ahead of time and sends `GO <point>:<k>` when its turn comes.
process.stdout.write('LOADED\n');
const go = await new Promise<string>((resolve) => {
  let input = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (d: string) => {
    input += d;
    if (!input.includes('\n')) return;
    process.stdin.destroy(); // nothing more comes; an open stdin would keep the process alive after a stop
    resolve(input.slice(0, input.indexOf('\n')));
  });
});
const [point, nth] = go.replace(/^GO /, '').split(':') as [string, string];
const k = Number(nth);
let starting = true;
/** SIGTERM received (this listener is installed before the node's, so it runs first). */
let stopping = false;
process.on('SIGTERM', () => (stopping = true));
/** The venue dropped the connection after READY; reconnecting: from the new connection until RUNNING again. */
let dropped = false;
let reconnecting = false;
let acked = false;
/** NodeStopped is durable: the stop's snapshot and close follow. */
let stoppedMarker = false;
const seen: Record<string, number> = {};

/** Stops the process at the k-th occurrence of `name` (when GO names it). */
function at(name: string): void {
  if (name !== point) return;
  const i = seen[name] ?? 0;
  seen[name] = i + 1;
  if (i !== k) return;
  process.stdout.write(`AT ${name}\n`); // synchronous on a pipe: the parent has it before we block
  freeze();
}

let fillWritten = false;
let markerWritten = false;
let frames = 0;
const fs: JournalFs = {
  ...nodeJournalFs,
  write: async (fd, buffer, offset, length, position) => {
    if (length > 64) {
      // A record's frame (a segment header is 24 bytes, the smallest record well over 64).
      if (point === 'half' && frames++ === k) {
        await nodeJournalFs.write(fd, buffer, offset, Math.floor(length / 2), position);
        process.stdout.write('AT half\n');
        freeze();
      }
      const frame = Buffer.from(buffer.buffer, buffer.byteOffset + offset, length);
      fillWritten = frame.includes('"type":"OrderFilled"');
      if (stopping && frame.includes('"type":"NodeStopped"')) markerWritten = true;
    }
    return nodeJournalFs.write(fd, buffer, offset, length, position);
  },
  fdatasync: async (fd) => {
    await nodeJournalFs.fdatasync(fd);
    if (fillWritten) {
      fillWritten = false;
      at('fill');
    }
    if (markerWritten) {
      markerWritten = false;
      stoppedMarker = true;
      at('stop-marker');
    }
  },
  close: async (fd) => {
    if (stoppedMarker) at('stop-close');
    return nodeJournalFs.close(fd);
  },
};

const connection = await VenueConnection.open(port, {
  beforeEvent: (event) => {
    if (event.type !== 'OrderAccepted') return;
    at('ack');
    if (!starting && !acked && /^(stop|degraded|rereconcile)/.test(point)) {
      acked = true;
      process.stdout.write('ACKED\n');
    }
  },
  beforeAnswer: () => {
    if (starting) at('reconcile');
    else if (reconnecting) at('rereconcile');
  },
});
// Subscribed before the node: these flags are set before the node hears the same status.
connection.status.subscribe((status) => {
  if (starting) return;
  if (status === ConnectionStatus.DISCONNECTED) dropped = true;
  else if (status === ConnectionStatus.RECONNECTING) reconnecting = true;
});

const clock = new LiveClock();
process.stdout.write('STARTING\n');
function figures(node: LiveNode): string {
  return JSON.stringify({ position: node.ledger.positionQuantity(goog.id).toString(), cash: node.ledger.cash().toString() });
}

const node = await runLive(
  (ctx) => {
    let bars = 0;
    return ctx.market.bars(goog.id).pipe(
      filter(() => ++bars % 3 === 0 && ctx.orders.openOrders(goog.id).length === 0),
      map(() => {
        const position = ctx.ledger.positionQuantity(goog.id);
        return position.gt(0)
          ? ctx.orderFactory.market({ instrumentId: goog.id, side: 'SELL', quantity: position })
          : ctx.orderFactory.market({ instrumentId: goog.id, side: 'BUY', quantity: new Decimal(30) });
      }),
    );
  },
  {
    nodeId: 'sigkill',
    venues: [
      new RemoteVenue(connection, {
        beforeSubmit: () => at('submit'),
        beforeCancel: () => {
          if (stopping) at('stop-cancel');
        },
      }),
    ],
    dataClients: [new RemoteFeed(connection)],
    subscriptions: [{ instrumentId: goog.id, kind: 'bars' }],
    instruments: [goog],
    ledger: { startingCash: 1_000_000 },
    risk: { waive: RISK_WAIVER },
    journal: { dir, fsync: 'always', fs },
    orders: { submitTimeoutMs: 2_000 },
    onStop: 'cancel',
    clock,
  },
);
starting = false;
process.stdout.write(`READY ${figures(node)}\n`);
node.events.on('state', ({ to }) => {
  if (to === 'DEGRADED' && dropped) at('degraded');
  if (to === 'RUNNING') reconnecting = false;
  if (to === 'STOPPED') {
    process.stdout.write(`STOPPED ${figures(node)}\n`);
    connection.close();
  }
});

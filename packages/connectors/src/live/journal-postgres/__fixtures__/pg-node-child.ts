/**
 * The live node the PostgreSQL restart test kills: the SIGKILL test's node (runLive on the venue
 * process of VENUE_PORT, the same strategy: every third bar without an open order, BUY 30 when flat,
 * else SELL the position; the venue fills 5 a bar) with its journal in PostgreSQL (PG_URL, journal
 * JOURNAL_NAME).
 *
 * Prints `LOADED`, waits for `GO <point>:<k>` on stdin, and stops dead (event loop blocked) at the k-th
 * (0-based) occurrence of the point, printing `AT <point>` first so that the parent kills it there:
 * - `submit`: a submit is journaled and about to be written to the venue's socket;
 * - `ack`: an OrderAccepted arrived from the venue and is not journaled yet;
 * - `fill`: the INSERT holding an OrderFilled has committed, and the node has not seen the answer;
 * - `reconcile`: an answer to a startup reconciliation query arrived and is not used yet;
 * - `insert`: a group of records (commands or venue events) is about to be sent to the server;
 * - `commit`: the INSERT of such a group is on the socket and its answer not read: whether it
 *   committed is unknown to the node.
 *
 * Prints `STARTING` right before runLive opens the journal, `READY <figures>` once started and
 * `STOPPED <figures>` after a SIGTERM, the figures being the node's position and cash.
 */
import pg from 'pg';
import { filter, map } from 'rxjs';
import { Decimal, LiveClock } from '@rxtrade/core';
import { runLive, type LiveNode } from '../../node/live-node';
import { RISK_WAIVER } from '../../node/live-node-config';
import { goog } from '../../sigkill/__fixtures__/instrument';
import { RemoteFeed, RemoteVenue, VenueConnection } from '../../sigkill/__fixtures__/remote-venue';
import { freeze } from '../../sigkill/__fixtures__/wire';

const url = process.env['PG_URL']!;
const name = process.env['JOURNAL_NAME']!;
const port = Number(process.env['VENUE_PORT']);
process.stdout.write('LOADED\n');
const go = await new Promise<string>((resolve) => {
  let input = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (d: string) => {
    input += d;
    if (!input.includes('\n')) return;
    process.stdin.destroy();
    resolve(input.slice(0, input.indexOf('\n')));
  });
});
const [point, nth] = go.replace(/^GO /, '').split(':') as [string, string];
const k = Number(nth);
let starting = true;
const seen: Record<string, number> = {};

function at(where: string): void {
  if (where !== point) return;
  const i = seen[where] ?? 0;
  seen[where] = i + 1;
  if (i !== k) return;
  process.stdout.write(`AT ${where}\n`);
  freeze();
}

// The journal's statements, watched: a records INSERT (a query config) carries (journal, seqs, tss, kinds, payloads).
const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]): unknown {
  const q = args[0] as { text?: unknown; values?: unknown } | string;
  const text = typeof q === 'object' && typeof q.text === 'string' ? q.text : undefined;
  if (text === undefined || !text.startsWith('INSERT INTO') || !text.includes('records')) return query.apply(this, args);
  const values = (q as { values: [string, number[], number[], string[], string[]] }).values;
  const durable = values[3].some((kind) => kind !== 'marketData');
  const hasFill = values[4].some((payload) => payload.includes('"type":"OrderFilled"'));
  if (durable) at('insert');
  const result = query.apply(this, args) as Promise<unknown>;
  if (durable) at('commit'); // the statement is written to the socket; its answer is not read
  return hasFill ? result.then((r) => (at('fill'), r)) : result;
} as typeof pg.Client.prototype.query;

const connection = await VenueConnection.open(port, {
  beforeEvent: (event) => {
    if (event.type === 'OrderAccepted') at('ack');
  },
  beforeAnswer: () => {
    if (starting) at('reconcile');
  },
});

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
    nodeId: 'pg-sigkill',
    venues: [new RemoteVenue(connection, { beforeSubmit: () => at('submit') })],
    dataClients: [new RemoteFeed(connection)],
    subscriptions: [{ instrumentId: goog.id, kind: 'bars' }],
    instruments: [goog],
    ledger: { startingCash: 1_000_000 },
    risk: { waive: RISK_WAIVER },
    // A killed node's server session may outlive it by a moment (ending its statement): wait for its lock.
    journal: { postgres: { connectionString: url, name, lockWaitMs: 5_000 } },
    orders: { submitTimeoutMs: 2_000 },
    onStop: 'cancel',
    clock: new LiveClock(),
  },
);
starting = false;
process.stdout.write(`READY ${figures(node)}\n`);
node.events.on('state', ({ to }) => {
  if (to === 'STOPPED') {
    process.stdout.write(`STOPPED ${figures(node)}\n`);
    connection.close();
  }
});

/**
 * The venue of the SIGKILL test, in a process of its own that outlives every node it serves: a
 * SimulatedVenue with a cash account, matching on its own market (the GOOG daily closes of the SMA
 * crossover example, one bar every BAR_MS, stamped with the wall clock), served over TCP as
 * newline-delimited JSON (see wire.ts). It keeps nothing about its clients between connections: a
 * restarted node gets no replay of what it missed, only what it asks for (openOrders, queryOrder,
 * queryOrderByVenueId, fillsSince, positions, balances).
 *
 * Every submit is logged by client order id, whichever connection it came on, so the test sees a
 * duplicate. The test's own connection asks `audit` (the log, every fill, positions, balances),
 * pauses or plays the market (or has it pause itself at the next submit it receives, so that the order
 * stays open however slow the test is to react), and has the venue `drop` every node's connection (the node reconnects). The market also moves one bar right before each fillsSince is answered
 * (a fill pushed live while the same fill is in the answer). Prints `PORT <n>` once listening.
 */
import * as net from 'node:net';
import { LiveClock, instrumentRegistry, type Bar, type CancelOrder, type ClientOrderId, type ModifyOrder, type SubmitOrder, type VenueOrderId } from '@rxtrade/core';
import { OrderCommandWireSchema, PercentFeeModel, SimulatedAccount, SimulatedVenue } from '@rxtrade/execution';
import { readBarsCsv } from '../../../read-bars-csv';
import { goog } from './instrument';
import { encode, readLines, type Request } from './wire';

const csv = process.env['GOOG_CSV'];
if (!csv) throw new Error('GOOG_CSV is not set');
const barMs = Number(process.env['BAR_MS'] ?? '4');

const instruments = instrumentRegistry([goog]);
const clock = new LiveClock();
const venue = new SimulatedVenue({
  clock,
  instruments,
  feeModel: new PercentFeeModel(0.001),
  // 5 shares a bar: an order of 30 fills in six parts, so kills land between the fills of one order.
  maxParticipation: 0.05,
  account: new SimulatedAccount({ type: 'CASH', instruments, startingBalances: { USD: 1_000_000 } }),
});
const closes = readBarsCsv(csv, { instrumentId: goog.id }).bars.map((b) => b.close);

const submits: string[] = [];
const traders = new Set<net.Socket>();
venue.events.subscribe((event) => {
  const line = encode({ event });
  for (const s of traders) s.write(line);
});

let n = 0;
let lastTs = 0;
let ticker: NodeJS.Timeout | undefined;
/**
 * The market moves one bar right before each fillsSince is answered, playing or not: the fills of that
 * bar reach the node live while it reconciles, and are in the answer it reads too.
 */
/** Fills made by those bars. */
let fillsDuringReconcile = 0;

/** One bar of the market: matched, its fills pushed, then the bar itself pushed. */
function tick(): void {
  const close = closes[n % closes.length]!;
  const open = closes[(n + closes.length - 1) % closes.length]!;
  lastTs = Math.max(Date.now(), lastTs + 1);
  n++;
  const bar = { type: 'Bar', instrumentId: goog.id, ts: lastTs, open, high: Math.max(open, close) + 1, low: Math.min(open, close) - 1, close, volume: 100 } as Bar;
  venue.process(bar);
  const line = encode({ bar });
  for (const s of traders) s.write(line);
}
function play(): void {
  ticker ??= setInterval(tick, barMs);
}
/** Pause the market at the next submit, before it is matched: the order stays open until `play`. */
let pauseAtNextSubmit = false;
function pause(): void {
  if (ticker !== undefined) clearInterval(ticker);
  ticker = undefined;
}

async function answer(socket: net.Socket, req: Request): Promise<unknown> {
  const args = req.args as Record<string, unknown> | undefined;
  switch (req.op) {
    case 'trade': // a node's connection: it gets the venue's events and market from now on
      traders.add(socket);
      return true;
    case 'submit': {
      const command = OrderCommandWireSchema.parse(args) as unknown as SubmitOrder;
      submits.push(command.clientOrderId);
      if (pauseAtNextSubmit) {
        pauseAtNextSubmit = false;
        pause();
      }
      venue.submit(command);
      return true;
    }
    case 'cancel':
      venue.cancel(OrderCommandWireSchema.parse(args) as unknown as CancelOrder);
      return true;
    case 'modify':
      venue.modify(OrderCommandWireSchema.parse(args) as unknown as ModifyOrder);
      return true;
    case 'openOrders':
      return venue.openOrders();
    case 'queryOrder':
      return venue.queryOrder(args!['clientOrderId'] as ClientOrderId);
    case 'queryOrderByVenueId':
      return venue.queryOrderByVenueId(args!['venueOrderId'] as VenueOrderId);
    case 'fillsSince': {
      const before = (await venue.fillsSince(0)).length;
      tick();
      fillsDuringReconcile += (await venue.fillsSince(0)).length - before;
      return venue.fillsSince(args!['ts'] as number);
    }
    case 'positions':
      return venue.positions();
    case 'balances':
      return venue.balances();
    case 'audit':
      return { submits, fills: await venue.fillsSince(0), positions: await venue.positions(), balances: await venue.balances(), open: (await venue.openOrders()).length, bars: n, fillsDuringReconcile };
    case 'play':
      play();
      return true;
    case 'drop': // the venue drops every node's connection: what it sends until they are back is lost
      for (const s of traders) s.destroy();
      traders.clear();
      return true;
    case 'pause':
      pauseAtNextSubmit = false;
      pause();
      return true;
    case 'pauseAtNextSubmit':
      pauseAtNextSubmit = true;
      return true;
    case 'exit':
      setImmediate(() => process.exit(0));
      return true;
    default:
      throw new Error(`unknown op ${req.op}`);
  }
}

const server = net.createServer((socket) => {
  socket.setNoDelay(true);
  socket.on('error', () => undefined); // a node killed mid-write resets its connection
  socket.on('close', () => traders.delete(socket));
  readLines(socket, (message) => {
    const req = message as Request;
    answer(socket, req).then(
      (result) => socket.write(encode({ id: req.id, result: result ?? null })),
      (error: unknown) => socket.write(encode({ id: req.id, error: error instanceof Error ? error.message : String(error) })),
    );
  });
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address() as net.AddressInfo;
  process.stdout.write(`PORT ${address.port}\n`);
});

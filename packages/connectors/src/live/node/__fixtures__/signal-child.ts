/**
 * A live node in a process of its own, for the signal test: paper trading on a feed that ticks every
 * few ms, one resting order; it prints READY once the order is working and, when stopped, what the
 * venue still has open. The parent sends SIGTERM or SIGINT.
 */
import { BehaviorSubject, Subject, filter, map, take } from 'rxjs';
import { ConnectionStatus, LiveClock, defineInstrument, instrumentRegistry, type Bar, type DataClient, type MarketData } from '@rxtrade/core';
import { SimulatedVenue } from '@rxtrade/execution';
import { runLive } from '../live-node';
import { RISK_WAIVER } from '../live-node-config';

const dir = process.env['JOURNAL_DIR']!;
const onStop = process.env['ON_STOP'] as 'cancel' | 'leave';
const goog = defineInstrument({ symbol: 'GOOG', venue: 'NASDAQ', assetClass: 'stock', base: 'GOOG', quote: 'USD', tickSize: '0.01', lotSize: '1' });
const clock = new LiveClock();
const venue = new SimulatedVenue({ clock, instruments: instrumentRegistry([goog]) });
const subject = new Subject<MarketData>();
const status = new BehaviorSubject<ConnectionStatus>(ConnectionStatus.DISCONNECTED);
const feed: DataClient = {
  id: 'TICKER',
  events: subject.asObservable(),
  connection: status.asObservable(),
  connect: () => (status.next(ConnectionStatus.CONNECTED), Promise.resolve()),
  disconnect: () => (status.next(ConnectionStatus.DISCONNECTED), subject.complete(), Promise.resolve()),
  subscribe: () => undefined,
  unsubscribe: () => undefined,
  requestBars: () => Promise.resolve([]),
};

const node = await runLive(
  (ctx) =>
    ctx.market.bars(goog.id).pipe(
      take(1),
      map(() => ctx.orderFactory.limit({ instrumentId: goog.id, side: 'BUY', quantity: 1, price: 50 })),
    ),
  {
    nodeId: 'signal-child',
    venues: [venue],
    dataClients: [feed],
    subscriptions: [{ instrumentId: goog.id, kind: 'bars' }],
    instruments: [goog],
    ledger: { startingCash: 10_000 },
    risk: { waive: RISK_WAIVER },
    journal: { dir },
    onStop,
    clock,
  },
);

let ts = Date.now();
const ticker = setInterval(() => {
  ts += 1;
  subject.next({ type: 'Bar', instrumentId: goog.id, ts, open: 100, high: 101, low: 99, close: 100, volume: 1_000 } as Bar);
}, 5);

venue.events.pipe(filter((e) => e.type === 'OrderAccepted'), take(1)).subscribe(() => process.stdout.write('READY\n'));
node.events.on('state', ({ to, reason }) => {
  if (to !== 'STOPPED') return;
  clearInterval(ticker);
  void venue.openOrders().then((open) => process.stdout.write(`${JSON.stringify({ state: to, reason, open: open.length })}\n`));
});

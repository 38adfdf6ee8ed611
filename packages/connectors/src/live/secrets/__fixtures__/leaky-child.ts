/**
 * A live node in a process of its own, as an application runs one: its pino logger on standard output,
 * alerts and the dashboard on, and the application printing what goes wrong the usual way
 * (`console.error(error)` of a failed start, the reason of the ERROR state). Two runs:
 * 1. a venue whose submit throws: the node fails while trading; the application stops it;
 * 2. a venue whose open orders query throws: the start is refused; the application prints the error.
 * Prints DONE at the end. The parent searches everything for the planted secrets.
 */
import { Subject, map } from 'rxjs';
import { BacktestClock, defineInstrument, instrumentRegistry, type Bar, type OrderCommand, type PipelineContext } from '@rxtrade/core';
import { SimulatedVenue } from '@rxtrade/execution';
import { runLive, type LiveNode } from '../../node/live-node';
import { RISK_WAIVER, type LiveNodeConfig } from '../../node/live-node-config';
import { LeakyDataClient, LeakyVenue, type VenueOp } from './leaky-venue';
import { SECRETS, webhookTargets } from './planted';

const goog = defineInstrument({ symbol: 'GOOG', venue: 'NASDAQ', assetClass: 'stock', base: 'GOOG', quote: 'USD', tickSize: '0.01', lotSize: '1' });
const T0 = Date.UTC(2024, 0, 2);
const bar = (day: number): Bar => ({ type: 'Bar', instrumentId: goog.id, ts: T0 + day * 86_400_000, open: 100, high: 101, low: 99, close: 100, volume: 1_000 }) as Bar;

async function run(dir: string, fault: VenueOp, atStart: boolean): Promise<void> {
  const clock = new BacktestClock(T0 - 86_400_000);
  const venue = new LeakyVenue(new SimulatedVenue({ clock, instruments: instrumentRegistry([goog]) }));
  const data = new LeakyDataClient();
  const commands = new Subject<(ctx: PipelineContext) => OrderCommand>();
  if (atStart) venue.faults.add(fault);
  const config: LiveNodeConfig = {
    nodeId: 'leaky-child',
    venues: [venue],
    dataClients: [data],
    subscriptions: [{ instrumentId: goog.id, kind: 'bars' }],
    instruments: [goog],
    ledger: { startingCash: 100_000 },
    risk: { waive: RISK_WAIVER },
    journal: { dir, fsync: 'never' },
    signals: false,
    clock,
    observability: {
      logger: { level: 'debug' },
      metrics: { port: 0 },
      alerts: { targets: webhookTargets(Number(process.env['SINK_PORT']), Number(process.env['CLOSED_PORT'])), retry: { attempts: 2, baseDelayMs: 0 }, timeoutMs: 2_000 },
      dashboard: { port: 0, token: SECRETS.dashboardToken },
    },
  };
  let node: LiveNode;
  try {
    node = await runLive((ctx) => commands.pipe(map((make) => make(ctx))), config);
  } catch (error) {
    console.error('the node did not start:', error);
    return;
  }
  node.events.on('state', (e) => {
    if (e.to === 'ERROR') console.error(`node failed: ${e.reason}`);
  });
  data.push(bar(0));
  await node.idle();
  venue.faults.add(fault);
  commands.next((ctx) => ctx.orderFactory.limit({ instrumentId: goog.id, side: 'BUY', quantity: 1, price: 50 }));
  await node.idle().catch((error: unknown) => console.error('idle failed:', error));
  await node.stop().catch((error: unknown) => console.error('stop failed:', error));
}

const dir = process.env['JOURNAL_DIR']!;
await run(`${dir}/submit`, 'submit', false);
await run(`${dir}/start`, 'openOrders', true);
process.stdout.write('DONE\n');

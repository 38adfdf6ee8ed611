/**
 * Soak of the live node: resident memory and heap over an accelerated session of `--minutes N`
 * (default 60) at 1,000 market events per second of session time: bars 1 ms apart (3,600,000 for an
 * hour), handed to the node as fast as it handles them. Every simulated minute (60,000 events) the
 * node is let go idle, V8 collects garbage (`--expose-gc`, which the bench sets by re-running itself
 * when it is missing), and RSS, heap used, array buffers and the sizes of the node's growing structures
 * are sampled. Criterion: from minute 5 to the end, RSS and heap stay within 10% (flat).
 *
 *   npx tsx --conditions=@rxtrade/source packages/connectors/bench/live-node-soak.bench.ts [--minutes N] [--fast F] [--slow S] [--fsync never|batch|always] [--size Q]
 *
 * The node: `LiveNode` with the SMA crossover of examples/sma-crossover (default 10/30) behind a
 * `RiskEngine` with limits every order passes, a `SimulatedVenue` that forgets closed orders (a real
 * venue keeps its orders on its side: the venue's memory is not the node's), a `ReplayDataClient`
 * over a seeded random walk generated lazily (never held in an array), a `BacktestClock` moved by the
 * feed (session time: risk windows and order timers run on it), the journal in the OS temporary folder
 * with `fsync: 'never'` by default, and no market data journaled (the node journals commands, venue
 * events and markers, not market data).
 *
 * The counted structures (read through the node's fields: they are not public API) say where memory
 * goes: the kernel's order manager (`keepHistory: true` in the node keeps every closed order), the
 * kernel's fills list and equity curve (one point per event time), the node's `sent` list (every
 * command) and its set of seen trade ids, its recent fills and equity curve (bounded by config).
 * After the session the node is stopped and each growing structure is emptied in turn, with a full
 * collection before and after: the drop is the memory that structure retained (heap, or array buffers
 * for the kernel's equity columns). `--size 0` runs the same averages without ever trading: what grows
 * per market event alone.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as v8 from 'node:v8';
import { BacktestClock, ReplayDataClient, instrumentRegistry, type Bar, type InstrumentId } from '@rxtrade/core';
import { LiveNode, seededRandom } from '@rxtrade/connectors';
import { PercentFeeModel, SimulatedVenue } from '@rxtrade/execution';
import { RiskEngine } from '@rxtrade/risk';
import { PASSING_LIMITS, crossover, goog, paced, removeTempDirs, tempDir } from './live-node-kit';

const EVENTS_PER_MINUTE = 60_000;
const SESSION_START = Date.UTC(2024, 0, 2, 14, 30);

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  if (i === -1) return fallback;
  const v = process.argv[i + 1];
  if (v === undefined) throw new Error(`--${name} needs a value`);
  return v;
}

const minutes = Number(option('minutes', '60'));
const fast = Number(option('fast', '10'));
const slow = Number(option('slow', '30'));
const fsyncOption = option('fsync', 'never');
const size = Number(option('size', '100'));
if (!Number.isInteger(minutes) || minutes < 6) throw new Error(`--minutes must be an integer >= 6 (the criterion starts at minute 5), got ${String(minutes)}`);
if (fsyncOption !== 'never' && fsyncOption !== 'batch' && fsyncOption !== 'always') throw new Error(`--fsync must be never, batch or always, got ${fsyncOption}`);
const fsync: 'never' | 'batch' | 'always' = fsyncOption;
if (!Number.isInteger(size) || size < 0) throw new Error(`--size must be an integer >= 0, got ${String(size)}`);

/** A seeded random walk of bars 1 ms apart, with 2-decimal prices, generated lazily. */
function* walk(n: number, instrumentId: InstrumentId, seed = 42): Generator<Bar> {
  const rand = seededRandom(seed);
  const round = (x: number): number => Math.round(x * 100) / 100;
  let close = 100;
  for (let i = 0; i < n; i++) {
    const open = close;
    close = round(Math.min(200, Math.max(50, open * (1 + (rand() - 0.5) * 0.002))));
    const high = round(Math.max(open, close) * (1 + rand() * 0.0005));
    const low = round(Math.min(open, close) * (1 - rand() * 0.0005));
    yield { type: 'Bar', instrumentId, ts: SESSION_START + i, open, high, low, close, volume: 1000 };
  }
}

interface Sample {
  readonly minute: number;
  readonly wallS: number;
  readonly rssMb: number;
  readonly heapMb: number;
  readonly buffersMb: number;
  readonly heapTotalMb: number;
  readonly externalMb: number;
  /** V8's young generation (committed), and its old generation plus large objects (committed). */
  readonly newSpaceMb: number;
  readonly oldSpaceMb: number;
  /** RSS outside V8's heap and its external memory: code, the allocator's arenas, thread stacks. */
  readonly nativeMb: number;
  readonly counts: Record<string, number>;
}

/** The node's growing structures, read through its private fields (a benchmark's view, not an API). */
function counts(node: LiveNode): Record<string, number> {
  const n = node as unknown as { sent: unknown[]; tradeIds: { size: number }; recent: unknown[]; curveTs: number[]; queue: unknown[]; submitTimes: Map<string, number> };
  const k = node.kernel as unknown as { fills: unknown[]; equity: { length: number } };
  return {
    orders: node.kernel.orderManager.orders().length,
    openOrders: node.kernel.orderManager.openOrders().length,
    kernelFills: k.fills.length,
    kernelEquityPoints: k.equity.length,
    sent: n.sent.length,
    tradeIds: n.tradeIds.size,
    recentFills: n.recent.length,
    nodeCurve: n.curveTs.length,
    queue: n.queue.length,
    submitTimes: n.submitTimes.size,
  };
}

async function main(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) {
    // Re-run with --expose-gc: a sample after a full collection shows what is retained, not what V8 has not collected yet.
    execFileSync(process.execPath, ['--expose-gc', '--conditions=@rxtrade/source', '--import', 'tsx', fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
    return;
  }
  const total = minutes * EVENTS_PER_MINUTE;
  const clock = new BacktestClock(SESSION_START);
  const venue = new SimulatedVenue({ clock, instruments: instrumentRegistry([goog]), feeModel: new PercentFeeModel(0.002), retainClosedOrders: false });
  // The audit trail goes nowhere here; a live deployment gives it a sink (a file) and keeps nothing in memory.
  const engine = new RiskEngine({ clock, instruments: [goog], limits: PASSING_LIMITS, audit: { keepInMemory: false } });
  let denied = 0;
  engine.events.on('orderDenied', () => void denied++);
  const samples: Sample[] = [];
  const t0 = performance.now();
  // Declared before it is built: the recording waits on the node, and the node takes the recording.
  let node: LiveNode;
  const sample = (handed: number): void => {
    gc();
    const m = process.memoryUsage();
    const space = (names: string[]): number => v8.getHeapSpaceStatistics().reduce((sum, sp) => sum + (names.includes(sp.space_name) ? sp.space_size : 0), 0) / 2 ** 20;
    const s: Sample = {
      minute: handed / EVENTS_PER_MINUTE,
      wallS: (performance.now() - t0) / 1000,
      rssMb: m.rss / 2 ** 20,
      heapMb: m.heapUsed / 2 ** 20,
      buffersMb: m.arrayBuffers / 2 ** 20,
      heapTotalMb: m.heapTotal / 2 ** 20,
      externalMb: m.external / 2 ** 20,
      newSpaceMb: space(['new_space', 'new_large_object_space']),
      oldSpaceMb: space(['old_space', 'large_object_space']),
      nativeMb: (m.rss - m.heapTotal - m.external) / 2 ** 20,
      counts: counts(node),
    };
    samples.push(s);
    console.log(
      `minute ${String(s.minute).padStart(3)}  wall ${s.wallS.toFixed(0).padStart(4)} s  rss ${s.rssMb.toFixed(1).padStart(7)} MB  heap ${s.heapMb.toFixed(1).padStart(7)} MB (of ${s.heapTotalMb.toFixed(1)}: new ${s.newSpaceMb.toFixed(1)}, old ${s.oldSpaceMb.toFixed(1)})  external ${s.externalMb.toFixed(1).padStart(6)} MB  buffers ${s.buffersMb.toFixed(1).padStart(6)} MB  native ${s.nativeMb.toFixed(1).padStart(6)} MB  ` +
        Object.entries(s.counts)
          .map(([key, v]) => `${key} ${v}`)
          .join(' '),
    );
  };
  // Every 250 events the feed waits for the node to be idle (the queue never holds more); every
  // simulated minute it samples too.
  const ready = async (handed: number): Promise<void> => {
    await node.idle();
    if (handed % EVENTS_PER_MINUTE === 0) sample(handed);
  };
  node = new LiveNode({
    nodeId: 'soak',
    venues: [venue],
    dataClients: [new ReplayDataClient({ data: paced(walk(total, goog.id), 250, ready) })],
    subscriptions: [{ instrumentId: goog.id, kind: 'bars' }],
    instruments: [goog],
    ledger: { startingCash: 1_000_000 },
    risk: engine,
    journal: { dir: tempDir('soak'), fsync },
    signals: false,
    clock,
  });
  console.log(`soak: ${minutes} simulated minutes, ${total.toLocaleString('en-US')} bars 1 ms apart, SMA(${fast})/SMA(${slow}), journal fsync '${fsync}'; Node ${process.version}`);
  // A replay plays its whole recording inside start(): the samples are taken on the way.
  await node.start(crossover(goog.id, fast, slow, size));
  await node.drained();
  await node.idle();
  sample(total);
  const seconds = (performance.now() - t0) / 1000;
  await node.stop();
  if (denied !== 0) throw new Error(`the risk engine denied ${denied} orders; the limits must pass every order`);
  if (node.state !== 'STOPPED') throw new Error(`node ended ${node.state}`);

  const from = samples.find((s) => s.minute === 5)!;
  const last = samples[samples.length - 1]!;
  const within = (key: 'rssMb' | 'heapMb' | 'heapTotalMb' | 'newSpaceMb' | 'oldSpaceMb' | 'externalMb' | 'nativeMb'): string => {
    const xs = samples.filter((s) => s.minute >= 5).map((s) => s[key]);
    const lo = Math.min(...xs);
    const hi = Math.max(...xs);
    const spread = (hi - lo) / from[key];
    return `${from[key].toFixed(1)} MB at minute 5, ${last[key].toFixed(1)} MB at minute ${last.minute}, range ${lo.toFixed(1)}–${hi.toFixed(1)} MB: ${(spread * 100).toFixed(1)}% of minute 5's, ${spread <= 0.1 ? 'FLAT (within 10%)' : 'NOT FLAT (over 10%)'}`;
  };
  console.log(`\n${total.toLocaleString('en-US')} events in ${seconds.toFixed(0)} s wall (${Math.round(total / seconds).toLocaleString('en-US')} events/s), ${last.counts['sent']} commands sent`);
  console.log(`RSS:  ${within('rssMb')}`);
  console.log(`heap: ${within('heapMb')}`);
  // Where RSS moves: V8's committed heap (young and old generations), external memory, the rest.
  for (const [label, key] of [['heap committed', 'heapTotalMb'], ['  new space', 'newSpaceMb'], ['  old space', 'oldSpaceMb'], ['external', 'externalMb'], ['native', 'nativeMb']] as const) console.log(`${label}: ${within(key)}`);
  const span = last.minute - from.minute;
  const perMinute = (key: 'rssMb' | 'heapMb' | 'buffersMb'): string => `${((last[key] - from[key]) / span).toFixed(2)} MB/min`;
  console.log(`growth from minute 5: rss ${perMinute('rssMb')}, heap ${perMinute('heapMb')}, array buffers ${perMinute('buffersMb')}`);
  const grew = Object.keys(last.counts).filter((k) => last.counts[k]! > from.counts[k]!);
  console.log(`structures that grew from minute 5: ${grew.map((k) => `${k} ${from.counts[k]} -> ${last.counts[k]}`).join(', ') || 'none'}`);
  attribute(node, gc);
}

/**
 * Empties each growing structure of the stopped node in turn and reports the memory it held: heap used
 * (and array buffers) after a full collection, before and after. Destructive: the node is done.
 */
function attribute(node: LiveNode, gc: () => void): void {
  const n = node as unknown as { sent: unknown[]; tradeIds: { size: number; clear(): void } };
  const kernel = node.kernel as unknown as { fillLog: unknown[]; equity: { ts: Float64Array; values: Float64Array; length: number } };
  const om = node.kernel.orderManager as unknown as { all: Map<string, { isOpen: boolean }> };
  const measure = (): { heap: number; buffers: number } => {
    gc();
    const m = process.memoryUsage();
    return { heap: m.heapUsed, buffers: m.arrayBuffers };
  };
  const steps: [string, string, () => number][] = [
    ['LiveNode.sent (every command handed to a venue)', 'command', () => n.sent.splice(0).length],
    ['LiveNode.tradeIds (every fill\'s trade id)', 'fill', () => {
      const k = n.tradeIds.size;
      n.tradeIds.clear();
      return k;
    }],
    ['TradingKernel.fills (keepHistory: every fill)', 'fill', () => kernel.fillLog.splice(0).length],
    ['OrderManager closed orders (keepHistory)', 'order', () => {
      let k = 0;
      for (const [id, o] of om.all) if (!o.isOpen) (om.all.delete(id), k++);
      return k;
    }],
    ['TradingKernel equity curve (one point per event)', 'point', () => {
      const k = kernel.equity.length;
      kernel.equity.ts = new Float64Array(1);
      kernel.equity.values = new Float64Array(1);
      kernel.equity.length = 0;
      return k;
    }],
  ];
  console.log('\nretained by each structure at the end (emptied in turn, full collection before and after):');
  let before = measure();
  for (const [label, unit, empty] of steps) {
    const count = empty();
    const after = measure();
    const bytes = before.heap - after.heap + (before.buffers - after.buffers);
    console.log(`  ${label.padEnd(52)} ${count.toLocaleString('en-US').padStart(10)} ${unit}s  ${(bytes / 2 ** 20).toFixed(1).padStart(7)} MB  ${count > 0 ? (bytes / count).toFixed(0) : '-'} B/${unit}`);
    before = after;
  }
  console.log(`  left after emptying them: heap ${(before.heap / 2 ** 20).toFixed(1)} MB, array buffers ${(before.buffers / 2 ** 20).toFixed(1)} MB`);
}

try {
  await main();
} finally {
  removeTempDirs();
}

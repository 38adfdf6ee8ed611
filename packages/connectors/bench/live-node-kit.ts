/**
 * Shared parts of the live node benchmarks: the instrument, the SMA crossover behind a risk gate, a data
 * client that marks the instant each market event is handed to the node, a paced recording, and small
 * statistics helpers.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tap, type Observable } from 'rxjs';
import { defineInstrument, type Bar, type DataClient, type DataSubscription, type InstrumentId, type MarketData, type Pipeline, type ConnectionStatus } from '@rxtrade/core';
import { readBarsCsv } from '@rxtrade/connectors';
import { RiskEngine, riskGate, type RiskEngineConfig } from '@rxtrade/risk';
import { smaCrossover } from '../../../examples/sma-crossover/src/strategy';

export const goog = defineInstrument({ symbol: 'GOOG', venue: 'NASDAQ', assetClass: 'stock', base: 'GOOG', quote: 'USD', tickSize: '0.01', lotSize: '1' });

const googCsv = fileURLToPath(new URL('../../../examples/sma-crossover/fixtures/goog.csv', import.meta.url));

/** The GOOG daily bars of examples/sma-crossover (1,047), played `times` times in a row, each copy shifted after the previous one so time only moves forward. */
export function googRepeated(times: number): Bar[] {
  const { bars } = readBarsCsv(googCsv, { instrumentId: goog.id });
  const span = bars[bars.length - 1]!.ts - bars[0]!.ts + 86_400_000;
  const out: Bar[] = [];
  for (let k = 0; k < times; k++) for (const b of bars) out.push({ ...b, ts: b.ts + k * span });
  return out;
}

/** Limits every order of the bench passes (checked: the runs assert that nothing was denied). */
export const PASSING_LIMITS: RiskEngineConfig['limits'] = { maxOrderQuantity: 1_000, maxOrderNotional: 1_000_000, maxPosition: 1_000 };

/** SMA(fast)/SMA(slow) crossover of examples/sma-crossover, target ±size (default 100; 0 never trades). */
export function crossover(instrumentId: InstrumentId, fast: number, slow: number, size = 100): Pipeline {
  return smaCrossover({ instrumentId, fast, slow, size });
}

/** The crossover behind `riskGate` with {@link PASSING_LIMITS}: what the live node runs (it adds the gate itself), for `runBacktest`. */
export function gatedCrossover(instrumentId: InstrumentId, fast: number, slow: number, denied: { count: number }): Pipeline {
  const inner = crossover(instrumentId, fast, slow);
  return (ctx) => {
    const engine = new RiskEngine({ clock: ctx.clock, instruments: [goog], limits: PASSING_LIMITS });
    engine.events.on('orderDenied', () => void denied.count++);
    return inner(ctx).pipe(riskGate(engine, ctx));
  };
}

/**
 * Wraps a data client: `events` is the inner client's, with `onEvent` called synchronously as each
 * event is handed to the subscriber (the node's `onMarketData` runs right after, in the same call).
 */
export class MarkedDataClient implements DataClient {
  readonly id: string;
  readonly events: Observable<MarketData>;
  readonly connection: Observable<ConnectionStatus>;
  constructor(
    private readonly inner: DataClient,
    onEvent: (event: MarketData) => void,
  ) {
    this.id = inner.id;
    this.events = inner.events.pipe(tap(onEvent));
    this.connection = inner.connection;
  }
  connect(): Promise<void> {
    return this.inner.connect();
  }
  disconnect(): Promise<void> {
    return this.inner.disconnect();
  }
  subscribe(s: DataSubscription): void {
    this.inner.subscribe(s);
  }
  unsubscribe(s: DataSubscription): void {
    this.inner.unsubscribe(s);
  }
  requestBars(instrumentId: InstrumentId, start: number, end: number): Promise<readonly Bar[]> {
    return this.inner.requestBars(instrumentId, start, end);
  }
}

/**
 * A recording as an async iterable (what `ReplayDataClient` takes) that hands out `every` events, then
 * waits for `ready()` (the node idle) before the next ones: events arrive as fast as the node handles
 * them, never piling up in its queue. `ready` is given the number of events handed out so far. With `every: 1` each event meets an idle node: its latency is the
 * node's own, without queueing behind earlier events.
 */
export async function* paced<T>(events: Iterable<T>, every: number, ready: (handed: number) => Promise<void>): AsyncGenerator<T> {
  let n = 0;
  for (const event of events) {
    if (n > 0 && n % every === 0) await ready(n);
    n++;
    yield event;
  }
}

export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Nearest-rank percentile of an ascending array. */
export const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;

const dirs: string[] = [];

/** A fresh directory in the OS temporary folder; {@link removeTempDirs} deletes them all. */
export function tempDir(label: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `rxtrade-${label}-`));
  dirs.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

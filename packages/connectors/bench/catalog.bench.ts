/**
 * The Parquet catalog against its baselines:
 *
 * 1. Backtest throughput: the SMA(10)/SMA(30) crossover run by `runBacktest` on N synthetic minute bars of
 *    one instrument streamed from the catalog, against the same bars from an array in memory, in the
 *    same process (alternating, one warm-up each, a full collection before each run; the array is built
 *    before each in-memory run, untimed, and released after it); bars per second, medians, the ratio per
 *    repetition and of the medians, and the peak resident memory of each kind of run measured in a fresh
 *    child process.
 * 2. Write throughput: bars per second of `catalog.write` (batches of 1,000,000 bars from a generator).
 * 3. Query latency: one instrument, one month, on a catalog of 100 instruments of one year of hourly
 *    bars, against DuckDB reading the same Parquet files directly with SQL (both materialise every row
 *    as a JavaScript object); medians.
 *
 *   npx tsx --conditions=@rxtrade/source packages/connectors/bench/catalog.bench.ts [bars=10000000] [repetitions=3]
 *
 * Files go to the OS temporary folder and are deleted at the end.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { filter, map } from 'rxjs';
import { DuckDBInstance, type DuckDBDoubleVector } from '@duckdb/node-api';
import { runBacktest } from '@rxtrade/backtest';
import { Decimal, defineInstrument, Sma, type Bar, type InstrumentId, type Pipeline } from '@rxtrade/core';
import { ParquetCatalog } from '@rxtrade/connectors';

const N = Number(process.argv[2] ?? 10_000_000);
// A full garbage collection between runs (the flag set at run time, so that the bench needs no Node option).
setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;
const REPS = Number(process.argv[3] ?? 3);
const sym = defineInstrument({ symbol: 'SYN', venue: 'SIM', assetClass: 'stock', base: 'SYN', quote: 'USD', tickSize: '0.01', lotSize: '1' });
const T0 = Date.UTC(2000, 0, 3);
const MIN = 60_000;

/** Minute bars of a random walk (xorshift32, so every run sees the same series). */
function* synthetic(id: InstrumentId, n: number, step = MIN, from = T0): Generator<Bar> {
  let seed = 42;
  let price = 100;
  for (let i = 0; i < n; i++) {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    const open = price;
    price = Math.max(1, price * (1 + ((seed >>> 0) / 4294967296 - 0.5) * 0.002));
    const close = Math.round(price * 100) / 100;
    yield { type: 'Bar', instrumentId: id, ts: from + i * step, open, high: Math.max(open, close) + 0.01, low: Math.min(open, close) - 0.01, close, volume: (seed >>> 0) % 1000 };
  }
}

/** The crossover of examples/sma-crossover: targets +100 on an upward cross of SMA(10) over SMA(30), -100 on a downward one. */
const crossover: Pipeline = (ctx) => {
  const fast = new Sma(10);
  const slow = new Sma(30);
  let previous: number | undefined;
  return ctx.market.bars(sym.id).pipe(
    map((bar) => {
      const f = fast.update(bar.close);
      const s = slow.update(bar.close);
      if (f === undefined || s === undefined) return 0;
      const diff = f - s;
      const signal = previous !== undefined && previous < 0 && diff > 0 ? 1 : previous !== undefined && previous > 0 && diff < 0 ? -1 : 0;
      if (diff !== 0) previous = diff;
      return signal;
    }),
    filter((signal) => signal !== 0),
    map((signal) => {
      const delta = new Decimal(signal * 100).minus(ctx.ledger.positionQuantity(sym.id));
      return ctx.orderFactory.market({ instrumentId: sym.id, side: delta.gt(0) ? 'BUY' : 'SELL', quantity: delta.abs() });
    }),
  );
};

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const fmt = (x: number): string => (x >= 1e6 ? `${(x / 1e6).toFixed(2)} M` : `${(x / 1e3).toFixed(1)} k`);

interface Run {
  readonly seconds: number;
  /** CPU seconds of the process (all threads, DuckDB's included): on a shared machine, less noisy than wall time. */
  readonly cpu: number;
  readonly fills: number;
  readonly equity: string;
}

async function backtest(data: Parameters<typeof runBacktest>[1]['data']): Promise<Run> {
  const t = performance.now();
  const c = process.cpuUsage();
  const r = await runBacktest(crossover, { data, instruments: [sym], ledger: { startingCash: 1_000_000 }, equityEvery: 1000 });
  const u = process.cpuUsage(c);
  return { seconds: (performance.now() - t) / 1000, cpu: (u.user + u.system) / 1e6, fills: r.summary.fills, equity: r.summary.finalEquity.toFixed(2) };
}

/** A child process: one backtest of one kind, reporting its peak resident memory. */
async function child(kind: string, root: string): Promise<void> {
  let r;
  if (kind === 'memory') {
    const bars = [...synthetic(sym.id, N)];
    r = await backtest(bars);
  } else {
    const catalog = await ParquetCatalog.open(root);
    r = await backtest(catalog.query({ dataType: 'bars', instruments: [sym] }));
    catalog.close();
  }
  console.log(JSON.stringify({ ...r, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
}

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'catalog-bench-'));
  try {
    console.log(`catalog bench: ${N.toLocaleString('en')} bars, ${REPS} repetitions, Node ${process.version}`);

    // 2. Write throughput.
    const writes: number[] = [];
    const writeCpu: number[] = [];
    for (let rep = 0; rep < REPS; rep++) {
      const dir = join(root, `w${rep}`);
      const catalog = await ParquetCatalog.open(dir);
      const t = performance.now();
      const c = process.cpuUsage();
      const batch = 1_000_000;
      let k = 0;
      for (const bars = synthetic(sym.id, N); k < N; k += batch) {
        await catalog.write((function* () {
          for (let i = 0; i < batch && k + i < N; i++) {
            const b = bars.next();
            if (b.done) return;
            yield b.value;
          }
        })());
      }
      writes.push(N / ((performance.now() - t) / 1000));
      const u = process.cpuUsage(c);
      writeCpu.push(N / ((u.user + u.system) / 1e6));
      catalog.close();
      if (rep > 0) rmSync(dir, { recursive: true });
    }
    console.log(`write: ${fmt(median(writes))} bars/s (median of ${REPS}: ${writes.map(fmt).join(', ')}); per CPU second ${fmt(median(writeCpu))}`);
    const catalogRoot = join(root, 'w0');

    // 1. Backtest throughput, alternating, in this process. The array exists only for the in-memory run
    // (built before it, untimed, and released after it): a catalog run must not carry the collector's
    // work on N live bars that only the other run uses. Each run starts after a full collection.
    const catalog = await ParquetCatalog.open(catalogRoot);
    let bars: Bar[] | undefined;
    const fromCatalog = (): Promise<Run> => {
      collect();
      return backtest(catalog.query({ dataType: 'bars', instruments: [sym] }));
    };
    const inMemory = async (): Promise<Run> => {
      bars = [...synthetic(sym.id, N)];
      collect();
      try {
        return await backtest(bars);
      } finally {
        bars = undefined;
      }
    };
    const w1 = await inMemory();
    const w2 = await fromCatalog();
    if (w1.fills !== w2.fills || w1.equity !== w2.equity) throw new Error(`the runs differ: ${JSON.stringify(w1)} vs ${JSON.stringify(w2)}`);
    const mem: number[] = [];
    const cat: number[] = [];
    const memCpu: number[] = [];
    const catCpu: number[] = [];
    for (let rep = 0; rep < REPS; rep++) {
      const a = await inMemory();
      const b = await fromCatalog();
      mem.push(N / a.seconds);
      cat.push(N / b.seconds);
      memCpu.push(N / a.cpu);
      catCpu.push(N / b.cpu);
    }
    catalog.close();
    collect();
    const ratios = mem.map((m, i) => cat[i]! / m);
    console.log(`backtest (${w1.fills} fills, final equity ${w1.equity} both ways):`);
    console.log(`  in memory: ${fmt(median(mem))} bars/s (${mem.map(fmt).join(', ')})`);
    console.log(`  catalog:   ${fmt(median(cat))} bars/s (${cat.map(fmt).join(', ')})`);
    console.log(`  catalog / in memory, per repetition: ${ratios.map((r) => r.toFixed(2)).join(', ')}; median ${median(ratios).toFixed(2)}`);
    console.log(`  catalog / in memory: ${(median(cat) / median(mem)).toFixed(2)} (wall time); per CPU second: in memory ${fmt(median(memCpu))}, catalog ${fmt(median(catCpu))}, ratio ${(median(catCpu) / median(memCpu)).toFixed(2)}`);
    const self = fileURLToPath(import.meta.url);
    for (const kind of ['memory', 'catalog']) {
      const out = execFileSync(process.execPath, [...process.execArgv, self, String(N), '1', `--child=${kind}`, catalogRoot], { encoding: 'utf8', maxBuffer: 1 << 20 });
      const r = JSON.parse(out.trim().split('\n').at(-1)!) as { seconds: number; maxRssMb: number };
      console.log(`  peak RSS, ${kind === 'memory' ? 'in memory' : 'catalog  '}: ${r.maxRssMb.toFixed(0)} MB (fresh process, ${fmt(N / r.seconds)} bars/s)`);
    }
    rmSync(catalogRoot, { recursive: true });

    // 3. Query latency on 100 instruments x one year of hourly bars.
    const many = await ParquetCatalog.open(join(root, 'many'));
    const ids = Array.from({ length: 100 }, (_, i) => `I${String(i).padStart(3, '0')}.SIM` as InstrumentId);
    const year = Date.UTC(2023, 0, 1);
    for (const id of ids) await many.write(synthetic(id, 365 * 24, 3_600_000, year));
    const target = ids[42]!;
    const start = Date.UTC(2023, 5, 1);
    const end = Date.UTC(2023, 6, 1);
    const files = many.files({ dataType: 'bars', instruments: [target] }).map((f) => f.path);
    const duck = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' });
    const con = await duck.connect();
    const direct = async (): Promise<number> => {
      const r = await con.stream(`SELECT ts::DOUBLE, open, high, low, close, volume FROM read_parquet([${files.map((f) => `'${f}'`).join(', ')}]) WHERE ts >= ${start} AND ts < ${end}`);
      const out: Bar[] = [];
      for (;;) {
        const c = await r.fetchChunk();
        if (c === null || c.rowCount === 0) break;
        const v = [0, 1, 2, 3, 4, 5].map((i) => c.getColumnVector(i) as DuckDBDoubleVector);
        for (let j = 0; j < c.rowCount; j++)
          out.push({ type: 'Bar', instrumentId: target, ts: v[0]!.getItem(j)!, open: v[1]!.getItem(j)!, high: v[2]!.getItem(j)!, low: v[3]!.getItem(j)!, close: v[4]!.getItem(j)!, volume: v[5]!.getItem(j)! });
      }
      return out.length;
    };
    const viaCatalog = async (): Promise<number> => {
      let n = 0;
      for await (const b of many.query({ dataType: 'bars', instruments: [target], start, end })) if (b.ts >= start) n++;
      return n;
    };
    const lat = { catalog: [] as number[], sql: [] as number[] };
    let rows = 0;
    for (let rep = 0; rep < 2 + Math.max(5, REPS); rep++) {
      let t = performance.now();
      rows = await viaCatalog();
      const a = performance.now() - t;
      t = performance.now();
      const rows2 = await direct();
      const b = performance.now() - t;
      if (rows !== rows2) throw new Error(`row counts differ: ${rows} vs ${rows2}`);
      if (rep >= 2) {
        lat.catalog.push(a);
        lat.sql.push(b);
      }
    }
    con.closeSync();
    duck.closeSync();
    many.close();
    console.log(`query, 1 instrument x 1 month (${rows} bars) of 100 instruments x 1 year (hourly):`);
    console.log(`  catalog.query: ${median(lat.catalog).toFixed(1)} ms, DuckDB SQL on the same files: ${median(lat.sql).toFixed(1)} ms (medians of ${lat.sql.length})`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const childArg = process.argv.find((a) => a.startsWith('--child='));
if (childArg) await child(childArg.slice('--child='.length), process.argv.at(-1)!);
else await main();

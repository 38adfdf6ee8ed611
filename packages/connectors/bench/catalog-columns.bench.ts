/**
 * One instrument's bars read from a Parquet catalog as `Bar` objects (every event of `catalog.query`
 * collected into an array, read with `for await` and a chunk at a time) and as columns
 * (`catalog.barColumns`, a `Float64Array` per field). Alternating in one process, a full collection before each read; per way: the time of the
 * read (median of the repetitions, with the range) and the memory the result keeps alive, measured
 * after a full collection as the growth of the V8 heap plus the growth of the memory outside it that
 * typed arrays hold (`process.memoryUsage().arrayBuffers`), against the same measure before the read.
 * The objects and the columns are checked equal, field for field, bit for bit.
 *
 *   npx tsx --conditions=@rxtrade/source packages/connectors/bench/catalog-columns.bench.ts [bars=2000000] [repetitions=5]
 *
 * The catalog goes to the OS temporary folder (one instrument's minute bars, written in one go) and is
 * deleted at the end.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { BAR_COLUMN_FIELDS, instrumentId, MARKET_DATA_CHUNKS, type Bar, type BarColumns, type InstrumentId } from '@rxtrade/core';
import { ParquetCatalog } from '@rxtrade/connectors';

const N = Number(process.argv[2] ?? 2_000_000);
const REPS = Number(process.argv[3] ?? 5);
// A full garbage collection on demand (the flag set at run time, so that the bench needs no Node option).
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const ID = instrumentId('SYN.SIM');
const T0 = Date.UTC(2000, 0, 3);
const MIN = 60_000;

/** Minute bars of a random walk (xorshift32, so every run sees the same series). */
function* synthetic(id: InstrumentId, n: number): Generator<Bar> {
  let seed = 42;
  let price = 100;
  for (let i = 0; i < n; i++) {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    const open = price;
    price = Math.max(1, price * (1 + ((seed >>> 0) / 4294967296 - 0.5) * 0.002));
    const close = Math.round(price * 100) / 100;
    yield { type: 'Bar', instrumentId: id, ts: T0 + i * MIN, open, high: Math.max(open, close) + 0.01, low: Math.min(open, close) - 0.01, close, volume: (seed >>> 0) % 1000 };
  }
}

const used = (): number => {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};
const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const mb = (bytes: number): string => (bytes / 2 ** 20).toFixed(1);

/** Times `read` and measures what its result keeps alive; the result is released before returning. */
async function measure<T>(read: () => Promise<T>, check?: (result: T) => void): Promise<{ ms: number; retained: number }> {
  gc();
  gc();
  const before = used();
  const t = performance.now();
  let result: T | undefined = await read();
  const ms = performance.now() - t;
  gc();
  gc();
  const retained = used() - before;
  check?.(result);
  result = undefined;
  void result;
  return { ms, retained };
}

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'catalog-columns-bench-'));
  const catalog = await ParquetCatalog.open(root);
  try {
    let t = performance.now();
    await catalog.write(synthetic(ID, N));
    console.log(`wrote ${N.toLocaleString('en')} bars in ${((performance.now() - t) / 1000).toFixed(1)} s (${catalog.files().length} files)`);

    const objects = async (): Promise<Bar[]> => {
      const out: Bar[] = [];
      for await (const bar of catalog.query({ dataType: 'bars', instruments: [ID] })) out.push(bar);
      return out;
    };
    // The same objects a chunk at a time (MARKET_DATA_CHUNKS, as runBacktest reads a query): no Promise per bar.
    const chunked = async (): Promise<Bar[]> => {
      const out: Bar[] = [];
      const chunks = catalog.query({ dataType: 'bars', instruments: [ID] })[MARKET_DATA_CHUNKS]();
      for (let r = await chunks.next(); !r.done; r = await chunks.next()) for (const bar of r.value) out.push(bar);
      return out;
    };
    const columns = (): Promise<BarColumns> => catalog.barColumns({ instrument: ID });

    // The two ways give the same numbers (checked once, outside the timed reads).
    t = performance.now();
    await (async () => {
      const a = await objects();
      const b = await columns();
      if (a.length !== N || b.length !== N) throw new Error(`read ${a.length} objects and ${b.length} columns, expected ${N}`);
      for (let i = 0; i < N; i++) for (const f of BAR_COLUMN_FIELDS) if (!Object.is(a[i]![f], b[f][i])) throw new Error(`row ${i}: ${f} ${a[i]![f]} != ${b[f][i]}`);
    })();
    console.log(`checked: the same ${N.toLocaleString('en')} bars both ways, bit for bit (${((performance.now() - t) / 1000).toFixed(1)} s, warm-up)`);

    const WAYS = ['objects', 'chunks', 'columns'] as const;
    const read = { objects, chunks: chunked, columns } as const;
    const rows = Object.fromEntries(WAYS.map((w) => [w, { ms: [] as number[], retained: [] as number[] }])) as Record<(typeof WAYS)[number], { ms: number[]; retained: number[] }>;
    for (let r = 0; r < REPS; r++) {
      // Alternating, the order rotated each repetition.
      for (let k = 0; k < WAYS.length; k++) {
        const way = WAYS[(r + k) % WAYS.length]!;
        const m = await measure<{ length: number }>(read[way], (x) => void (x.length === N || fail(way)));
        rows[way].ms.push(m.ms);
        rows[way].retained.push(m.retained);
      }
    }
    console.log(`\n${N.toLocaleString('en')} bars of one instrument, ${REPS} repetitions alternating (Node ${process.version}):`);
    console.log('| read as | time, median (range) | M bars/s | memory kept by the result, median | bytes a bar |');
    console.log('| --- | --- | --- | --- | --- |');
    const labels = { objects: '`Bar` objects: `for await` over `query`, into an array', chunks: '`Bar` objects: `query` a chunk at a time, into an array', columns: '`BarColumns`: `barColumns`' };
    for (const way of WAYS) {
      const { ms, retained } = rows[way];
      console.log(
        `| ${labels[way]} | ${median(ms).toFixed(0)} ms (${Math.min(...ms).toFixed(0)} to ${Math.max(...ms).toFixed(0)}) | ${(N / median(ms) / 1000).toFixed(2)} | ${mb(median(retained))} MB | ${(median(retained) / N).toFixed(1)} |`,
      );
    }
    for (const way of ['objects', 'chunks'] as const)
      console.log(
        `columns against ${way}: ${(median(rows[way].ms) / median(rows.columns.ms)).toFixed(2)}x the speed, ${(median(rows[way].retained) / median(rows.columns.retained)).toFixed(2)}x less memory kept`,
      );
  } finally {
    catalog.close();
    rmSync(root, { recursive: true, force: true });
  }
}

function fail(way: string): never {
  throw new Error(`${way}: wrong number of bars`);
}

await main();

/**
 * Appends per second and append latency of `FileJournal` for each fsync policy, with a typical
 * `OrderFilled` record (about 380 bytes framed), as ratios against hand-written baselines in the same
 * process on the same disk:
 *
 *   npx tsx --conditions=@rxtrade/source packages/execution/bench/journal.bench.ts
 *
 * 1. One writer awaiting each append (what a node does when it journals a command before sending it):
 *    p50 and p99 latency and appends/s for 'always', 'batch' and 'never'. Baselines: the same frame
 *    bytes written with `fs.writeSync` + `fs.fdatasyncSync` (for 'always' and 'batch'), and with
 *    `fs.writeSync` alone (for 'never').
 * 2. 1,000 appends in flight at once (many strategies journaling at the same time): appends/s and
 *    fsyncs per append for each policy; 'batch' against 'always' is the group-commit gain.
 *
 * Every figure is the median of 5 repetitions after a warm-up.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FileJournal, nodeJournalFs, encodeJournalEntry, type FileJournalConfig, type JournalFs } from '../src/index';
import { encodeFrame } from '../src/journal/frame';
import { fillEntry } from '../src/journal/__fixtures__/journal-entries';

const REPS = 5;
const SEQUENTIAL = { always: 400, batch: 400, never: 20_000 } as const;
const CONCURRENT = 5_000;
const IN_FLIGHT = 1_000;

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
const dirs: string[] = [];
const tmp = (label: string): string => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `rxtrade-journal-bench-${label}-`));
  dirs.push(dir);
  return dir;
};
// Removed at the end only, so that no deletion (nor the disk's discard of it) runs between measured runs.
const cleanUp = (): void => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true }));

interface Run {
  readonly perSecond: number;
  readonly p50us: number;
  readonly p99us: number;
  readonly syncsPerAppend: number;
}

function summarize(label: string, runs: readonly Run[]): Run {
  const r: Run = {
    perSecond: median(runs.map((x) => x.perSecond)),
    p50us: median(runs.map((x) => x.p50us)),
    p99us: median(runs.map((x) => x.p99us)),
    syncsPerAppend: median(runs.map((x) => x.syncsPerAppend)),
  };
  console.log(
    `${label.padEnd(44)} ${Math.round(r.perSecond).toLocaleString('en-US').padStart(9)} appends/s   p50 ${r.p50us.toFixed(1).padStart(8)} µs   p99 ${r.p99us.toFixed(1).padStart(8)} µs   ${r.syncsPerAppend.toFixed(3)} fsyncs/append`,
  );
  return r;
}

function countingFs(): { fs: JournalFs; syncs: () => number } {
  let n = 0;
  return { fs: { ...nodeJournalFs, fdatasync: (fd) => (n++, nodeJournalFs.fdatasync(fd)) }, syncs: () => n };
}

async function sequential(config: Omit<FileJournalConfig, 'dir' | 'fs'>, n: number): Promise<Run> {
  const counting = countingFs();
  const journal = await FileJournal.open({ ...config, dir: tmp('seq'), fs: counting.fs });
  const lat: number[] = new Array(n);
  const s0 = counting.syncs();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const a = process.hrtime.bigint();
    await journal.append(fillEntry(i + 1));
    lat[i] = Number(process.hrtime.bigint() - a) / 1000;
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const syncs = counting.syncs() - s0;
  await journal.close();
  lat.sort((a, b) => a - b);
  return { perSecond: n / seconds, p50us: percentile(lat, 0.5), p99us: percentile(lat, 0.99), syncsPerAppend: syncs / n };
}

async function concurrent(config: Omit<FileJournalConfig, 'dir' | 'fs'>, n: number): Promise<Run> {
  const counting = countingFs();
  const journal = await FileJournal.open({ ...config, dir: tmp('conc'), fs: counting.fs });
  const lat: number[] = [];
  const s0 = counting.syncs();
  const t0 = process.hrtime.bigint();
  for (let done = 0; done < n; done += IN_FLIGHT) {
    await Promise.all(
      Array.from({ length: Math.min(IN_FLIGHT, n - done) }, (_, i) => {
        const a = process.hrtime.bigint();
        return journal.append(fillEntry(done + i + 1)).then(() => lat.push(Number(process.hrtime.bigint() - a) / 1000));
      }),
    );
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const syncs = counting.syncs() - s0;
  await journal.close();
  lat.sort((a, b) => a - b);
  return { perSecond: n / seconds, p50us: percentile(lat, 0.5), p99us: percentile(lat, 0.99), syncsPerAppend: syncs / n };
}

/** The floor: the same frames written (and synced) by hand, synchronously, one at a time. */
function baseline(sync: boolean, n: number): Run {
  const file = path.join(tmp('raw'), 'raw.bin');
  const fd = fs.openSync(file, 'w');
  const lat: number[] = new Array(n);
  let pos = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const a = process.hrtime.bigint();
    const frame = encodeFrame(i + 1, encodeJournalEntry(fillEntry(i + 1)));
    pos += fs.writeSync(fd, frame, 0, frame.length, pos);
    if (sync) fs.fdatasyncSync(fd);
    lat[i] = Number(process.hrtime.bigint() - a) / 1000;
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  fs.closeSync(fd);
  lat.sort((a, b) => a - b);
  return { perSecond: n / seconds, p50us: percentile(lat, 0.5), p99us: percentile(lat, 0.99), syncsPerAppend: sync ? 1 : 0 };
}

async function repeat<T>(fn: () => Promise<T> | T): Promise<T[]> {
  await fn(); // warm-up
  const out: T[] = [];
  for (let i = 0; i < REPS; i++) out.push(await fn());
  return out;
}

const frameBytes = encodeFrame(1, encodeJournalEntry(fillEntry(1))).length;
console.log(`record: OrderFilled, ${frameBytes} bytes framed; ${os.cpus().length} CPUs; medians of ${REPS}\n`);

console.log('one writer awaiting each append');
const rawSync = summarize('baseline: writeSync + fdatasyncSync', await repeat(() => baseline(true, SEQUENTIAL.always)));
const always = summarize("fsync 'always'", await repeat(() => sequential({ fsync: 'always' }, SEQUENTIAL.always)));
const batch = summarize("fsync 'batch'", await repeat(() => sequential({ fsync: 'batch' }, SEQUENTIAL.batch)));
const rawWrite = summarize('baseline: writeSync', await repeat(() => baseline(false, SEQUENTIAL.never)));
const never = summarize("fsync 'never'", await repeat(() => sequential({ fsync: 'never' }, SEQUENTIAL.never)));

console.log(`\n${IN_FLIGHT.toLocaleString('en-US')} appends in flight`);
const cAlways = summarize("fsync 'always'", await repeat(() => concurrent({ fsync: 'always' }, CONCURRENT / 5)));
const cBatch = summarize("fsync 'batch'", await repeat(() => concurrent({ fsync: 'batch' }, CONCURRENT)));
const cNever = summarize("fsync 'never'", await repeat(() => concurrent({ fsync: 'never' }, CONCURRENT)));

const x = (a: number, b: number): string => `${(a / b).toFixed(2)}x`;
console.log('\nratios');
console.log(`  'always' p50 latency / baseline write+fdatasync p50:       ${x(always.p50us, rawSync.p50us)}`);
console.log(`  'batch'  p50 latency / 'always' p50 (one writer):           ${x(batch.p50us, always.p50us)}`);
console.log(`  'never'  p50 latency / baseline write p50:                  ${x(never.p50us, rawWrite.p50us)}`);
console.log(`  'never'  appends/s / 'always' appends/s (one writer):       ${x(never.perSecond, always.perSecond)}`);
console.log(`  'batch'  appends/s / 'always' appends/s (${IN_FLIGHT} in flight):  ${x(cBatch.perSecond, cAlways.perSecond)}`);
console.log(`  'never'  appends/s / 'batch' appends/s (${IN_FLIGHT} in flight):   ${x(cNever.perSecond, cBatch.perSecond)}`);

cleanUp();

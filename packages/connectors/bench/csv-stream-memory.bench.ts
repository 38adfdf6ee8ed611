/**
 * Peak resident memory of `streamBarsCsv` on a CSV file of about 1 GB (larger than the in-memory
 * reader could hold as bars: about 23 million minute bars), against the same on a 1 MB file, and the
 * throughput of streaming against the in-memory `readBarsCsv` on a 50 MB file both can read.
 *
 *   npx tsx --conditions=@rxtrade/source packages/connectors/bench/csv-stream-memory.bench.ts [megabytes]
 *
 * The files are written to the OS temporary folder and deleted at the end (the run checks that the
 * disk has room first). Each memory figure comes from a fresh child process reporting
 * `process.resourceUsage().maxRSS`, since a peak never goes down; a child that loads the modules and
 * reads nothing gives Node's and tsx's own share, and the 1 GB file is streamed a second time with V8's
 * heap capped at 48 MB, which it could not survive if memory grew with the file. Throughput is measured in one child: one warm-up
 * each, then 5 alternating repetitions of each reader, medians, and their ratio.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statfsSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { instrumentId } from '@rxtrade/core';
import { readBarsCsv, streamBarsCsv } from '@rxtrade/connectors';

const id = instrumentId('SYN.SIM');
/** V8 old-space limit of the capped run: far below what the 1 GB file's bars would take in memory. */
const HEAP_CAP_MB = 48;

interface ChildReport {
  readonly mode: string;
  readonly file: string;
  readonly bars: number;
  readonly maxRssMb: number;
  readonly seconds: number;
  readonly streamRowsPerSecond?: number;
  readonly readRowsPerSecond?: number;
}

/** Writes `megabytes` of minute bars (epoch milliseconds, a random walk) and returns the row count. */
function writeCsv(path: string, megabytes: number): number {
  const fd = openSync(path, 'w');
  const target = megabytes * 1024 * 1024;
  let written = 0;
  let rows = 0;
  let ts = Date.UTC(2000, 0, 3);
  let price = 100;
  let seed = 42;
  const rand = (): number => {
    // xorshift32: deterministic, no allocation.
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 4294967296;
  };
  written += writeSync(fd, 'timestamp,open,high,low,close,volume\n');
  while (written < target) {
    let batch = '';
    for (let i = 0; i < 2_000; i++) {
      const open = price;
      price = Math.max(1, price * (1 + (rand() - 0.5) * 0.002));
      const high = Math.max(open, price) * (1 + rand() * 0.0005);
      const low = Math.min(open, price) * (1 - rand() * 0.0005);
      batch += `${ts},${open.toFixed(2)},${high.toFixed(2)},${low.toFixed(2)},${price.toFixed(2)},${Math.floor(rand() * 10_000)}\n`;
      ts += 60_000;
      rows++;
    }
    written += writeSync(fd, batch);
  }
  closeSync(fd);
  return rows;
}

async function streamCount(path: string): Promise<number> {
  let n = 0;
  for await (const bar of streamBarsCsv(path, { instrumentId: id })) if (bar.close > 0) n++;
  return n;
}

async function child(mode: string, file: string): Promise<void> {
  const t = performance.now();
  const out: Record<string, unknown> = { mode, file, bars: 0 };
  if (mode === 'stream') out.bars = await streamCount(file);
  else if (mode === 'read') out.bars = readBarsCsv(file, { instrumentId: id }).bars.length;
  else if (mode === 'throughput') {
    const rate = { stream: [] as number[], read: [] as number[] };
    const once = async (which: 'stream' | 'read'): Promise<number> => {
      const t0 = performance.now();
      const n = which === 'stream' ? await streamCount(file) : readBarsCsv(file, { instrumentId: id }).bars.length;
      out.bars = n;
      return n / ((performance.now() - t0) / 1000);
    };
    await once('stream');
    await once('read');
    for (let i = 0; i < 5; i++) {
      rate.stream.push(await once('stream'));
      rate.read.push(await once('read'));
    }
    out.streamRowsPerSecond = median(rate.stream);
    out.readRowsPerSecond = median(rate.read);
  }
  out.seconds = (performance.now() - t) / 1000;
  // maxRSS is in kilobytes.
  out.maxRssMb = process.resourceUsage().maxRSS / 1024;
  console.log(JSON.stringify(out));
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function runChild(mode: string, file: string, nodeFlags: readonly string[] = []): ChildReport {
  const self = fileURLToPath(import.meta.url);
  const text = execFileSync(process.execPath, [...nodeFlags, '--conditions=@rxtrade/source', '--import', 'tsx', self, '--child', mode, file], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 20,
  });
  return JSON.parse(text.trim().split('\n').pop()!) as ChildReport;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--child') return child(args[1]!, args[2]!);
  const bigMb = Number(args[0] ?? 1024);
  const fs = statfsSync(tmpdir());
  const freeMb = (fs.bavail * fs.bsize) / 2 ** 20;
  if (freeMb < bigMb + 51 + 512) throw new Error(`${tmpdir()} has ${freeMb.toFixed(0)} MB free; the bench needs ${bigMb + 51 + 512} MB`);
  const dir = mkdtempSync(join(tmpdir(), 'rxtrade-csv-bench-'));
  try {
    const files = { small: join(dir, 'small.csv'), mid: join(dir, 'mid.csv'), big: join(dir, 'big.csv') };
    const t = performance.now();
    const rows = { small: writeCsv(files.small, 1), mid: writeCsv(files.mid, 50), big: writeCsv(files.big, bigMb) };
    const size = (p: string): string => `${(statSync(p).size / 2 ** 20).toFixed(0)} MB`;
    console.log(`wrote ${size(files.small)}, ${size(files.mid)} and ${size(files.big)} (${rows.big.toLocaleString('en-US')} rows) in ${((performance.now() - t) / 1000).toFixed(0)} s`);

    const reports = [
      runChild('modules-only', files.small),
      runChild('stream', files.small),
      runChild('read', files.small),
      runChild('read', files.mid),
      runChild('stream', files.mid),
      runChild('stream', files.big),
      // The same with V8's heap capped: it completes, so the stream's memory is bounded, whatever V8
      // chooses to keep when it is not pressed.
      { ...runChild('stream', files.big, [`--max-old-space-size=${HEAP_CAP_MB}`]), mode: `stream, ${HEAP_CAP_MB} MB heap cap` },
    ];
    console.log('reader                      file      bars          peak RSS   time');
    const sizes: Record<string, string> = { [files.small]: size(files.small), [files.mid]: size(files.mid), [files.big]: size(files.big) };
    for (const r of reports)
      console.log(
        `${r.mode.padEnd(27)} ${sizes[r.file]!.padStart(7)}  ${r.bars.toLocaleString('en-US').padStart(11)}  ${r.maxRssMb.toFixed(0).padStart(6)} MB  ${r.seconds.toFixed(1).padStart(5)} s`,
      );
    const [, streamSmall, , , , streamBig] = reports;
    for (const r of reports.slice(5)) if (r.bars !== rows.big) throw new Error(`${r.mode}: streamed ${r.bars} bars of ${rows.big}`);
    console.log(`streamed peak RSS, ${size(files.big)} / ${size(files.small)} file: ${(streamBig!.maxRssMb / streamSmall!.maxRssMb).toFixed(2)}x`);

    const tp = runChild('throughput', files.mid);
    console.log(
      `${size(files.mid)} (${tp.bars.toLocaleString('en-US')} rows), median of 5: streamBarsCsv ${(tp.streamRowsPerSecond! / 1e6).toFixed(2)} M rows/s, ` +
        `readBarsCsv ${(tp.readRowsPerSecond! / 1e6).toFixed(2)} M rows/s, stream / read ${(tp.streamRowsPerSecond! / tp.readRowsPerSecond!).toFixed(2)}x`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();

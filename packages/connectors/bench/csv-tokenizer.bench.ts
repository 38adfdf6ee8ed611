/**
 * Bars per second of the bar CSV parser with its hand-written tokenizer against the same parser fed
 * by `csv-parse` (the maintained streaming CSV parser for Node), on GOOG's daily bars
 * (examples/sma-crossover/fixtures/goog.csv) repeated to about a million rows, dated one day apart so
 * that they stay in time order. Both sides validate every row with the same code (`BarsCsvParser`'s
 * `record`); only the splitting of text into fields differs, and the bars are checked to be equal.
 *
 *   npx tsx --conditions=@rxtrade/source packages/connectors/bench/csv-tokenizer.bench.ts [rows]
 *
 * Measured in one process, alternating the contenders, one warm-up each then 5 repetitions, medians:
 *
 * - in memory: `parseBarsCsv(text)` against csv-parse's `parse(text)` (its sync API) + the validator;
 * - streamed from a file: `streamBarsCsv` against `createReadStream().pipe(parse())` + the validator;
 * - the same file with every field quoted (`"2004-08-19","100.0",...`), in memory, where the
 *   hand-written tokenizer leaves its `split` fast path;
 * - tokenizing alone (no validation): records per second of `splitCsvRecord` per line against `parse`.
 */
import { createReadStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseStream } from 'csv-parse';
import { parse as parseSync } from 'csv-parse/sync';
import { instrumentId, parseBarsCsv, type Bar } from '@rxtrade/core';
import { streamBarsCsv } from '@rxtrade/connectors';
// Internal: the validator that both tokenizers feed. Not part of core's public API.
import { BarsCsvParser } from '../../core/src/data/bars-csv';
import { splitCsvRecord } from '../../core/src/data/csv-line';

const ROWS = Number(process.argv[2] ?? 1_000_000);
const REPS = 5;
const id = instrumentId('GOOG.NASDAQ');
const goog = fileURLToPath(new URL('../../../examples/sma-crossover/fixtures/goog.csv', import.meta.url));

/** goog.csv's rows, repeated to `rows`, dated one day apart from 1800-01-01 (any year up to 9999 reads). */
function repeatedGoog(rows: number, quoted: boolean): string {
  const source = readFileSync(goog, 'utf8').trim().split('\n');
  const header = source[0]!;
  const body = source.slice(1).map((line) => line.split(',').slice(1));
  const out: string[] = [quoted ? header.split(',').map((h) => `"${h}"`).join(',') : header];
  const day0 = Date.UTC(1800, 0, 1);
  for (let i = 0; i < rows; i++) {
    const date = new Date(day0 + i * 86_400_000).toISOString().slice(0, 10);
    const cells = [date, ...body[i % body.length]!];
    out.push(quoted ? cells.map((c) => `"${c}"`).join(',') : cells.join(','));
  }
  return out.join('\n') + '\n';
}

function handWritten(text: string): Bar[] {
  return parseBarsCsv(text, { instrumentId: id }).bars;
}

function viaCsvParse(text: string): Bar[] {
  const parser = new BarsCsvParser({ instrumentId: id }, undefined);
  const bars: Bar[] = [];
  const records: string[][] = parseSync(text, { relax_column_count: true });
  for (let i = 0; i < records.length; i++) parser.record(records[i]!, i + 1, bars);
  parser.end(bars);
  return bars;
}

async function streamHandWritten(path: string): Promise<number> {
  let n = 0;
  for await (const bar of streamBarsCsv(path, { instrumentId: id })) if (bar.close > 0) n++;
  return n;
}

async function streamCsvParse(path: string): Promise<number> {
  const parser = new BarsCsvParser({ instrumentId: id }, undefined);
  const ready: Bar[] = [];
  let n = 0;
  let row = 0;
  for await (const record of createReadStream(path, { highWaterMark: 256 * 1024 }).pipe(parseStream({ relax_column_count: true }))) {
    parser.record(record as string[], ++row, ready);
    for (const bar of ready) if (bar.close > 0) n++;
    ready.length = 0;
  }
  parser.end(ready);
  return n + ready.length;
}

function tokenizeHandWritten(text: string): number {
  let n = 0;
  let start = 0;
  for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
    const cells = splitCsvRecord(text.slice(start, nl), ',');
    if (typeof cells === 'object') n += cells.length > 0 ? 1 : 0;
    start = nl + 1;
  }
  return n;
}

function tokenizeCsvParse(text: string): number {
  return (parseSync(text, { relax_column_count: true }) as string[][]).length;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Alternates the contenders; returns each one's median rows per second. */
async function race(rows: number, contenders: Record<string, () => number | Promise<number>>): Promise<Record<string, number>> {
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]));
  for (let rep = -1; rep < REPS; rep++) {
    for (const [name, run] of Object.entries(contenders)) {
      globalThis.gc?.();
      const t = performance.now();
      const n = await run();
      const seconds = (performance.now() - t) / 1000;
      if (n < rows) throw new Error(`${name} returned ${n} of ${rows}`);
      if (rep >= 0) times[name]!.push(rows / seconds);
    }
  }
  return Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
}

const fmt = (x: number): string => `${(x / 1e6).toFixed(2)} M/s`;

async function main(): Promise<void> {
  const plain = repeatedGoog(ROWS, false);
  const quoted = repeatedGoog(ROWS, true);
  const a = handWritten(plain);
  const b = viaCsvParse(plain);
  if (a.length !== ROWS || JSON.stringify(a) !== JSON.stringify(b)) throw new Error('the two tokenizers disagree');
  if (JSON.stringify(handWritten(quoted)) !== JSON.stringify(a)) throw new Error('the quoted file reads differently');
  const dir = mkdtempSync(join(tmpdir(), 'rxtrade-bench-'));
  const file = join(dir, 'goog-repeated.csv');
  writeFileSync(file, plain);
  try {
    console.log(`${ROWS.toLocaleString('en-US')} rows (${(plain.length / 1e6).toFixed(1)} MB; quoted ${(quoted.length / 1e6).toFixed(1)} MB), Node ${process.version}, medians of ${REPS}`);
    const report = (what: string, r: Record<string, number>, mine: string, theirs: string): void =>
      console.log(`${what.padEnd(34)} hand-written ${fmt(r[mine]!).padStart(10)}   csv-parse ${fmt(r[theirs]!).padStart(10)}   ratio ${(r[mine]! / r[theirs]!).toFixed(2)}x`);
    report('bars/s, in memory', await race(ROWS, { hand: () => handWritten(plain).length, csv: () => viaCsvParse(plain).length }), 'hand', 'csv');
    report('bars/s, streamed from a file', await race(ROWS, { hand: () => streamHandWritten(file), csv: () => streamCsvParse(file) }), 'hand', 'csv');
    report('bars/s, every field quoted', await race(ROWS, { hand: () => handWritten(quoted).length, csv: () => viaCsvParse(quoted).length }), 'hand', 'csv');
    report('records/s, tokenizing alone', await race(ROWS, { hand: () => tokenizeHandWritten(plain), csv: () => tokenizeCsvParse(plain) }), 'hand', 'csv');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();

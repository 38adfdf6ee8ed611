/**
 * PostgresJournal against FileJournal('always') in the same run, on the same machine and disk: a
 * throwaway PostgreSQL cluster (tooling/test-kit/postgres.ts) with `fsync` on, reached over TCP on
 * 127.0.0.1 with password authentication, and a FileJournal directory in the same temporary
 * directory. The record is an `OrderFilled` (the execution journal's fixture, Decimals as strings).
 *
 *   npx tsx --conditions=@rxtrade/source packages/connectors/bench/journal-postgres.bench.ts
 *
 * 1. One writer awaiting each durable append (a node journaling a command before it sends it):
 *    appends/s and latency p50 / p99.
 * 2. 1,000 durable appends in flight at once: appends/s (PostgreSQL's group commit: one INSERT per
 *    group; FileJournal 'always': one fdatasync per record).
 *
 * Every figure is the median of 5 repetitions after a warm-up; the ratios are PostgreSQL / file.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Decimal, clientOrderId, instrumentId, strategyId, tradeId, venueOrderId } from '@rxtrade/core';
import { FileJournal, type Journal, type JournalEntry } from '@rxtrade/execution';
import { startPostgres } from '../../../tooling/test-kit/postgres';
import { PostgresJournal } from '../src/live/journal-postgres/postgres-journal';

const REPS = 5;
const SEQUENTIAL = 500;
const CONCURRENT = 5_000;
const IN_FLIGHT = 1_000;

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;

const fill = (n: number): JournalEntry => ({
  ts: n,
  kind: 'orderEvent',
  payload: {
    type: 'OrderFilled', tradeId: tradeId(`T-${n}`), clientOrderId: clientOrderId(`O-${n}`), venueOrderId: venueOrderId(`V-${n}`), strategyId: strategyId('mm-1'),
    instrumentId: instrumentId('BTCUSDT.BINANCE'), side: 'BUY', quantity: new Decimal('0.125'), price: new Decimal('42000.01'),
    commission: new Decimal('0.0000123456789'), commissionCurrency: 'BTC', liquiditySide: 'MAKER', ts: n, tsInit: n,
  },
});

interface Run {
  readonly perSecond: number;
  readonly p50us: number;
  readonly p99us: number;
}

async function sequential(journal: Journal, n: number): Promise<Run> {
  const lat: number[] = [];
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const s = process.hrtime.bigint();
    await journal.append(fill(i));
    lat.push(Number(process.hrtime.bigint() - s) / 1000);
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  lat.sort((a, b) => a - b);
  return { perSecond: n / seconds, p50us: percentile(lat, 0.5), p99us: percentile(lat, 0.99) };
}

async function concurrent(journal: Journal, n: number): Promise<Run> {
  const t0 = process.hrtime.bigint();
  let next = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < n) await journal.append(fill(next++));
    }),
  );
  return { perSecond: n / (Number(process.hrtime.bigint() - t0) / 1e9), p50us: NaN, p99us: NaN };
}

const server = await startPostgres({ fsync: true });
const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'rxtrade-journal-pg-bench-'));
let journals = 0;
const openPg = (): Promise<PostgresJournal> => PostgresJournal.open({ connectionString: server.connectionString, name: `bench-${++journals}` });
const openFile = (): Promise<FileJournal> => FileJournal.open({ dir: path.join(temp, `file-${++journals}`), fsync: 'always' });

try {
  const results: Record<string, Run[]> = { pgSeq: [], fileSeq: [], pgConc: [], fileConc: [] };
  // Warm-up: connections, the tables, the JIT.
  for (const open of [openPg, openFile]) {
    const j = await open();
    await sequential(j, 100);
    await concurrent(j, 500);
    await j.close();
  }
  for (let rep = 0; rep < REPS; rep++) {
    // Alternate which goes first, so that neither always runs on a warmer machine.
    const order = rep % 2 === 0 ? (['pg', 'file'] as const) : (['file', 'pg'] as const);
    for (const which of order) {
      const j: Journal = which === 'pg' ? await openPg() : await openFile();
      results[`${which}Seq`]!.push(await sequential(j, SEQUENTIAL));
      results[`${which}Conc`]!.push(await concurrent(j, CONCURRENT));
      await j.close();
    }
  }
  const m = (runs: Run[], k: keyof Run): number => median(runs.map((r) => r[k]));
  const line = (label: string, runs: Run[]): void =>
    console.log(`${label.padEnd(46)} ${Math.round(m(runs, 'perSecond')).toLocaleString('en-US').padStart(9)} appends/s${Number.isNaN(m(runs, 'p50us')) ? '' : `   p50 ${(m(runs, 'p50us') / 1000).toFixed(3)} ms   p99 ${(m(runs, 'p99us') / 1000).toFixed(3)} ms`}`);
  console.log(`PostgresJournal vs FileJournal('always'), medians of ${REPS} (PostgreSQL with fsync on, over TCP on 127.0.0.1, same disk)`);
  line('one writer, PostgreSQL', results['pgSeq']!);
  line("one writer, FileJournal 'always'", results['fileSeq']!);
  line(`${IN_FLIGHT} in flight, PostgreSQL (group commit)`, results['pgConc']!);
  line(`${IN_FLIGHT} in flight, FileJournal 'always'`, results['fileConc']!);
  const ratio = (a: number, b: number): string => `${(a / b).toFixed(2)}x`;
  console.log(
    `ratios PostgreSQL / file: one writer appends/s ${ratio(m(results['pgSeq']!, 'perSecond'), m(results['fileSeq']!, 'perSecond'))}, ` +
      `p50 ${ratio(m(results['pgSeq']!, 'p50us'), m(results['fileSeq']!, 'p50us'))}, p99 ${ratio(m(results['pgSeq']!, 'p99us'), m(results['fileSeq']!, 'p99us'))}; ` +
      `${IN_FLIGHT} in flight appends/s ${ratio(m(results['pgConc']!, 'perSecond'), m(results['fileConc']!, 'perSecond'))}`,
  );
} finally {
  await server.stop();
  fs.rmSync(temp, { recursive: true, force: true });
}

/**
 * `rxtrade data`: the commands run in this process through `dataMain` with captured streams; their figures
 * are checked against DuckDB SQL over the catalog's Parquet files and against the source files read
 * independently (line counts, a plain split of the CSV). One test starts the `rxtrade` command's entry
 * in a child process, to check the hand-over from `rxtrade data` and what only a process shows: its exit
 * code and its stderr.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveClock, dataQualityReport, instrumentId, type Bar } from '@rxtrade/core';
import { ParquetCatalog } from '../catalog/parquet-catalog';
import { readBarsCsv } from '../read-bars-csv';
import { dataMain } from './data-main';

const root = fileURLToPath(new URL('../../../..', import.meta.url));
const goog = join(root, 'examples/sma-crossover/fixtures/goog.csv');
const binance = join(root, 'packages/connectors/src/__fixtures__/bars-csv/binance-BTCUSDT-1h-2022-01.csv');
const cliEntry = join(root, 'packages/backtest/src/cli.ts');
const work = mkdtempSync(join(tmpdir(), 'rxtrade-data-cli-'));
const GOOG = 'GOOG.NASDAQ';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** `rxtrade data <args>` in this process, its streams captured (stderr a terminal when `tty`). */
async function data(args: readonly string[], options: { env?: Record<string, string>; tty?: boolean } = {}): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await dataMain(args, {
    stdout: { write: (t: string) => (stdout += t), isTTY: false },
    stderr: { write: (t: string) => (stderr += t), isTTY: options.tty === true, columns: 100 },
    clock: new LiveClock(),
    env: options.env ?? {},
    cwd: work,
  });
  return { code, stdout, stderr };
}

/** A successful `--json` run's one object. */
async function json(args: readonly string[]): Promise<Record<string, any>> {
  const run = await data([...args, '--json']);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  const lines = run.stdout.trim().split('\n');
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0]!);
}

/** A refused run: the exit code, nothing on stdout, one line naming the problem, then at most the --help pointer. */
function expectOneLineError(run: Run, code: number, message: RegExp): void {
  expect(run.code).toBe(code);
  expect(run.stdout).toBe('');
  const lines = run.stderr.replace(/\n$/, '').split('\n');
  expect(lines[0]).toMatch(message);
  expect(lines.length).toBeLessThanOrEqual(2);
  if (lines.length === 2) expect(lines[1]).toMatch(/^Run `rxtrade data( [a-z]+)? --help` for (its options|the subcommands)\.$/);
  expect(run.stderr).not.toMatch(/^\s+at /m);
}

/** Rows of SQL over Parquet files, through a DuckDB of the test's own. */
async function sql(query: string): Promise<unknown[][]> {
  const duck = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' });
  const con = await duck.connect();
  try {
    return (await con.runAndReadAll(query)).getRows();
  } finally {
    con.closeSync();
    duck.closeSync();
  }
}

/** Every file under a folder, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile() && f.endsWith('.parquet'));
}

/** The bars of a catalog series, read back through the library. */
async function barsOf(catalogDir: string, id: string): Promise<Bar[]> {
  const catalog = await ParquetCatalog.open(catalogDir);
  const out: Bar[] = [];
  for await (const b of catalog.query({ dataType: 'bars', instruments: [id] })) out.push(b);
  catalog.close();
  return out;
}

/** The GOOG file split by hand: the independent reading of it. */
const googRows = readFileSync(goog, 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => {
    const [date, open, high, low, close, volume] = line.split(',');
    return { ts: Date.parse(`${date}T00:00:00Z`), open: Number(open), high: Number(high), low: Number(low), close: Number(close), volume: Number(volume) };
  });

const cat = join(work, 'catalog');
let processRun: Promise<Run>;
let processBad: Promise<Run>;

beforeAll(async () => {
  const first = await json(['import', goog, '--instrument', GOOG, '--catalog', cat]);
  expect(first).toMatchObject({ command: 'import', instrumentId: GOOG, dataType: 'bars', rows: googRows.length, skipped: 0, replaced: 0, files: 5 });
  // The rxtrade command as a user runs it, from the repository root, started now and awaited by its test.
  const rxtrade = (args: string[]): Promise<Run> =>
    new Promise((done) => {
      execFile(process.execPath, ['--conditions=@rxtrade/source', '--import', 'tsx', cliEntry, ...args], { cwd: root, encoding: 'utf8' }, (error, stdout, stderr) => {
        done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
      });
    });
  processRun = rxtrade(['data', 'list', '--catalog', cat, '--json']);
  processBad = rxtrade(['data', 'inspect', '--catalog', cat, '--instrument', GOOG, '--start', '2006-13-01']);
});
afterAll(async () => {
  await Promise.all([processRun, processBad]);
  rmSync(work, { recursive: true, force: true });
});

describe('rxtrade data import and list', () => {
  it('lists each series with its first and last times, rows, files and size, as DuckDB and the disk see them', async () => {
    const out = await json(['list', '--catalog', cat]);
    const files = filesUnder(cat);
    const [[rows, first, last]] = (await sql(`SELECT count(*), min(ts), max(ts) FROM read_parquet('${cat}/bars/*/*/*.parquet')`)) as [[bigint, bigint, bigint]];
    expect(out.series).toEqual([
      {
        dataType: 'bars',
        instrumentId: GOOG,
        first: new Date(Number(first)).toISOString(),
        last: new Date(Number(last)).toISOString(),
        rows: Number(rows),
        files: files.length,
        bytes: files.reduce((s, f) => s + statSync(f).size, 0),
      },
    ]);
    expect(out.series[0].rows).toBe(googRows.length);
    expect(out.series[0].first).toBe('2004-08-19T00:00:00.000Z');
    expect(out.series[0].last).toBe('2008-10-14T00:00:00.000Z');
  });

  it('lists every file with --files, with rows per file that DuckDB counts', async () => {
    const out = await json(['list', '--catalog', cat, '--files']);
    expect(out.files).toHaveLength(5);
    const counted = (await sql(`SELECT year(make_timestamp(ts * 1000)) y, count(*) FROM read_parquet('${cat}/bars/*/*/*.parquet') GROUP BY y ORDER BY y`)) as [number, bigint][];
    expect(out.files.map((f: { year: number; rows: number }) => [f.year, f.rows])).toEqual(counted.map(([y, n]) => [Number(y), Number(n)]));
    expect(out.files[2].path).toBe('bars/GOOG.NASDAQ/2006/20060103T000000.000Z_20061229T000000.000Z.parquet');
  });

  it('prints a readable table, and reads the catalog folder from RXTRADE_CATALOG', async () => {
    const run = await data(['list'], { env: { RXTRADE_CATALOG: cat } });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^instrument +type +first +last +rows +files +size$/m);
    expect(run.stdout).toMatch(/^GOOG\.NASDAQ +bars +2004-08-19T00:00:00\.000Z +2008-10-14T00:00:00\.000Z +1,047 +5 +[\d.]+ KiB$/m);
    expect(run.stdout).toMatch(/^1 series, 1,047 rows in 5 files/m);
  });

  it('stores exactly the bars of the file', async () => {
    const bars = await barsOf(cat, GOOG);
    expect(bars.map(({ ts, open, high, low, close, volume }) => ({ ts, open, high, low, close, volume }))).toEqual(googRows);
  });

  it('refuses a second import of the same range, naming --on-overlap; skip and replace merge it', async () => {
    expectOneLineError(
      await data(['import', goog, '--instrument', GOOG, '--catalog', cat]),
      2,
      /^rxtrade data import: bars of GOOG\.NASDAQ from 2004-08-19T00:00:00\.000Z to 2008-10-14T00:00:00\.000Z are already in the catalog: pass --on-overlap replace .* --on-overlap skip/,
    );
    expect(await json(['import', goog, '--instrument', GOOG, '--catalog', cat, '--on-overlap', 'skip'])).toMatchObject({ rows: 0, skipped: 1047, replaced: 0, files: 0 });
    const copy = join(work, 'replace');
    await json(['import', goog, '--instrument', GOOG, '--catalog', copy]);
    expect(await json(['import', goog, '--instrument', GOOG, '--catalog', copy, '--on-overlap', 'replace'])).toMatchObject({ rows: 1047, skipped: 0, replaced: 1047 });
  });

  it('imports a Binance klines file with --format binance', async () => {
    const dir = join(work, 'binance');
    const out = await json(['import', binance, '--format', 'binance', '--instrument', 'BTCUSDT.BINANCE', '--catalog', dir]);
    const lines = readFileSync(binance, 'utf8').trim().split('\n');
    expect(out.rows).toBe(lines.length);
    const bars = await barsOf(dir, 'BTCUSDT.BINANCE');
    const [t, o, h, l, c, v] = lines[0]!.split(',').map(Number);
    expect(bars[0]).toMatchObject({ ts: t, open: o, high: h, low: l, close: c, volume: v });
  });

  it('maps columns with --columns and counts the rows --on-invalid skip leaves out', async () => {
    const file = join(work, 'odd.csv');
    writeFileSync(file, 'when;o;h;l;c\n01.02.2024;10,5;11;10;10,75\n02.02.2024;x;11;10;10\n05.02.2024;10,75;12;10,5;11,25\n');
    const dir = join(work, 'odd');
    const out = await json([
      'import', file, '--instrument', 'ODD.X', '--catalog', dir, '--delimiter', ';', '--decimal', ',', '--timestamp-format', 'DD.MM.YYYY',
      '--columns', '{"time":"when","open":"o","high":"h","low":"l","close":"c"}', '--on-invalid', 'skip',
    ]);
    expect(out).toMatchObject({ rows: 2, invalid: 1 });
    const bars = await barsOf(dir, 'ODD.X');
    expect(bars.map((b) => [new Date(b.ts).toISOString().slice(0, 10), b.open, b.close, b.volume])).toEqual([
      ['2024-02-01', 10.5, 10.75, 0],
      ['2024-02-05', 10.75, 11.25, 0],
    ]);
  });

  it('imports bars and trades from Parquet files written elsewhere', async () => {
    const file = join(work, 'trades.parquet');
    await sql(`COPY (SELECT * FROM (VALUES (1709251200000, 62000.5, 0.25, 'b1'), (1709251200250, 62001.0, 1.5, 'b2'), (1709251201000, 61999.75, 0.5, 'b3')) t(time, px, qty, id)) TO '${file}' (FORMAT parquet)`);
    const dir = join(work, 'pq');
    const out = await json(['import', file, '--type', 'trades', '--instrument', 'BTCUSDT.BINANCE', '--catalog', dir, '--columns', '{"ts":"time","price":"px","size":"qty","tradeId":"id"}']);
    expect(out).toMatchObject({ dataType: 'trades', rows: 3 });
    const inspected = await json(['inspect', '--type', 'trades', '--instrument', 'BTCUSDT.BINANCE', '--catalog', dir]);
    expect(inspected.fields.price).toEqual({ min: 61999.75, max: 62001.0, mean: (62000.5 + 62001.0 + 61999.75) / 3 });
    expect(inspected.fields.size.max).toBe(1.5);
    expect(inspected.spacing).toMatchObject({ minMs: 250, maxMs: 750 });
    expect(inspected.head.map((r: { trade_id: string }) => r.trade_id)).toEqual(['b1', 'b2', 'b3']);
  });

  it('names the flag of a bad column mapping, a CSV-only option on Parquet, and a missing file', async () => {
    expectOneLineError(await data(['import', goog, '--instrument', GOOG, '--catalog', join(work, 'x'), '--columns', '{time:1}']), 2, /^rxtrade data import: --columns: "\{time:1\}" is not JSON/);
    expectOneLineError(
      await data(['import', goog, '--instrument', GOOG, '--catalog', join(work, 'x'), '--columns', '{"adjClose":"Adj Clse"}', '--price', 'adjClose']),
      2,
      /^rxtrade data import: invalid input: .*--columns\.adjClose: no column "Adj Clse" in the header: Date, Open, High, Low, Close, Volume/,
    );
    expectOneLineError(await data(['import', join(work, 'trades.parquet'), '--instrument', 'A.B', '--catalog', join(work, 'x'), '--delimiter', ';']), 2, /^rxtrade data import: --delimiter is an option of CSV files/);
    expectOneLineError(await data(['import', join(work, 'none.csv'), '--instrument', 'A.B', '--catalog', join(work, 'x')]), 2, /^rxtrade data import: <file>: .*none\.csv: no such file$/);
    expectOneLineError(await data(['import', goog, '--catalog', join(work, 'x')]), 2, /^rxtrade data import: --instrument <id> is required/);
    expectOneLineError(await data(['import', goog, '-i', GOOG, '--catalog', join(work, 'x'), '--format', 'yahooo']), 2, /^rxtrade data import: --format: "yahooo" is not one of yahoo, binance, metatrader4, metatrader5$/);
  });

  it('draws progress on stderr when it is a terminal, and nothing when it is not', async () => {
    const tty = await data(['import', goog, '--instrument', GOOG, '--catalog', join(work, 'tty')], { tty: true });
    expect(tty.code).toBe(0);
    expect(stripVTControlCharacters(tty.stderr)).toMatch(/import 1047 bars +[\d.k]+\/s +\d+s elapsed/);
    const plain = await data(['import', goog, '--instrument', GOOG, '--catalog', join(work, 'plain')]);
    expect(plain.stderr).toBe('');
    expect(plain.stdout).toBe('imported 1,047 bars of GOOG.NASDAQ from ' + relative(work, goog) + '; 5 files written\n');
  });
});

describe('rxtrade data inspect', () => {
  it('gives the statistics DuckDB computes over the same rows, and the first and last rows of the file', async () => {
    const out = await json(['inspect', '--instrument', GOOG, '--catalog', cat, '--rows', '3']);
    const [[n, minLow, maxHigh, meanClose, sumVolume, minStep, maxStep]] = (await sql(
      `SELECT count(*), min(low), max(high), avg(close), sum(volume), min(step), max(step) FROM (SELECT *, ts - lag(ts) OVER (ORDER BY ts) AS step FROM read_parquet('${cat}/bars/*/*/*.parquet'))`,
    )) as [[bigint, number, number, number, number, bigint, bigint]];
    const [[typical, typicalCount, steps]] = (await sql(
      `SELECT step, count(*), sum(count(*)) OVER () FROM (SELECT ts - lag(ts) OVER (ORDER BY ts) AS step FROM read_parquet('${cat}/bars/*/*/*.parquet')) WHERE step IS NOT NULL GROUP BY step ORDER BY count(*) DESC LIMIT 1`,
    )) as [[bigint, bigint, number]];
    expect(out.rows).toBe(Number(n));
    expect(out.files).toBe(5);
    expect(out.fields.low.min).toBe(minLow);
    expect(out.fields.high.max).toBe(maxHigh);
    expect(out.fields.close.mean).toBeCloseTo(meanClose, 9);
    expect(out.fields.volume.mean * out.rows).toBeCloseTo(sumVolume, 0);
    expect(out.spacing).toMatchObject({ typicalMs: Number(typical), minMs: Number(minStep), maxMs: Number(maxStep), sameTime: 0 });
    expect(out.spacing.typicalShare).toBeCloseTo(Number(typicalCount) / Number(steps), 12);
    expect(out.change).toBeCloseTo(googRows.at(-1)!.close / googRows[0]!.open - 1, 12);
    const asRow = (r: (typeof googRows)[number]) => ({ time: new Date(r.ts).toISOString(), open: r.open, high: r.high, low: r.low, close: r.close, volume: r.volume });
    expect(out.head).toEqual(googRows.slice(0, 3).map(asRow));
    expect(out.tail).toEqual(googRows.slice(-3).map(asRow));
  });

  it('reads a range from --start (included) to --end (excluded)', async () => {
    const out = await json(['inspect', '-i', GOOG, '--catalog', cat, '--start', '2006-01-01', '--end', '2006-02-01T00:00:00Z', '--rows', '0']);
    const january = googRows.filter((r) => r.ts >= Date.UTC(2006, 0, 1) && r.ts < Date.UTC(2006, 1, 1));
    expect(out.rows).toBe(january.length);
    expect(out.first).toBe('2006-01-03T00:00:00.000Z');
    expect(out.fields.high.max).toBe(Math.max(...january.map((r) => r.high)));
    expect(out.head).toEqual([]);
  });

  it('prints a readable summary with the head and the tail', async () => {
    const run = await data(['inspect', '-i', GOOG, '--catalog', cat]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^ {2}rows +1,047 in 5 files$/m);
    expect(run.stdout).toMatch(/^ {2}spacing +1d typical \(\d+\.\d% of steps\), 1d smallest, 5d largest$/m);
    expect(run.stdout).toMatch(/^ {2}2004-08-19T00:00:00\.000Z +100 +104\.06 +95\.96 +100\.34 +22351900$/m);
    expect(run.stdout).toMatch(/^ {2}\.\.\. 1,037 more rows$/m);
    expect(run.stdout).toMatch(/^ {2}2008-10-14T00:00:00\.000Z +393\.53 +394\.5 +357 +362\.71 +7784800$/m);
  });

  it('names the instrument the catalog does not hold, and a bad time', async () => {
    expectOneLineError(await data(['inspect', '-i', 'GOOG.NYSE', '--catalog', cat]), 2, /^rxtrade data inspect: --instrument: the catalog holds no bars of GOOG\.NYSE \(it holds GOOG\.NASDAQ\)$/);
    expectOneLineError(await data(['inspect', '-i', GOOG, '--catalog', cat, '--start', '2006-02-30']), 2, /^rxtrade data inspect: --start: "2006-02-30" is not a time: there is no such day/);
    expectOneLineError(await data(['inspect', '-i', GOOG, '--catalog', cat, '--start', 'yesterday']), 2, /^rxtrade data inspect: --start: "yesterday" is not a time: write 2024-01-31/);
    expectOneLineError(await data(['inspect', '-i', GOOG, '--catalog', cat, '--start', '2007-01-01', '--end', '2006-01-01']), 2, /^rxtrade data inspect: --end: 2006-01-01 is before --start 2007-01-01$/);
    expectOneLineError(await data(['inspect', '-i', GOOG, '--catalog', join(work, 'nowhere')]), 2, /^rxtrade data inspect: --catalog: no catalog at .*nowhere \(no such folder\)$/);
    expect(existsSync(join(work, 'nowhere'))).toBe(false);
  });
});

describe('rxtrade data export', () => {
  it('writes a CSV range that imports back to the same bars', async () => {
    const out = await json(['export', '-i', GOOG, '--catalog', cat, '--start', '2006-01-01', '--end', '2007-01-01', '--out', 'goog-2006.csv']);
    const file = join(work, 'goog-2006.csv');
    const year = googRows.filter((r) => r.ts >= Date.UTC(2006, 0, 1) && r.ts < Date.UTC(2007, 0, 1));
    expect(out).toMatchObject({ format: 'csv', out: file, rows: year.length, bytes: statSync(file).size });
    const text = readFileSync(file, 'utf8');
    expect(text.split('\n')[0]).toBe('time,open,high,low,close,volume');
    expect(text.split('\n')[1]).toBe('2006-01-03T00:00:00.000Z,422.52,435.67,418.22,435.23,13121200');
    const back = readBarsCsv(file, { instrumentId: instrumentId(GOOG) }).bars;
    expect(back.map(({ ts, open, high, low, close, volume }) => ({ ts, open, high, low, close, volume }))).toEqual(year);
  });

  it('writes Parquet in the catalog columns, which DuckDB reads and import --from parquet takes back', async () => {
    const file = join(work, 'goog.parquet');
    const out = await json(['export', '-i', GOOG, '--catalog', cat, '--out', file]);
    expect(out).toMatchObject({ format: 'parquet', rows: 1047 });
    const [[n, sumClose, firstTs]] = (await sql(`SELECT count(*), sum(close), first(ts) FROM read_parquet('${file}')`)) as [[bigint, number, bigint]];
    expect(Number(n)).toBe(1047);
    expect(sumClose).toBeCloseTo(googRows.reduce((s, r) => s + r.close, 0), 6);
    expect(Number(firstTs)).toBe(googRows[0]!.ts);
    const dir = join(work, 'roundtrip');
    expect(await json(['import', file, '--instrument', GOOG, '--catalog', dir])).toMatchObject({ dataType: 'bars', rows: 1047 });
    expect(await barsOf(dir, GOOG)).toEqual(await barsOf(cat, GOOG));
  });

  it('refuses to overwrite without --overwrite, and order books to CSV', async () => {
    writeFileSync(join(work, 'taken.csv'), 'keep me');
    expectOneLineError(await data(['export', '-i', GOOG, '--catalog', cat, '--out', 'taken.csv']), 2, /^rxtrade data export: --out: .*taken\.csv exists: pass --overwrite to replace it$/);
    expect(readFileSync(join(work, 'taken.csv'), 'utf8')).toBe('keep me');
    expect(await json(['export', '-i', GOOG, '--catalog', cat, '--out', 'taken.csv', '--overwrite', '--end', '2004-08-21'])).toMatchObject({ rows: 2 });
    expectOneLineError(await data(['export', '-i', GOOG, '--catalog', cat, '--type', 'book-deltas', '--out', 'book.csv']), 2, /^rxtrade data export: --to csv: book-deltas hold lists of levels per row: export them with --to parquet$/);
    expectOneLineError(await data(['export', '-i', GOOG, '--catalog', cat, '--out', 'goog.txt']), 2, /^rxtrade data export: --out: goog\.txt ends in neither \.csv nor \.parquet/);
    expect(readdirSync(work).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('rxtrade data quality', () => {
  const nyse = { calendar: { type: 'session', timeZone: 'America/New_York', open: '09:30', close: '16:00', dailyTs: 'date' } } as const;
  const options = join(work, 'nyse.json');
  beforeAll(() => writeFileSync(options, JSON.stringify(nyse)));

  it("gives core's report of the stored bars, and counts missing sessions as a hand count of weekdays does", async () => {
    const run = await data(['quality', '-i', GOOG, '--catalog', cat, '--options', 'nyse.json', '--interval', '1d', '--json']);
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout);
    const bars = readBarsCsv(goog, { instrumentId: instrumentId(GOOG) }).bars;
    expect(out.reports).toEqual([JSON.parse(JSON.stringify(dataQualityReport(bars, { ...nyse, intervalMs: 86_400_000 })))]);
    let weekdays = 0;
    for (let t = googRows[0]!.ts; t <= googRows.at(-1)!.ts; t += 86_400_000) if (![0, 6].includes(new Date(t).getUTCDay())) weekdays++;
    expect(out.reports[0].instruments[0]).toMatchObject({ instrumentId: GOOG, bars: 1047, expectedBars: weekdays, missingBars: weekdays - 1047, status: 'warning' });
    expect(out.status).toBe('warning');
  });

  it('exits 1 under --fail-on when the report is that severe, and writes a standalone HTML page', async () => {
    const html = join(work, 'quality.html');
    const run = await data(['quality', '--catalog', cat, '--options', options, '--fail-on', 'warning', '--html', 'quality.html']);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^Data quality: warning$/m);
    expect(run.stdout).toMatch(/^GOOG\.NASDAQ: 1,047 bars, 2004-08-19 to 2008-10-14; [\d,]+ expected, [\d,]+ missing; warning$/m);
    expect(run.stdout).toContain(`wrote ${html}`);
    const page = readFileSync(html, 'utf8');
    expect(page).toMatch(/^<!doctype html>/);
    expect(page).toContain('<title>Data quality: warning</title>');
    expect(page).toContain('<h2>GOOG.NASDAQ <span class="tag warning">warning</span></h2>');
    expect(page).not.toMatch(/<script|<link|https?:/);
    expect((await data(['quality', '--catalog', cat, '--options', options, '--fail-on', 'error'])).code).toBe(0);
  });

  it('names a bad option of the file, a bad interval and an instrument the catalog does not hold', async () => {
    writeFileSync(join(work, 'bad-quality.json'), JSON.stringify({ priceJumps: { kk: 4 } }));
    expectOneLineError(await data(['quality', '--catalog', cat, '--options', 'bad-quality.json']), 2, /^rxtrade data quality: invalid input: bad-quality\.json: priceJumps\.kk: unknown option/);
    expectOneLineError(await data(['quality', '--catalog', cat, '--interval', '7x']), 2, /^rxtrade data quality: --interval: "7x" is not an interval: write 1m, 5m, 1h, 1d or milliseconds$/);
    expectOneLineError(await data(['quality', '--catalog', cat, '-i', 'GOOG.NASDAQ,MSFT.NASDAQ']), 2, /^rxtrade data quality: --instrument: the catalog holds no bars of MSFT\.NASDAQ \(it holds GOOG\.NASDAQ\)$/);
  });
});

describe('rxtrade data command line', () => {
  it('names an unknown subcommand or flag and the nearest known one', async () => {
    expectOneLineError(await data(['lst']), 2, /^rxtrade data: unknown subcommand "lst"; did you mean "list"\?$/);
    expectOneLineError(await data(['list', '--catalg', cat]), 2, /^rxtrade data list: unknown option --catalg; did you mean "--catalog"\?$/);
    expectOneLineError(await data([]), 2, /^rxtrade data: missing subcommand: one of import, /);
    expectOneLineError(await data(['list']), 2, /^rxtrade data list: --catalog <folder> is required \(or set RXTRADE_CATALOG\)$/);
  });

  it('prints the help of a subcommand', async () => {
    const run = await data(['export', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: rxtrade data export --instrument <id> --out/);
    expect(run.stdout).toContain('--overwrite');
  });

  it('runs as `rxtrade data` in a process: the exit code, stdout and one line on stderr', async () => {
    const ok = await processRun;
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).series[0]).toMatchObject({ instrumentId: GOOG, rows: 1047 });
    const bad = await processBad;
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toBe('rxtrade data inspect: --start: "2006-13-01" is not a time: there is no such day or time of day\nRun `rxtrade data inspect --help` for its options.\n');
  });
});

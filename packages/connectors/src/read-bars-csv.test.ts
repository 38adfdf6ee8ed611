import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { instrumentId, ValidationError, type Bar, type SkippedRow } from '@rxtrade/core';
import { ReadBarsCsvOptionsSchema, readBarsCsv, streamBarsCsv } from './read-bars-csv';

const goog = fileURLToPath(new URL('../../../examples/sma-crossover/fixtures/goog.csv', import.meta.url));

describe('readBarsCsv', () => {
  it('reads the GOOG fixture: 1047 bars from 2004-08-19 to 2008-10-14', () => {
    const { bars, pricePrecision } = readBarsCsv(goog, { instrumentId: instrumentId('GOOG.NASDAQ') });
    expect(bars).toHaveLength(1047);
    expect(bars[0]).toMatchObject({ ts: Date.UTC(2004, 7, 19), open: 100, high: 104.06, low: 95.96, close: 100.34, volume: 22351900 });
    expect(bars.at(-1)).toMatchObject({ ts: Date.UTC(2008, 9, 14), close: 362.71 });
    expect(pricePrecision).toBe(2);
  });

  it('names the file, row and field of a bad row', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rxtrade-'));
    const path = join(dir, 'bad.csv');
    writeFileSync(path, 'date,open,high,low,close,volume\n2024-01-02,1,2,0.5,1.5,10\n2024-01-03,1,0.5,2,1,10\n');
    expect(() => readBarsCsv(path, { instrumentId: instrumentId('X.SIM') })).toThrow(ValidationError);
    expect(() => readBarsCsv(path, { instrumentId: instrumentId('X.SIM') })).toThrow(/^bad\.csv row 3: high: high \(0\.5\) is below low \(2\)/);
  });
});

describe('readBarsCsv options', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rxtrade-'));
  const path = join(dir, 'epoch.csv');
  const t0 = Date.UTC(2024, 0, 2);
  writeFileSync(path, `timestamp,open,high,low,close\n${t0 / 1000},1,2,0.5,1.5\n${t0 / 1000 + 60},1,2,0.5,1.5\n`);

  it('reads epoch seconds as seconds', () => {
    expect(readBarsCsv(path, { instrumentId: instrumentId('X.SIM') }).bars.map((b) => b.ts)).toEqual([t0, t0 + 60_000]);
  });

  it('rejects an unknown option, naming it', () => {
    expect(() => readBarsCsv(path, { instrumentId: instrumentId('X.SIM'), unit: 's' } as never)).toThrow(/options.*unit/);
    expect(ReadBarsCsvOptionsSchema.safeParse({ instrumentId: 'X.SIM', timestampUnit: 'ms', onInvalid: 'skip' }).success).toBe(true);
  });
});

describe('streamBarsCsv', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rxtrade-'));
  const collect = async (iterable: AsyncIterable<Bar>) => {
    const bars: Bar[] = [];
    for await (const bar of iterable) bars.push(bar);
    return bars;
  };

  it('yields the bars readBarsCsv returns for the GOOG fixture', async () => {
    const options = { instrumentId: instrumentId('GOOG.NASDAQ') };
    expect(await collect(streamBarsCsv(goog, options))).toEqual(readBarsCsv(goog, options).bars);
  });

  it('reads a CRLF file of several read chunks, row for row, and reports skipped rows', async () => {
    const path = join(dir, 'big.csv');
    const t0 = Date.UTC(2024, 0, 2);
    const rows = Array.from({ length: 30_000 }, (_, i) => `${t0 + i * 60_000},"${100 + (i % 7)}.25",108,99.5,101.125,${i}`);
    rows[12_345] = rows[12_345]!.replace('108', '0x6C');
    writeFileSync(path, ['ts,open,high,low,close,volume', ...rows].join('\r\n') + '\r\n');
    const skipped: SkippedRow[] = [];
    const options = { instrumentId: instrumentId('X.SIM'), onInvalid: 'skip' as const, onSkip: (s: SkippedRow) => skipped.push(s) };
    const bars = await collect(streamBarsCsv(path, options));
    expect(bars).toHaveLength(29_999);
    expect(bars).toEqual(readBarsCsv(path, options).bars);
    expect(skipped[0]).toEqual({ row: 12_347, field: 'high', message: expect.stringMatching(/not a decimal number: "0x6C"/) });
  });

  it('names the file, row and column of a bad row', async () => {
    const path = join(dir, 'bad.csv');
    writeFileSync(path, 'date,open,high,low,close\n2024-01-02,1,2,0.5,1.5\n2024-01-03,"1,000",2,0.5,1.5\n');
    await expect(collect(streamBarsCsv(path, { instrumentId: instrumentId('X.SIM') }))).rejects.toThrow(/^bad\.csv row 3: open: .*thousands separators/);
  });

  it('checks its options when called, before reading', () => {
    expect(() => streamBarsCsv(join(dir, 'absent.csv'), { instrumentId: instrumentId('X.SIM'), timestampUnit: 'seconds' } as never)).toThrow(ValidationError);
  });
});

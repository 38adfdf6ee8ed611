import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { instrumentId, ValidationError } from '@rxtrade/core';
import { readBarsCsv } from './read-bars-csv';

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

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { instrumentId, ValidationError } from '@rxtrade/core';
import { readBarsCsv, readBarsCsvColumns } from './read-bars-csv';

const goog = fileURLToPath(new URL('../../../examples/sma-crossover/fixtures/goog.csv', import.meta.url));

describe('readBarsCsvColumns', () => {
  it('reads the GOOG fixture to columns holding exactly the bars readBarsCsv returns', () => {
    const options = { instrumentId: instrumentId('GOOG.NASDAQ') };
    const objects = readBarsCsv(goog, options);
    const { columns, pricePrecision, skipped } = readBarsCsvColumns(goog, options);
    expect(columns.length).toBe(1047);
    expect([...columns]).toEqual(objects.bars);
    expect(columns.close[1046]).toBe(362.71);
    expect(pricePrecision).toBe(2);
    expect(skipped).toEqual([]);
  });

  it('names the file, row and field of a bad row, as readBarsCsv does, and refuses an unknown option', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rxtrade-'));
    const path = join(dir, 'bad.csv');
    writeFileSync(path, 'date,open,high,low,close,volume\n2024-01-02,1,2,0.5,1.5,10\n2024-01-03,1,0.5,2,1,10\n');
    expect(() => readBarsCsvColumns(path, { instrumentId: instrumentId('X.SIM') })).toThrow(/^bad\.csv row 3: high: high \(0\.5\) is below low \(2\)/);
    expect(() => readBarsCsvColumns(path, { instrumentId: instrumentId('X.SIM'), colums: {} } as never)).toThrow(ValidationError);
  });
});

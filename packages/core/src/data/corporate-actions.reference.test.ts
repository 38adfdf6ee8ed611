/**
 * Split and dividend adjustment of GOOG's daily bars (2004-2008) against an independent pandas
 * implementation (packages/core/scripts/corporate-actions-reference.py wrote adjusted.csv from
 * actions.csv, a table of invented actions on those dates).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { parseBarsCsv } from './bars-csv';
import { instrumentId } from '../domain/ids';
import type { Bar } from '../domain/market-data';
import { adjustBars, adjustBarsForward, type CorporateAction } from './corporate-actions';

const read = (path: string) => readFileSync(fileURLToPath(new URL(path, import.meta.url)), 'utf8');
const { bars } = parseBarsCsv(read('../../../../examples/sma-crossover/fixtures/goog.csv'), { instrumentId: instrumentId('GOOG.NASDAQ') });
const actions: CorporateAction[] = read('./__fixtures__/corporate-actions/actions.csv')
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => {
    const [date, id, split, dividend] = line.split(',');
    return { date: date!, instrumentId: id!, ...(split && { split: Number(split) }), ...(dividend && { dividend: Number(dividend) }) };
  });
const reference = read('./__fixtures__/corporate-actions/adjusted.csv')
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => line.split(','));

function check(out: Bar[], offset: number): void {
  expect(out).toHaveLength(reference.length);
  out.forEach((b, i) => {
    const r = reference[i]!;
    expect(new Date(b.ts).toISOString().slice(0, 10)).toBe(r[0]);
    const fields = [b.open, b.high, b.low, b.close, b.volume];
    fields.forEach((v, f) => {
      const want = Number(r[offset + f]);
      expect(Math.abs(v - want), `${r[0]} field ${f}`).toBeLessThanOrEqual(1e-12 * want);
    });
  });
}

describe('adjustBars against the pandas reference', () => {
  it('back-adjusts GOOG 2004-2008 for eight actions as pandas does, to 1e-12', () => {
    check(adjustBars(bars, actions), 1);
    expect(adjustBars(bars, actions)[0]!.close).not.toBeCloseTo(bars[0]!.close, 0); // the actions moved the early prices
  });

  it('forward-adjusts them as pandas does, as a function and as a stream', async () => {
    check(adjustBars(bars, actions, { mode: 'forward' }), 6);
    check(await lastValueFrom(from(bars).pipe(adjustBarsForward({ actions }), toArray())), 6);
  });
});

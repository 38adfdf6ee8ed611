import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '@rxtrade/core';
import { evaluateTask } from '../search/evaluate-task';
import type { TaskResult } from '../search/types';
import { deflatedSharpeOfSweep } from './deflated-sharpe-of-sweep';
import { deflatedSharpeRatio } from './deflated-sharpe-ratio';

const googCsv = fileURLToPath(new URL('../search/__fixtures__/goog.csv', import.meta.url));
const smaModule = fileURLToPath(new URL('../search/__fixtures__/sma-strategy.ts', import.meta.url));
const run = {
  data: [{ path: googCsv, instrument: 'GOOG.NASDAQ' }],
  instruments: [{ symbol: 'GOOG', venue: 'NASDAQ', assetClass: 'stock', base: 'GOOG', quote: 'USD', tickSize: '0.01', lotSize: '1' }],
  ledger: { startingCash: '100000' },
  venue: { commission: 0.002 },
};

describe('deflatedSharpeOfSweep', () => {
  it('deflates the best per-period Sharpe ratio of a sweep by the spread and number of its trials', async () => {
    const grid = [5, 10, 15].flatMap((fast) => [30, 50].map((slow) => ({ fast, slow, size: 100 })));
    const results: TaskResult[] = await Promise.all(grid.map((params, id) => evaluateTask({ id, strategy: { module: smaModule }, params, run })));
    const d = deflatedSharpeOfSweep(results);
    const srs = results.map((r) => r.metrics.sharpePerPeriod!);
    expect(d.selected.metrics.sharpePerPeriod).toBe(Math.max(...srs));
    const mean = srs.reduce((s, x) => s + x, 0) / srs.length;
    const variance = srs.reduce((s, x) => s + (x - mean) ** 2, 0) / (srs.length - 1);
    const m = d.selected.metrics;
    const expected = deflatedSharpeRatio({ sharpe: m.sharpePerPeriod!, trials: 6, sharpeVariance: variance, observations: m.periods!, skewness: m.skewness!, kurtosis: m.kurtosis! });
    expect(d.deflatedSharpe).toBe(expected.deflatedSharpe);
    expect(d.expectedMaxSharpe).toBeGreaterThan(0);
    // Counting searches done elsewhere lowers the figure.
    expect(deflatedSharpeOfSweep(results, { trials: 600 }).deflatedSharpe).toBeLessThan(d.deflatedSharpe);
  });

  it('fails when no trial has a Sharpe ratio', () => {
    expect(() => deflatedSharpeOfSweep([{ id: 0, params: {}, metrics: {}, summary: {} }])).toThrow(ValidationError);
  });
});

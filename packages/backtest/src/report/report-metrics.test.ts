import { describe, expect, it } from 'vitest';
import { inferPeriodsPerYear, metricKind } from './report-metrics';

const DAY = 86_400_000;

describe('inferPeriodsPerYear', () => {
  it('recognizes daily trading bars with weekends as 252 periods a year', () => {
    const ts: number[] = [];
    for (let d = 0; ts.length < 600; d++) if ((d + 4) % 7 < 5) ts.push(Date.UTC(2020, 0, 1) + d * DAY);
    expect(inferPeriodsPerYear(ts)).toBe(252);
  });

  it('recognizes weekly and monthly bars', () => {
    expect(inferPeriodsPerYear(Array.from({ length: 100 }, (_, i) => i * 7 * DAY))).toBe(52);
    expect(inferPeriodsPerYear(Array.from({ length: 36 }, (_, i) => Date.UTC(2020, i, 1)))).toBe(12);
  });

  it('measures points per year for intraday bars', () => {
    // Hourly bars around the clock: 8,766 a year.
    expect(inferPeriodsPerYear(Array.from({ length: 20_000 }, (_, i) => i * 3_600_000))).toBe(8766);
  });
});

describe('metricKind', () => {
  it('shows durations in ms as durations, ratios as ratios and returns as percentages', () => {
    expect(metricKind('maxDrawdownDurationMs', 1e9)).toBe('duration');
    expect(metricKind('someRatio', 1.2)).toBe('ratio');
    expect(metricKind('excessReturn', 0.1)).toBe('percent');
    expect(metricKind('sharpeRatio', 'NaN')).toBe('ratio');
    expect(metricKind('label', 'hello')).toBe('text');
  });
});

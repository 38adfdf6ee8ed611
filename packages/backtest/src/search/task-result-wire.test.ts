import { describe, expect, it } from 'vitest';
import { decodeTaskResult, encodeTaskResult } from './task-result-wire';

describe('task result wire format', () => {
  it('carries NaN and infinite metrics through JSON unchanged', () => {
    const result = { id: 3, params: { fast: 5 }, metrics: { sharpe: Number.NaN, profitFactor: Infinity, worst: -Infinity, totalReturn: 0.25 }, summary: { finalEquity: '125000.5' } };
    const back = decodeTaskResult(JSON.parse(JSON.stringify(encodeTaskResult(result))));
    expect(back).toEqual(result);
    expect(Number.isNaN(back.metrics.sharpe)).toBe(true);
    expect(back.metrics.profitFactor).toBe(Infinity);
  });
});

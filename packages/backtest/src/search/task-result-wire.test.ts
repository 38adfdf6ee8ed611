import { describe, expect, it } from 'vitest';
import { decodeTaskResult, encodeTaskResult, isBatchJobData, isBatchReturn } from './task-result-wire';

describe('task result wire format', () => {
  it('carries NaN and infinite metrics through JSON unchanged', () => {
    const result = { id: 3, params: { fast: 5 }, metrics: { sharpe: Number.NaN, profitFactor: Infinity, worst: -Infinity, totalReturn: 0.25 }, summary: { finalEquity: '125000.5' } };
    const back = decodeTaskResult(JSON.parse(JSON.stringify(encodeTaskResult(result))));
    expect(back).toEqual(result);
    expect(Number.isNaN(back.metrics.sharpe)).toBe(true);
    expect(back.metrics.profitFactor).toBe(Infinity);
  });

  it('tells a job of several tasks and its return value from a single task and its result', () => {
    const task = { id: 0, strategy: { module: 'pkg' }, params: {}, run: null };
    expect(isBatchJobData({ tasks: [task], progress: true })).toBe(true);
    expect(isBatchJobData(task)).toBe(false);
    expect(isBatchJobData(null)).toBe(false);
    const result = encodeTaskResult({ id: 0, params: {}, metrics: { sharpe: Number.NaN }, summary: {} });
    expect(isBatchReturn({ outcomes: [{ result }, { failure: { reason: 'error', detail: 'x' } }] })).toBe(true);
    expect(isBatchReturn(result)).toBe(false);
  });
});

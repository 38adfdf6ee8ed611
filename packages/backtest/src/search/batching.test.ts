import { describe, expect, it } from 'vitest';
import { parseWith } from '@rxtrade/core';
import { z } from 'zod';
import { BatchSizeSchema, MAX_AUTO_BATCH, batchSizes, nextBatchSize } from './batching';

describe('batch sizes', () => {
  it('cover every task once, start at a quarter of a worker\'s share and shrink to single tasks', () => {
    for (const [count, workers] of [
      [1, 1],
      [12, 2],
      [200, 2],
      [200, 8],
      [1000, 3],
      [7, 16],
    ] as const) {
      const sizes = batchSizes(count, workers, 'auto');
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(count);
      expect(sizes[0]).toBe(Math.min(MAX_AUTO_BATCH, Math.ceil(count / (4 * workers))));
      expect(sizes.at(-1)).toBe(1);
      for (let k = 1; k < sizes.length; k++) expect(sizes[k]).toBeLessThanOrEqual(sizes[k - 1]!);
    }
    expect(batchSizes(200, 2, 'auto').slice(0, 4)).toEqual([25, 22, 20, 17]);
    expect(batchSizes(12, 2, 'auto')).toEqual([2, 2, 1, 1, 1, 1, 1, 1, 1, 1]);
  });

  it('take half of a worker\'s share with share 2, still covering every task and ending with single tasks', () => {
    const sizes = batchSizes(200, 2, 'auto', 2);
    expect(sizes).toEqual([50, 38, 28, 21, 16, 12, 9, 7, 5, 4, 3, 2, 2, 1, 1, 1]);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(200);
    expect(nextBatchSize(200, 2, 'auto', 2)).toBe(50);
    expect(batchSizes(23, 2, 5, 2)).toEqual([5, 5, 5, 5, 3]);
  });

  it('take a worker\'s whole share with share 1 (BullMQ jobs), capped, and end with single tasks', () => {
    const sizes = batchSizes(200, 2, 'auto', 1);
    expect(sizes).toEqual([64, 64, 36, 18, 9, 5, 2, 1, 1]);
    expect(batchSizes(200, 8, 'auto', 1)).toEqual([25, 22, 20, 17, 15, 13, 11, 10, 9, 8, 7, 6, 5, 4, 4, 3, 3, 3, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1]);
  });

  it('never exceed the cap in auto mode, and a fixed size holds until the last batch', () => {
    expect(nextBatchSize(100_000, 1, 'auto')).toBe(MAX_AUTO_BATCH);
    expect(batchSizes(23, 2, 5)).toEqual([5, 5, 5, 5, 3]);
    expect(batchSizes(3, 2, 1)).toEqual([1, 1, 1]);
    expect(nextBatchSize(0, 2, 'auto')).toBe(0);
  });

  it('accept auto or a positive integer, naming the field otherwise', () => {
    const schema = z.strictObject({ tasksPerMessage: BatchSizeSchema });
    expect(parseWith(schema, {}, 'executor').tasksPerMessage).toBe('auto');
    expect(parseWith(schema, { tasksPerMessage: 8 }, 'executor').tasksPerMessage).toBe(8);
    for (const bad of [0, 1.5, 'big', -1]) expect(() => parseWith(schema, { tasksPerMessage: bad }, 'executor')).toThrow(/executor\.tasksPerMessage/);
  });
});

/**
 * How executors group tasks into batches (one thread message, one BullMQ job): guided self-scheduling.
 * Each batch takes a quarter of the remaining tasks' fair share per worker (the whole share for BullMQ
 * jobs, which cost more each), so batches start large
 * (few messages or jobs, little overhead per task) and shrink to single tasks towards the end (the
 * last batches are short, so no worker is left with a long tail while the others are idle).
 */
import { z } from 'zod';

/**
 * Schema of a batch size option: `'auto'` (guided, the default) or a fixed number of tasks per batch.
 *
 * @example
 * ```ts
 * BatchSizeSchema.parse('auto'); // 'auto'
 * BatchSizeSchema.parse(8);      // 8
 * ```
 */
export const BatchSizeSchema = z.union([z.literal('auto'), z.number().int().min(1).max(10_000)]).default('auto');

/** A batch size: `'auto'` or a fixed number of tasks. */
export type BatchSize = z.output<typeof BatchSizeSchema>;

/** Batches of `'auto'` never hold more than this many tasks. */
export const MAX_AUTO_BATCH = 64;

/**
 * The size of the next batch when `remaining` tasks are left for `workers` workers: with `'auto'`, the
 * remaining tasks' fair share per worker divided by `share` (4: a quarter; BullMQ jobs take a half).
 *
 * @example
 * ```ts
 * nextBatchSize(200, 2, 'auto'); // 25 (a quarter of each worker's share)
 * nextBatchSize(5, 2, 'auto');   // 1
 * nextBatchSize(200, 2, 10);     // 10
 * nextBatchSize(200, 2, 'auto', 2); // 50 (half of each worker's share)
 * ```
 */
export function nextBatchSize(remaining: number, workers: number, size: BatchSize, share = 4): number {
  if (remaining <= 0) return 0;
  if (size !== 'auto') return Math.min(size, remaining);
  return Math.min(remaining, MAX_AUTO_BATCH, Math.max(1, Math.ceil(remaining / (share * Math.max(1, workers)))));
}

/**
 * Splits `count` tasks into consecutive batch sizes for `workers` workers (see {@link nextBatchSize}).
 *
 * @example
 * ```ts
 * batchSizes(12, 2, 'auto'); // [2, 2, 1, 1, 1, 1, 1, 1, 1, 1]
 * ```
 */
export function batchSizes(count: number, workers: number, size: BatchSize, share = 4): number[] {
  const sizes: number[] = [];
  for (let left = count; left > 0; ) {
    const n = nextBatchSize(left, workers, size, share);
    sizes.push(n);
    left -= n;
  }
  return sizes;
}

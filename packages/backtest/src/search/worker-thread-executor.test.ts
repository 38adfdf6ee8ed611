import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { sweep, type SweepConfig } from './sweep';
import { TaskFailedError } from './task-failed-error';
import { WorkerThreadExecutor } from './worker-thread-executor';
import { failingStrategy, googRun, smallSpace, smaStrategy, wideSpace } from './__fixtures__/goog-run';

const grid: SweepConfig = { strategy: smaStrategy, space: smallSpace, run: googRun, objective: { metric: 'sharpeRatio' }, method: 'grid' };
const random: SweepConfig = { ...grid, space: wideSpace, method: 'random', samples: 8, seed: 7 };
const genetic: SweepConfig = { ...grid, space: wideSpace, method: 'genetic', seed: 7, genetic: { population: 6, generations: 3 } };

describe('WorkerThreadExecutor', () => {
  const executor = new WorkerThreadExecutor({ workers: 2 });
  afterAll(() => executor.close());

  it.each([
    ['grid', grid],
    ['random', random],
    ['genetic', genetic],
  ])('gives the same ranked %s sweep on 2 threads as in-process', async (_name, config) => {
    const inProcess = await sweep(config);
    const threads = await sweep({ ...config, executor });
    expect(threads.results.length).toBeGreaterThanOrEqual(8);
    expect(threads.ranked).toEqual(inProcess.ranked);
    expect(threads.results).toEqual(inProcess.results);
  });

  it('reports a failing task with its id, and then runs the next sweep normally', async () => {
    const error = await sweep({ ...grid, strategy: failingStrategy, space: { fast: smallSpace.fast, slow: { choices: [20] }, failOn: { choices: [6] } }, executor }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TaskFailedError);
    expect((error as TaskFailedError).taskId).toBe(1);
    expect((error as TaskFailedError).reason).toBe('error');
    expect((error as Error).message).toMatch(/^task 1 \{"fast":6,"slow":20,"failOn":6\} failed \(error\): deliberate failure for fast=6/);
    expect((await sweep({ ...grid, executor })).results).toHaveLength(12);
  });

  it('reports a thread that exits as a crash of its task', async () => {
    const crashing = new WorkerThreadExecutor({ workers: 2, evaluator: { module: fileURLToPath(new URL('./__fixtures__/exiting-evaluator.ts', import.meta.url)), export: 'evaluate' } });
    try {
      const error = await sweep({ ...grid, executor: crashing }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TaskFailedError);
      expect((error as TaskFailedError).taskId).toBe(2);
      expect((error as TaskFailedError).reason).toBe('crash');
      expect((error as Error).message).toMatch(/exited with code 3/);
    } finally {
      await crashing.close();
    }
  });

  it('names a bad setting', () => {
    expect(() => new WorkerThreadExecutor({ workers: 0 })).toThrow(/executor\.workers/);
  });
});

import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { sweep, type SweepConfig } from './sweep';
import { TaskFailedError } from './task-failed-error';
import type { SweepTask, TaskResult } from './types';
import { WorkerThreadExecutor, startWorker } from './worker-thread-executor';
import { REPORT_EVERY_MS, shouldReport } from './worker-thread-protocol';
import { failingStrategy, googRun, hangingStrategy, smallSpace, smaStrategy, wideSpace } from './__fixtures__/goog-run';

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

  it('keeps the completed results and lists a failing task, and then runs the next sweep normally', async () => {
    const result = await sweep({ ...grid, strategy: failingStrategy, space: { fast: smallSpace.fast, slow: { choices: [20] }, failOn: { choices: [6] } }, executor });
    expect(result.results.map((r) => r.id)).toEqual([0, 2, 3]);
    expect(result.failures).toEqual([{ id: 1, params: { fast: 6, slow: 20, failOn: 6 }, reason: 'error', error: 'deliberate failure for fast=6' }]);
    expect((await sweep({ ...grid, executor })).results).toHaveLength(12);
  });

  it('rejects with the failing task under failFast', async () => {
    const error = await sweep({ ...grid, strategy: failingStrategy, space: { fast: smallSpace.fast, slow: { choices: [20] }, failOn: { choices: [6] } }, executor, failFast: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TaskFailedError);
    expect((error as TaskFailedError).taskId).toBe(1);
    expect((error as TaskFailedError).reason).toBe('error');
    expect((error as Error).message).toMatch(/^task 1 \{"fast":6,"slow":20,"failOn":6\} failed \(error\): deliberate failure for fast=6/);
  });

  it('reports a thread that exits as a crash of its task, and finishes the sweep on a fresh thread', async () => {
    const crashing = new WorkerThreadExecutor({ workers: 2, evaluator: { module: fileURLToPath(new URL('./__fixtures__/exiting-evaluator.ts', import.meta.url)), export: 'evaluate' } });
    try {
      const result = await sweep({ ...grid, executor: crashing });
      expect(result.failures).toHaveLength(1);
      expect(result.failures[0]).toMatchObject({ id: 2, params: { fast: 5, slow: 60 }, reason: 'crash' });
      expect(result.failures[0]!.error).toMatch(/exited with code 3/);
      expect(result.results.map((r) => r.id)).toEqual([0, 1, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    } finally {
      await crashing.close();
    }
  });

  it('terminates a thread stuck in an endless loop after the task timeout and goes on with a fresh one', async () => {
    const stuck = new WorkerThreadExecutor({ workers: 1, taskTimeoutMs: 3000 });
    try {
      const space = { fast: { choices: [5, 6, 7] }, slow: { choices: [20] }, hangOn: { choices: [6] } };
      const result = await sweep({ ...grid, strategy: hangingStrategy, space, executor: stuck });
      expect(result.failures).toEqual([{ id: 1, params: { fast: 6, slow: 20, hangOn: 6 }, reason: 'timeout', error: 'no result after 3000 ms: the worker thread was terminated' }]);
      expect(result.results.map((r) => r.id)).toEqual([0, 2]);
      // The results after the restart are the same backtests as in-process.
      const reference = await sweep({ ...grid, strategy: hangingStrategy, space: { ...space, fast: { choices: [5, 7] } } });
      expect(result.results.map((r) => r.metrics)).toEqual(reference.results.map((r) => r.metrics));
    } finally {
      await stuck.close();
    }
  });

  it('sends several tasks per message with the same results, and a failing task of a message fails alone', async () => {
    const batched = new WorkerThreadExecutor({ workers: 2, tasksPerMessage: 5 });
    try {
      expect((await sweep({ ...grid, executor: batched })).results).toEqual((await sweep(grid)).results);
      const space = { fast: { min: 5, max: 12, integer: true }, slow: { choices: [20] }, failOn: { choices: [6] } };
      const result = await sweep({ ...grid, strategy: failingStrategy, space, executor: batched });
      expect(result.results.map((r) => r.id)).toEqual([0, 2, 3, 4, 5, 6, 7]);
      expect(result.failures).toEqual([{ id: 1, params: { fast: 6, slow: 20, failOn: 6 }, reason: 'error', error: 'deliberate failure for fast=6' }]);
    } finally {
      await batched.close();
    }
  });

  it('reports a crash in the middle of a message as its task\'s, and runs the message\'s other tasks on a fresh thread', async () => {
    const evaluator = { module: fileURLToPath(new URL('./__fixtures__/exiting-evaluator.ts', import.meta.url)), export: 'evaluate' };
    const crashing = new WorkerThreadExecutor({ workers: 1, tasksPerMessage: 6, evaluator });
    try {
      const result = await sweep({ ...grid, executor: crashing });
      expect(result.failures.map((f) => [f.id, f.reason])).toEqual([[2, 'crash']]);
      expect(result.results.map((r) => r.id)).toEqual([0, 1, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    } finally {
      await crashing.close();
    }
  });

  it('times a task that starts right after another of its message from that moment, and terminates it when stuck', async () => {
    const stuck = new WorkerThreadExecutor({ workers: 1, tasksPerMessage: 3, taskTimeoutMs: 1500 });
    try {
      const space = { fast: { choices: [5, 6, 7] }, slow: { choices: [20] }, hangOn: { choices: [6] } };
      const started = performance.now();
      const result = await sweep({ ...grid, strategy: hangingStrategy, space, executor: stuck });
      // Without the start of task 1 in task 0's reply, its deadline would be the minute a thread gets to start.
      expect(performance.now() - started).toBeLessThan(30_000);
      expect(result.failures).toEqual([{ id: 1, params: { fast: 6, slow: 20, hangOn: 6 }, reason: 'timeout', error: 'no result after 1500 ms: the worker thread was terminated' }]);
      expect(result.results.map((r) => r.id)).toEqual([0, 2]);
    } finally {
      await stuck.close();
    }
  });

  it('starts its threads ahead of a run on start(), once', async () => {
    const early = new WorkerThreadExecutor({ workers: 2 });
    try {
      await early.start();
      await early.start();
      expect((await sweep({ ...grid, executor: early })).results).toEqual((await sweep(grid)).results);
    } finally {
      await early.close();
    }
  });

  it('starts a thread without the process-wide flags Node refuses for threads, and keeps the others', async () => {
    const code = `const { parentPort } = require('node:worker_threads'); parentPort.postMessage(process.execArgv);`;
    const worker = startWorker(code, { eval: true, execArgv: ['--single-threaded-gc', '--conditions=rxtrade-test'] });
    try {
      const argv = await new Promise((resolve) => worker.once('message', resolve));
      expect(argv).toEqual(['--conditions=rxtrade-test']);
    } finally {
      await worker.terminate();
    }
  });

  it('has a per-task timeout by default, and 0 turns it off', () => {
    expect(new WorkerThreadExecutor().taskTimeoutMs).toBe(600_000);
    expect(new WorkerThreadExecutor({ taskTimeoutMs: 0 }).taskTimeoutMs).toBe(Infinity);
  });

  it('names a bad setting', () => {
    expect(() => new WorkerThreadExecutor({ workers: 0 })).toThrow(/executor\.workers/);
    expect(() => new WorkerThreadExecutor({ tasksPerMessage: 0 })).toThrow(/executor\.tasksPerMessage/);
    expect(() => new WorkerThreadExecutor({ batch: 4 } as never)).toThrow(/batch/);
  });
});

describe('WorkerThreadExecutor with short tasks', () => {
  const evaluator = { module: fileURLToPath(new URL('./__fixtures__/instant-evaluator.ts', import.meta.url)), export: 'evaluate' };
  const tasks = (acts: readonly (string | undefined)[]): SweepTask[] =>
    acts.map((act, id): SweepTask => ({ id, strategy: { module: 'unused' }, params: act === undefined ? {} : { act }, run: {} }));
  /** Runs `body` with a started one-thread pool of the instant evaluator, and closes the pool. */
  const withPool = async (config: { tasksPerMessage: number; taskTimeoutMs?: number }, body: (executor: WorkerThreadExecutor) => Promise<void>): Promise<void> => {
    const executor = new WorkerThreadExecutor({ workers: 1, evaluator, ...config });
    try {
      await executor.start();
      await body(executor);
    } finally {
      await executor.close();
    }
  };
  /** Runs tasks; what came back, the failures, and when each failure was reported. */
  const runOn = async (executor: WorkerThreadExecutor, list: SweepTask[]): Promise<{ results: TaskResult[]; failures: TaskFailedError[]; at: number[] }> => {
    const failures: TaskFailedError[] = [];
    const at: number[] = [];
    const started = performance.now();
    const results = await executor.run(list, undefined, (f) => {
      failures.push(f);
      at.push(performance.now() - started);
    });
    return { results, failures, at };
  };

  it('reports the replies of tasks that end within a few milliseconds together', async () => {
    const emit = vi.spyOn(Worker.prototype, 'emit');
    try {
      await withPool({ tasksPerMessage: 20 }, async (executor) => {
        emit.mockClear();
        const { results } = await runOn(executor, tasks(new Array<undefined>(60).fill(undefined)));
        expect(results.map((r) => r.id)).toEqual(Array.from({ length: 60 }, (_, i) => i));
        const replies = emit.mock.calls.filter(([event, message]) => event === 'message' && (message as { type?: string }).type === 'replies');
        // 60 tasks in 3 messages of 20: at most a few replies per message (the last task of each goes alone).
        expect(replies.length).toBeLessThanOrEqual(12);
        expect(replies.reduce((n, [, m]) => n + (m as { replies: unknown[] }).replies.length, 0)).toBe(60);
      });
    } finally {
      emit.mockRestore();
    }
  });

  it('blames a task that hangs behind replies the thread still holds, on time, and runs the held ones again', () =>
    withPool({ tasksPerMessage: 5, taskTimeoutMs: 1000 }, async (executor) => {
      const { results, failures, at } = await runOn(executor, tasks([undefined, undefined, 'hang', undefined, undefined]));
      expect(failures.map((f) => [f.taskId, f.reason, f.detail])).toEqual([[2, 'timeout', 'no result after 1000 ms: the worker thread was terminated']]);
      expect(results.map((r) => r.id)).toEqual([0, 1, 3, 4]);
      // The held replies do not add a second timeout (2,000 ms): reported about REPORT_EVERY_MS after the first.
      expect(at[0]).toBeGreaterThanOrEqual(1000);
      expect(at[0]).toBeLessThan(1800);
    }));

  it('blames a thread that exits behind replies it still holds on the task that ended it', () =>
    withPool({ tasksPerMessage: 4 }, async (executor) => {
      const { results, failures } = await runOn(executor, tasks([undefined, undefined, 'exit', undefined]));
      expect(failures.map((f) => [f.taskId, f.reason])).toEqual([[2, 'crash']]);
      expect(results.map((r) => r.id)).toEqual([0, 1, 3]);
    }));

  it('reports a result that cannot be copied to the pool as its task\'s error, and keeps the thread', () =>
    withPool({ tasksPerMessage: 3 }, async (executor) => {
      const { results, failures } = await runOn(executor, tasks([undefined, 'function', undefined]));
      expect(failures.map((f) => [f.taskId, f.reason])).toEqual([[1, 'error']]);
      expect(failures[0]!.detail).toMatch(/^its result cannot be sent to the pool: .*could not be cloned/);
      expect(results.map((r) => r.id)).toEqual([0, 2]);
      const exits = vi.fn();
      for (const w of (executor as unknown as { slots: { worker: Worker }[] }).slots) w.worker.on('exit', exits);
      expect((await runOn(executor, tasks([undefined, undefined]))).results).toHaveLength(2);
      expect(exits).not.toHaveBeenCalled();
    }));

  it('decides when a thread reports: before its last queued task, or once the first held reply is old enough', () => {
    expect(shouldReport(0, 1, 3, 9)).toBe(false);
    expect(shouldReport(0, 1, 8, 9)).toBe(true);
    expect(shouldReport(0, 1, 9, 9)).toBe(true);
    expect(shouldReport(0, REPORT_EVERY_MS - 0.5, 3, 9)).toBe(false);
    expect(shouldReport(0, REPORT_EVERY_MS, 3, 9)).toBe(true);
  });
});

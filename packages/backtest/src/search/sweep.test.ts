import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '@rxtrade/core';
import { evaluateTask } from './evaluate-task';
import { InProcessExecutor } from './in-process-executor';
import { sweep } from './sweep';
import { TaskFailedError } from './task-failed-error';
import { failingStrategy, googRun, simpleEvaluatorModule, smallSpace, smaStrategy, wideSpace } from './__fixtures__/goog-run';
import type { SweepTask, TaskResult } from './types';

describe('sweep', () => {
  it('runs every grid point in task order and ranks them by the metric, best first', async () => {
    const result = await sweep({ strategy: smaStrategy, space: smallSpace, run: googRun, objective: { metric: 'sharpeRatio' } });
    expect(result.results.map((r) => r.id)).toEqual([...Array(12).keys()]);
    expect(result.results.map((r) => [r.params.fast, r.params.slow]).slice(0, 4)).toEqual([
      [5, 20],
      [5, 40],
      [5, 60],
      [6, 20],
    ]);
    const scores = result.ranked.map((r) => r.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(result.ranked.map((r) => r.rank)).toEqual([...Array(12).keys()].map((i) => i + 1));
    expect(result.best).toBe(result.ranked[0]);
    // Each result is the backtest of its own parameters: re-evaluate the best one directly.
    const again = await evaluateTask({ id: 99, strategy: smaStrategy, params: result.best!.params, run: googRun });
    expect(again.metrics.sharpeRatio).toBe(result.best!.score);
    expect(again.summary.finalEquity).toBe(result.best!.summary.finalEquity);
  });

  it('ranks the smallest first when the goal is min', async () => {
    const result = await sweep({ strategy: smaStrategy, space: smallSpace, run: googRun, objective: { metric: 'maxDrawdown', goal: 'min' } });
    const scores = result.ranked.map((r) => r.score);
    expect(scores).toEqual([...scores].sort((a, b) => a - b));
    expect(result.objective).toEqual({ name: 'maxDrawdown', goal: 'min' });
  });

  it('scores with a function exported by the strategy module', async () => {
    const result = await sweep({ strategy: smaStrategy, space: smallSpace, run: googRun, objective: { function: 'returnOverDrawdown' } });
    const best = result.best!;
    expect(best.score).toBeCloseTo(best.metrics.totalReturn! / best.metrics.maxDrawdown!, 12);
    expect(result.objective.name).toBe('returnOverDrawdown');
  });

  it('ranks NaN scores last and keeps task order between ties', async () => {
    const fake = async (task: SweepTask): Promise<TaskResult> => ({
      id: task.id,
      params: task.params,
      metrics: { m: [Number.NaN, 1, 2, 1][task.id % 4]! },
      summary: {},
    });
    const result = await sweep({
      strategy: smaStrategy,
      space: { k: { min: 0, max: 3, integer: true } },
      run: null,
      objective: { metric: 'm' },
      executor: new InProcessExecutor({ evaluate: fake }),
    });
    expect(result.ranked.map((r) => r.id)).toEqual([2, 1, 3, 0]);
  });

  it('skips parameter sets that the constraint rejects', async () => {
    const result = await sweep({ strategy: smaStrategy, space: wideSpace, run: googRun, objective: { metric: 'sharpeRatio' }, method: 'random', samples: 6, seed: 1, where: (p) => Number(p.fast) * 4 < Number(p.slow) });
    expect(result.results).toHaveLength(6);
    expect(result.results.every((r) => Number(r.params.fast) * 4 < Number(r.params.slow))).toBe(true);
  });

  it('gives the same random and genetic sweeps for the same seed', async () => {
    const random = { strategy: smaStrategy, space: wideSpace, run: googRun, objective: { metric: 'sharpeRatio' }, method: 'random', samples: 5, seed: 'abc' } as const;
    expect((await sweep(random)).ranked).toEqual((await sweep(random)).ranked);
    const genetic = { ...random, method: 'genetic', genetic: { population: 5, generations: 3 } } as const;
    const g = await sweep(genetic);
    expect(g.results.length).toBeGreaterThan(5);
    expect((await sweep(genetic)).ranked).toEqual(g.ranked);
  });

  it('reports progress for every task', async () => {
    const seen: number[] = [];
    await sweep({ strategy: smaStrategy, space: smallSpace, run: googRun, objective: { metric: 'sharpeRatio' }, onResult: (_r, p) => seen.push(p.done * 100 + p.total) });
    expect(seen).toEqual([...Array(12).keys()].map((i) => (i + 1) * 100 + 12));
  });

  it('uses an injected evaluator', async () => {
    const { evaluate } = (await import(simpleEvaluatorModule)) as { evaluate: (t: SweepTask) => Promise<TaskResult> };
    const run = { csv: (googRun as { data: { path: string }[] }).data[0]!.path, instrument: 'GOOG.NASDAQ', startingCash: 100000, commission: 0.002 };
    const result = await sweep({ strategy: smaStrategy, space: smallSpace, run, objective: { metric: 'sharpe' }, executor: new InProcessExecutor({ evaluate }) });
    expect(result.results).toHaveLength(12);
    expect(Number.isFinite(result.best!.score)).toBe(true);
  });

  it('keeps every completed result and lists a failing task with its parameters and error', async () => {
    const result = await sweep({ strategy: failingStrategy, space: { ...smallSpace, failOn: { choices: [7] } }, run: googRun, objective: { metric: 'sharpeRatio' } });
    // fast=7 is tasks 6, 7 and 8; the nine others complete and are ranked.
    expect(result.results.map((r) => r.id)).toEqual([0, 1, 2, 3, 4, 5, 9, 10, 11]);
    expect(result.ranked).toHaveLength(9);
    expect(result.failures.map((f) => f.id)).toEqual([6, 7, 8]);
    expect(result.failures[0]).toEqual({ id: 6, params: { fast: 7, slow: 20, failOn: 7 }, reason: 'error', error: 'deliberate failure for fast=7' });
    // Plain JSON, so that the CLI can write it.
    expect(JSON.parse(JSON.stringify(result.failures))).toEqual(result.failures);
  });

  it('rejects at the first failing task with failFast', async () => {
    const error = await sweep({ strategy: failingStrategy, space: { ...smallSpace, failOn: { choices: [7] } }, run: googRun, objective: { metric: 'sharpeRatio' }, failFast: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TaskFailedError);
    expect((error as TaskFailedError).taskId).toBe(6);
    expect((error as TaskFailedError).params).toEqual({ fast: 7, slow: 20, failOn: 7 });
    expect((error as TaskFailedError).message).toMatch(/^task 6 .*deliberate failure for fast=7/);
  });

  it('scores a failed set worst in a genetic search and goes on', async () => {
    const result = await sweep({ strategy: failingStrategy, space: { fast: { min: 3, max: 6, integer: true }, slow: wideSpace.slow, failOn: { choices: [5] } }, run: googRun, objective: { metric: 'sharpeRatio' }, method: 'genetic', seed: 3, genetic: { population: 6, generations: 2 } });
    expect(result.failures.length).toBeGreaterThan(0);
    expect(result.results.length + result.failures.length).toBeGreaterThan(6);
    for (const f of result.failures) expect(f.params.fast).toBe(f.params.failOn);
    expect(result.best === undefined || result.best.params.fast !== result.best.params.failOn).toBe(true);
  });

  it('times out an in-process task whose promise never settles, and runs the others', async () => {
    const { evaluate } = (await import('./__fixtures__/never-settling-evaluator')) as { evaluate: (t: SweepTask) => Promise<TaskResult> };
    const result = await sweep({ strategy: smaStrategy, space: { fast: { choices: [5, 6, 7] }, slow: { choices: [20] } }, run: googRun, objective: { metric: 'sharpeRatio' }, executor: new InProcessExecutor({ evaluate, taskTimeoutMs: 300 }) });
    expect(result.results.map((r) => r.id)).toEqual([0, 2]);
    expect(result.failures).toEqual([{ id: 1, params: { fast: 6, slow: 20 }, reason: 'timeout', error: 'no result after 300 ms' }]);
  });

  it('has a per-task timeout by default, and 0 turns it off', () => {
    expect(new InProcessExecutor().taskTimeoutMs).toBe(600_000);
    expect(new InProcessExecutor({ taskTimeoutMs: 0 }).taskTimeoutMs).toBe(Infinity);
    expect(() => new InProcessExecutor({ taskTimeoutMs: -1 })).toThrow(/executor\.taskTimeoutMs/);
  });

  it('accepts a strategy module only as an absolute path, a file URL or a package name', async () => {
    for (const module of ['./sma-strategy.ts', '../x/sma.ts', 'sma-strategy.ts', 'http://evil.example/x.js', 'data:text/javascript,export const strategy = 1', 'node:fs']) {
      const error = await sweep({ strategy: { module }, space: smallSpace, run: googRun, objective: { metric: 'sharpeRatio' } }).catch((e: unknown) => e);
      expect(error, module).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).field, module).toBe('sweep.strategy.module');
    }
    const viaUrl = await sweep({ strategy: { module: pathToFileURL(smaStrategy.module).href }, space: { fast: { choices: [5] }, slow: { choices: [20] } }, run: googRun, objective: { metric: 'sharpeRatio' } });
    expect(viaUrl.results).toHaveLength(1);
    const error = await evaluateTask({ id: 0, strategy: { module: './sma-strategy.ts' }, params: {}, run: googRun }).catch((e: unknown) => e);
    expect((error as ValidationError).field).toBe('task.strategy.module');
  });

  it('names the bad field of a bad config', async () => {
    await expect(sweep({ strategy: smaStrategy, space: smallSpace, run: googRun, objective: { metric: 'sharpeRatio' }, method: 'bayes' as 'grid' })).rejects.toThrow(/sweep\.method/);
    await expect(sweep({ strategy: { module: '' }, space: smallSpace, run: googRun, objective: { metric: 'x' } })).rejects.toThrow(ValidationError);
    await expect(sweep({ strategy: smaStrategy, space: smallSpace, run: googRun, objective: { function: 'nope' } })).rejects.toThrow(/sweep\.objective\.function/);
  });
});

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EMPTY } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { defineInstrument, parseWith, ValidationError, type Bar } from '@rxtrade/core';
import { isMarkedValidated, runBacktest } from '../run-backtest';
import { evaluateTask, prepareRun } from './evaluate-task';
import { RunConfigSchema } from './run-config';
import type { SweepTask } from './types';

const googCsv = fileURLToPath(new URL('./__fixtures__/goog.csv', import.meta.url));
const smaModule = fileURLToPath(new URL('./__fixtures__/sma-strategy.ts', import.meta.url));
const goog = { symbol: 'GOOG', venue: 'NASDAQ', assetClass: 'stock', base: 'GOOG', quote: 'USD', tickSize: '0.01', lotSize: '1' } as const;
const run = { data: [{ path: googCsv, instrument: 'GOOG.NASDAQ' }], instruments: [goog], ledger: { startingCash: '100000' }, venue: { commission: 0.002 } };
const task = (over: Partial<SweepTask> = {}): SweepTask => ({ id: 3, strategy: { module: smaModule }, params: { fast: 10, slow: 30, size: 100 }, run, ...over });

describe('evaluateTask', () => {
  it('reproduces the golden SMA crossover backtest from a JSON task (31 fills, final equity 176251.036)', async () => {
    const result = await evaluateTask(task());
    expect(result.id).toBe(3);
    expect(result.params).toEqual({ fast: 10, slow: 30, size: 100 });
    expect(result.summary.fills).toBe('31');
    expect(result.summary.finalEquity).toBe('176251.036');
    expect(result.metrics.totalReturn).toBeCloseTo(0.76251036, 10);
    expect(result.metrics.trades).toBe(30);
    expect(result.metrics.sharpeRatio).toBeGreaterThan(0);
  });

  it('gives identical, JSON-stable results for the same task', async () => {
    const a = await evaluateTask(task());
    const b = await evaluateTask(task());
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    expect(JSON.parse(JSON.stringify(a))).toEqual(a);
    for (const v of Object.values(a.metrics)) expect(Number.isFinite(v)).toBe(true);
  });

  it('keeps each distinct run config apart, and re-reads a bars CSV that changed', async () => {
    const first = await evaluateTask(task());
    // Another config after the first was parsed and cached: its own starting cash and instrument.
    const richer = await evaluateTask(task({ run: { ...run, ledger: { startingCash: '200000' } } }));
    expect(richer.summary.startingCash).toBe('200000');
    expect(Number(richer.summary.finalEquity) - 200000).toBeCloseTo(Number(first.summary.finalEquity) - 100000, 6);
    const dir = mkdtempSync(join(tmpdir(), 'rxtrade-evaluate-'));
    try {
      const path = join(dir, 'bars.csv');
      const lines = readFileSync(googCsv, 'utf8').trimEnd().split('\n');
      writeFileSync(path, lines.join('\n') + '\n');
      const copied = { ...run, data: [{ path, instrument: 'GOOG.NASDAQ' }] };
      expect((await evaluateTask(task({ run: copied }))).summary).toEqual(first.summary);
      // Half the rows: a different size, so the file is parsed again.
      writeFileSync(path, lines.slice(0, Math.floor(lines.length / 2)).join('\n') + '\n');
      const half = await evaluateTask(task({ run: copied }));
      expect(Number(half.summary.events)).toBeLessThan(Number(first.summary.events));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives each task the bars as read: a strategy cannot change the cached data of the tasks after it', async () => {
    const before = await evaluateTask(task());
    const failing = fileURLToPath(new URL('./__fixtures__/failing-strategy.ts', import.meta.url));
    const e = await evaluateTask(task({ strategy: { module: failing }, params: { doubleCloses: true } })).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TypeError);
    expect(String(e)).toMatch(/read only property 'close'/);
    expect(await evaluateTask(task())).toEqual(before);
  });

  it('restricts the run to the window [start, end) and trades only inside it after warm-up bars', async () => {
    const window = { start: '2006-01-03', end: '2007-01-03', warmupBars: 30 };
    const r = await evaluateTask(task({ run: { ...run, window } }));
    const plain = await evaluateTask(task({ run: { ...run, window: { start: '2006-01-03', end: '2007-01-03' } } }));
    // 251 trading days in 2006 plus 30 warm-up bars were fed; without warm-up only the 251.
    expect(r.summary.events).toBe(String(251 + 30));
    expect(plain.summary.events).toBe('251');
    // Warm-up lets the averages exist from the first day of the window, so more crosses are tradable.
    expect(Number(r.summary.fills)).toBeGreaterThan(0);
    expect(r.metrics.periods).toBe(250);
  });

  it('checks the bars of a CSV once, when read, and vouches for them and their windows in every run', async () => {
    const { config } = prepareRun(parseWith(RunConfigSchema, run, 'run'));
    const bars = (config.data as (readonly Bar[])[])[0]!;
    expect(Object.isFrozen(bars)).toBe(true);
    expect(isMarkedValidated(bars)).toBe(true);
    const windowed = prepareRun(parseWith(RunConfigSchema, { ...run, window: { start: '2006-01-03', end: '2007-01-03', warmupBars: 30 } }, 'run')).config;
    const slice = (windowed.data as (readonly Bar[])[])[0]!;
    expect(slice.length).toBe(281);
    expect(Object.isFrozen(slice)).toBe(true);
    expect(isMarkedValidated(slice)).toBe(true);
    // A frozen array is not vouched for because it is frozen: a bad bar in one fails every run.
    const bad = Object.freeze(bars.map((b, i) => Object.freeze(i === 7 ? { ...b, low: b.high + 1 } : b)));
    const instruments = [defineInstrument(goog)];
    for (let k = 0; k < 2; k++) {
      const e = await runBacktest(() => EMPTY, { instruments, ledger: { startingCash: 1 }, data: bad }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).field).toBe('data[7].low');
    }
  });

  it('names the bad field of a bad run config', async () => {
    const bad = async (r: unknown): Promise<string> => {
      const e = await evaluateTask(task({ run: r as SweepTask['run'] })).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(ValidationError);
      return (e as ValidationError).field;
    };
    expect(await bad({ ...run, ledger: { startingCash: -5 } })).toBe('run.ledger.startingCash');
    expect(await bad({ ...run, data: [{ path: googCsv, instrument: 'MSFT.NASDAQ' }] })).toBe('run.data[0].instrument');
    expect(await bad({ ...run, data: [{ path: '/nonexistent/goog.csv', instrument: 'GOOG.NASDAQ' }] })).toBe('run.data[0].path');
    expect(await bad({ ...run, window: { start: '2007-01-01', end: '2006-01-01' } })).toBe('run.window.end');
  });

  it('fails with a ValidationError when the module has no such strategy export', async () => {
    const e = await evaluateTask(task({ strategy: { module: smaModule, export: 'nope' } })).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ValidationError);
    expect((e as ValidationError).field).toBe('task.strategy.export');
  });
});

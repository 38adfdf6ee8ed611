import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseBarsCsv, instrumentId, ValidationError } from '@rxtrade/core';
import { evaluateTask } from '../search/evaluate-task';
import { gridSearch } from '../search/grid-search';
import { parseParameterSpace } from '../search/parameter-space';
import { walkForward, type WalkForwardConfig } from './walk-forward';

const googCsv = fileURLToPath(new URL('../search/__fixtures__/goog.csv', import.meta.url));
const smaModule = fileURLToPath(new URL('../search/__fixtures__/sma-strategy.ts', import.meta.url));
const times = parseBarsCsv(readFileSync(googCsv, 'utf8'), { instrumentId: instrumentId('GOOG.NASDAQ') }).bars.map((b) => b.ts);
const goog = { symbol: 'GOOG', venue: 'NASDAQ', assetClass: 'stock', base: 'GOOG', quote: 'USD', tickSize: '0.01', lotSize: '1' } as const;
const run = { data: [{ path: googCsv, instrument: 'GOOG.NASDAQ' }], instruments: [goog], ledger: { startingCash: '100000' }, venue: { commission: 0.002 } };
const space = { fast: { choices: [5, 10] }, slow: { choices: [20, 40] }, size: { choices: [100] } };
const base: WalkForwardConfig = {
  strategy: { module: smaModule },
  space,
  objective: { metric: 'totalReturn' },
  mode: 'rolling',
  inSample: { bars: 300 },
  outOfSample: { bars: 200 },
  warmupBars: 40,
  run,
};

describe('walkForward', () => {
  it('optimizes each fold in-sample, tests the winner out-of-sample and stitches the out-of-sample equity', async () => {
    const wf = await walkForward(base);
    // 1047 bars: out-of-sample windows start at bars 300, 500, 700, 900 (the last one 147 bars long).
    expect(wf.folds.map((f) => times.indexOf(f.outOfSample.start))).toEqual([300, 500, 700, 900]);
    expect(wf.folds.map((f) => times.indexOf(f.inSample.start))).toEqual([0, 200, 400, 600]);
    expect(wf.equityCurve.ts).toHaveLength(1047 - 300);
    expect(Array.from(wf.equityCurve.ts)).toEqual(times.slice(300));

    // Fold 1, checked independently: the best in-sample candidate of a plain grid of evaluateTask runs…
    const f = wf.folds[1]!;
    const window = (w: { start: number; end: number }) => ({ ...run, window: { ...w, warmupBars: 40 } });
    const candidates = gridSearch(parseParameterSpace(space));
    const scores = await Promise.all(candidates.map((params, id) => evaluateTask({ id, strategy: { module: smaModule }, params, run: window(f.inSample) })));
    const best = scores.reduce((a, b) => ((b.metrics.totalReturn ?? -Infinity) > (a.metrics.totalReturn ?? -Infinity) ? b : a));
    expect(f.params).toEqual(best.params);
    expect(f.inSampleScore).toBe(best.metrics.totalReturn);
    expect(f.candidates).toBe(4);
    // …run out-of-sample, gives the fold's score, and the stitched curve moves by its returns.
    const oos = await evaluateTask({ id: 0, strategy: { module: smaModule }, params: f.params, run: window(f.outOfSample) });
    expect(f.outOfSampleScore).toBe(oos.metrics.totalReturn);
    expect(f.degradation).toBe(f.outOfSampleScore / f.inSampleScore);
    const at = (i: number): number => wf.equityCurve.equity[times.indexOf(i) - 300]!;
    const ratio = at(times[699]!) / at(times[500]!);
    expect(ratio - 1).toBeCloseTo(oos.metrics.totalReturn!, 12);
    // The stitched total return chains the folds' out-of-sample returns.
    const chained = wf.folds.reduce((w, x) => w * (1 + x.outOfSampleScore), 1) - 1;
    expect(wf.metrics.totalReturn).toBeCloseTo(chained, 12);
    expect(wf.degradation).toBeCloseTo(wf.meanOutOfSampleScore / wf.meanInSampleScore, 15);
  });

  it('anchors every in-sample window at the first bar in anchored mode', async () => {
    const wf = await walkForward({ ...base, mode: 'anchored', inSample: { days: 600 }, outOfSample: { days: 365 } });
    expect(wf.folds.length).toBeGreaterThanOrEqual(2);
    for (const f of wf.folds) expect(f.inSample.start).toBe(times[0]);
    expect(wf.folds[1]!.inSample.end - wf.folds[0]!.inSample.end).toBe(365 * 86_400_000);
    expect(wf.folds[0]!.outOfSample.end).toBe(wf.folds[1]!.outOfSample.start);
  });

  it('gives identical results on a second run', async () => {
    const a = await walkForward(base);
    const b = await walkForward(base);
    expect(b.folds).toEqual(a.folds);
    expect(Array.from(b.equityCurve.equity)).toEqual(Array.from(a.equityCurve.equity));
  });

  it('reports a failing fold with its window and parameters and keeps the others', async () => {
    const failing = fileURLToPath(new URL('../search/__fixtures__/failing-strategy.ts', import.meta.url));
    // Fails on any bar from bar 750 on: fold 2's out-of-sample run (bars 700 to 900) fails after its
    // in-sample search succeeded; every in-sample candidate of fold 3 (bars 600 to 900) fails; and the
    // candidates with fast 5 fail in every fold (failOn).
    const wf = await walkForward({ ...base, strategy: { module: failing }, space: { ...space, failFrom: { choices: [times[750]!] }, failOn: { choices: [5] } } });
    expect(wf.folds.map((f) => f.index)).toEqual([0, 1]);
    expect(wf.folds[0]!.candidates).toBe(2);
    expect(wf.folds[0]!.failures.map((f) => f.params.fast)).toEqual([5, 5]);
    expect(wf.failures).toHaveLength(2);
    const [oos, is] = wf.failures;
    expect(oos).toMatchObject({ index: 2, stage: 'out-of-sample', inSample: { start: times[400], end: times[700] }, outOfSample: { start: times[700], end: times[900] } });
    expect(oos!.params).toMatchObject({ fast: 10, failFrom: times[750] });
    expect(oos!.error).toBe('deliberate failure at 2007-08-13');
    expect(is).toMatchObject({ index: 3, stage: 'in-sample', outOfSample: { start: times[900] } });
    expect(is!.params).toBeUndefined();
    expect(is!.error).toMatch(/all 4 in-sample candidates failed; task 0 \{.*\}: deliberate failure/);
    // The stitched curve covers the folds that ran.
    expect(wf.equityCurve.ts).toHaveLength(400);
    expect(JSON.parse(JSON.stringify(wf.failures))).toEqual(wf.failures);
  });

  it('rejects at the first failing fold with failFast', async () => {
    const failing = fileURLToPath(new URL('../search/__fixtures__/failing-strategy.ts', import.meta.url));
    const e = await walkForward({ ...base, strategy: { module: failing }, space: { ...space, failFrom: { choices: [times[750]!] } }, failFast: true }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(Error);
    expect((e as Error).message).toMatch(/fold 2 .*out-of-sample.*deliberate failure at 2007-08-13|deliberate failure at 2007-/);
  });

  it('names the bad field of a bad config', async () => {
    const e = await walkForward({ ...base, mode: 'sideways' as never }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ValidationError);
    expect((e as ValidationError).field).toBe('walkForward.mode');
    const tooLong = await walkForward({ ...base, inSample: { bars: 5000 } }).catch((x: unknown) => x);
    expect((tooLong as ValidationError).field).toBe('walkForward.inSample');
  });
});

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { filter, from, lastValueFrom, map, tap, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { BacktestClock, Decimal, defineInstrument, Returns, toFeatures, WorkTracker, type FeatureRow, type Pipeline, type SubmitOrder } from '@rxtrade/core';
import { readBarsCsv } from '@rxtrade/connectors';
import { runBacktest } from '@rxtrade/backtest';
import type { Model } from '../models/model';
import { ModelRegistry } from './model-registry';
import type { ModelVersionSource, TrainingSet } from './model-version';
import { predictVersioned } from './predict-versioned';
import { hashTrainingData } from './training-data-hash';
import { walkForwardModel } from './walk-forward-model';

const goog = defineInstrument({ symbol: 'GOOG', venue: 'NASDAQ', assetClass: 'stock', base: 'GOOG', quote: 'USD', tickSize: '0.01', lotSize: '1' });
const { bars } = readBarsCsv(new URL('../../../../examples/sma-crossover/fixtures/goog.csv', import.meta.url).pathname, { instrumentId: goog.id });
// Feature 0: the bar's own open-to-close move, the move an order placed on the previous bar earns (it fills at this bar's open).
const features = () => toFeatures({ features: { intraday: { input: (b) => b.close / b.open - 1 }, ret1: new Returns(1) } });
const rows = await lastValueFrom(from(bars).pipe(features(), toArray()));
const names = ['intraday', 'ret1'];

const key = (values: ArrayLike<number>): string => Array.from(values).join(',');

/**
 * A "model" that cheats as far as its data lets it: it memorises, for every row it was trained on, the
 * next row's open-to-close move, and predicts exactly that move for a row it has seen (0 otherwise).
 * Given the future it wins every trade.
 */
function memoriser(set: readonly FeatureRow[], seen?: number[]): Model {
  const memo = new Map<string, number>();
  for (let i = 0; i + 1 < set.length; i++) memo.set(key(set[i]!.values), set[i + 1]!.values[0]!);
  seen?.push(...set.map((r) => r.ts));
  return {
    inputShape: { name: 'x', dims: [null, 2], dtype: 'float64' },
    outputShape: { name: 'y', dims: [null, 1], dtype: 'float32' },
    predict: async (input) => Float32Array.of(memo.get(key(input)) ?? 0),
  };
}

/** Long 100 when the prediction is up, short 100 when down, flat when 0. Records which version served which row. */
const strategy =
  (source: ModelVersionSource, served: [number, string][] = []): Pipeline =>
  (ctx) =>
    ctx.market.bars(goog.id).pipe(
      features(),
      predictVersioned(source, { work: ctx.work }),
      tap((p) => served.push([p.ts, p.version])),
      map((p): SubmitOrder | undefined => {
        const target = new Decimal(Math.sign(p.output[0]!) * 100);
        const delta = target.minus(ctx.ledger.positionQuantity(goog.id));
        return delta.isZero() ? undefined : ctx.orderFactory.market({ instrumentId: goog.id, side: delta.gt(0) ? 'BUY' : 'SELL', quantity: delta.abs() });
      }),
      filter((o): o is SubmitOrder => o !== undefined),
    );

const config = { data: bars, instruments: [goog], ledger: { startingCash: 100_000 } };

describe('walkForwardModel', () => {
  it('leaves a model that memorises the future no edge: it is trained only on rows before each retraining time', async () => {
    // The leak, for contrast: the same trainer handed every row wins nearly every trade.
    const leaked = memoriser(rows);
    const leakRun = await runBacktest(strategy({ versionAt: () => ({ version: 'leak', model: leaked, parent: null, trainingWindow: { start: 0, end: 0, rows: 0 }, dataHash: '', metrics: {} }) }), config);
    expect(leakRun.summary.fills).toBeGreaterThan(300);
    expect(leakRun.summary.finalEquity.toNumber()).toBeGreaterThan(500_000);

    const seen: number[][] = [];
    const wf = await walkForwardModel({
      rows,
      names,
      retrain: { everyBars: 100 },
      minTrainingRows: 200,
      train: ({ rows: set, trainedThrough }: TrainingSet<FeatureRow>) => {
        const ts: number[] = [];
        const model = memoriser(set, ts);
        seen.push(ts);
        expect(Math.max(...ts)).toBe(trainedThrough);
        return { model };
      },
    });
    // Trained after rows 200, 300, …, 1000 (the last row, 1045, would serve nothing).
    expect(wf.versions.map((v) => v.trainingWindow.rows)).toEqual([200, 300, 400, 500, 600, 700, 800, 900, 1000]);
    wf.versions.forEach((v, k) => {
      expect(v.version).toBe(`v000${k + 1}`);
      expect(v.parent).toBe(k === 0 ? null : `v000${k}`);
      expect(v.trainingWindow).toEqual({ start: rows[0]!.ts, end: rows[v.trainingWindow.rows - 1]!.ts, rows: v.trainingWindow.rows });
      expect(v.trainedThrough).toBe(v.trainingWindow.end);
      expect(v.activeFrom).toBe(rows[v.trainingWindow.rows]!.ts);
      expect(v.dataHash).toBe(hashTrainingData(names, rows.slice(0, v.trainingWindow.rows)));
      expect(seen[k]).toEqual(rows.slice(0, v.trainingWindow.rows).map((r) => r.ts));
    });

    const served: [number, string][] = [];
    const run = await runBacktest(strategy(wf, served), config);
    // Every row is predicted by the newest version trained strictly before it, from the first row after its training.
    expect(served.length).toBe(rows.length - 200);
    for (const [ts, version] of served) {
      const v = wf.versions.find((x) => x.version === version)!;
      expect(v.trainedThrough).toBeLessThan(ts);
      expect(wf.versions.filter((x) => x.trainedThrough < ts).at(-1)).toBe(v);
    }
    expect(served.filter(([ts]) => wf.versions.some((v) => v.activeFrom === ts)).map(([, v]) => v)).toEqual(wf.versions.map((v) => v.version));
    // The memoriser never saw a row it predicts, so it never has an opinion: the edge is gone.
    expect(run.summary.fills).toBe(0);
    expect(run.summary.finalEquity.toString()).toBe('100000');
  });

  it('retrains at calendar boundaries on a rolling window, and saves every version to a registry', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-registry-'));
    try {
      const registry = new ModelRegistry(dir, { clock: new BacktestClock(0) });
      const sets: TrainingSet<FeatureRow>[] = [];
      const wf = await walkForwardModel({
        rows,
        names,
        retrain: { every: 'month' },
        window: { rollingBars: 120 },
        minTrainingRows: 250,
        train: async (set: TrainingSet<FeatureRow>) => {
          sets.push(set);
          return { model: memoriser(set.rows), metrics: { rows: set.rows.length }, files: { 'memo.json': JSON.stringify(set.rows.length) } };
        },
        registry,
      });
      const month = (ts: number) => new Date(ts).toISOString().slice(0, 7);
      // The first version comes at the 250th row; each later one after the last row of a month, and serves the next month from its first row.
      expect(wf.versions[0]!.trainingWindow.rows).toBe(120);
      expect(wf.versions[0]!.trainedThrough).toBe(rows[249]!.ts);
      for (const v of wf.versions.slice(1)) {
        const i = rows.findIndex((r) => r.ts === v.trainedThrough);
        expect(month(rows[i + 1]!.ts)).not.toBe(month(v.trainedThrough));
        expect(v.activeFrom).toBe(rows[i + 1]!.ts);
        expect(v.trainingWindow).toEqual({ start: rows[i - 119]!.ts, end: rows[i]!.ts, rows: 120 });
      }
      expect(wf.versions.length).toBeGreaterThan(25);
      expect(sets.every((s, k) => s.previous === (k === 0 ? undefined : wf.versions[k - 1]))).toBe(true);

      const saved = await registry.list();
      expect(saved.map((m) => m.version)).toEqual(wf.versions.map((v) => v.version));
      expect(saved.map((m) => m.parent)).toEqual([null, ...wf.versions.slice(0, -1).map((v) => v.version)]);
      expect(saved.map((m) => m.dataHash)).toEqual(wf.versions.map((v) => v.dataHash));
      expect(saved[3]!.trainingWindow).toEqual(wf.versions[3]!.trainingWindow);
      expect(saved[3]!.features).toEqual(names);
      expect(await (await registry.load('v0004')).text('memo.json')).toBe('120');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses bad configuration, naming the field', async () => {
    const train = ({ rows: set }: TrainingSet<FeatureRow>) => ({ model: memoriser(set) });
    await expect(walkForwardModel({ rows, retrain: { everyBar: 5 } as never, minTrainingRows: 10, train })).rejects.toThrow(/walkForwardModel\.retrain\.everyBar: unknown option; did you mean "everyBars"\?/);
    await expect(walkForwardModel({ rows, retrain: { everyBars: 5 }, minTrainingRows: 0, train })).rejects.toThrow(/walkForwardModel\.minTrainingRows/);
    await expect(walkForwardModel({ rows, names: ['one'], retrain: { everyBars: 5 }, minTrainingRows: 10, train })).rejects.toThrow(/rows\[0\]\.values: must hold 1 values/);
    await expect(walkForwardModel({ rows: [rows[1]!, rows[0]!], retrain: { everyBars: 5 }, minTrainingRows: 1, train })).rejects.toThrow(/rows\[1\]\.ts: must not be before/);
    await expect(walkForwardModel({ rows, retrain: { everyBars: 500 }, minTrainingRows: 10, train: () => ({}) as never })).rejects.toThrow(/train: must return \{ model \}/);
    expect(() => predictVersioned({} as never, { work: new WorkTracker() })).toThrow(/source: must have versionAt/);
    expect(() => predictVersioned({ versionAt: () => undefined }, { work: new WorkTracker(), inputs: () => [] } as never)).toThrow(/options\.inputs: unknown option; did you mean "input"\?/);
  });
});

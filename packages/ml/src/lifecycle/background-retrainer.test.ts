import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { from, ignoreElements, lastValueFrom, mergeMap, tap, toArray, type OperatorFunction } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { BacktestClock, defineInstrument, instrumentRegistry, mapAsync, ReplayDataClient, Returns, toFeatures, type FeatureRow, type Pipeline, type WorkTracker } from '@rxtrade/core';
import { readBarsCsv, RISK_WAIVER, runLive } from '@rxtrade/connectors';
import { SimulatedVenue } from '@rxtrade/execution';
import type { Model } from '../models/model';
import { BackgroundRetrainer } from './background-retrainer';
import type { TrainingSet } from './model-version';
import { predictVersioned } from './predict-versioned';
import { walkForwardModel } from './walk-forward-model';

const goog = defineInstrument({ symbol: 'GOOG', venue: 'NASDAQ', assetClass: 'stock', base: 'GOOG', quote: 'USD', tickSize: '0.01', lotSize: '1' });
const { bars: allBars } = readBarsCsv(new URL('../../../../examples/sma-crossover/fixtures/goog.csv', import.meta.url).pathname, { instrumentId: goog.id });
const bars = allBars.slice(0, 260);
const features = () => toFeatures({ features: { ret1: new Returns(1), ret5: new Returns(5) } });
const names = ['ret1', 'ret5'];

/** A model that answers its own number, after a few turns of the event loop (as remote inference would). */
function numbered(n: number, onPredict?: () => Promise<void> | void): Model {
  return {
    inputShape: { name: 'x', dims: [null, 2], dtype: 'float64' },
    outputShape: { name: 'y', dims: [null, 1], dtype: 'float32' },
    predict: async () => {
      await onPredict?.();
      await new Promise<void>((resolve) => setImmediate(resolve));
      return Float32Array.of(n);
    },
  };
}

/** Three predictions per bar: the bar's row and two variants of it, all with the bar's ts. */
const threePerBar: OperatorFunction<FeatureRow, FeatureRow> = mergeMap((row) => [row, { ...row, values: row.values.map((v) => v * 2) }, { ...row, values: row.values.map((v) => -v) }]);

interface Scenario {
  /** Per bar ts, the versions its three predictions came from. */
  readonly perBar: Map<number, string[]>;
  /** Bars handled while the second training was running. */
  readonly barsDuringTraining: number;
}

/**
 * A live node on a replayed feed: the retrainer trains after 60 rows and again every 50; the second
 * training is held open until the old model's second prediction of a later bar releases it, and that
 * prediction waits for the swap. So the swap lands in the middle of a bar's predictions.
 */
async function scenario(stage: (retrainer: BackgroundRetrainer<FeatureRow>, work: WorkTracker) => OperatorFunction<FeatureRow, { ts: number; version: string }>): Promise<Scenario> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'retrain-live-'));
  const perBar = new Map<number, string[]>();
  let release: (() => void) | undefined;
  let swapped: () => void = () => {};
  const swappedOnce = new Promise<void>((resolve) => (swapped = resolve));
  let trainings = 0;
  let barsDuringTraining = 0;
  let predictionsOfBar = 0;
  let currentBar = Number.NaN;
  const retrainer = new BackgroundRetrainer({
    names,
    retrain: { everyBars: 50 },
    minTrainingRows: 60,
    train: async ({ rows }: TrainingSet<FeatureRow>) => {
      const n = ++trainings;
      if (n === 2) await new Promise<void>((resolve) => (release = resolve));
      return {
        model: numbered(n, async () => {
          predictionsOfBar++;
          // The old model's second prediction of the fifth bar after the second training started releases it.
          if (n === 1 && release !== undefined && barsDuringTraining >= 5 && predictionsOfBar === 2) {
            const open = release;
            release = undefined;
            open();
            await swappedOnce;
          }
        }),
        metrics: { rows: rows.length },
      };
    },
    onSwap: ({ to }) => {
      if (to === 'v0002') swapped();
    },
  });
  const clock = new BacktestClock(bars[0]!.ts);
  const pipeline: Pipeline = (ctx) =>
    ctx.market.bars(goog.id).pipe(
      tap((bar) => {
        currentBar = bar.ts;
        predictionsOfBar = 0;
        if (retrainer.training && trainings === 2) barsDuringTraining++;
      }),
      features(),
      retrainer.observe(),
      threePerBar,
      stage(retrainer, ctx.work),
      tap(({ ts, version }) => {
        expect(ts).toBe(currentBar);
        perBar.set(ts, [...(perBar.get(ts) ?? []), version]);
      }),
      ignoreElements(),
    );
  try {
    const node = await runLive(pipeline, {
      nodeId: 'retrain',
      venues: [new SimulatedVenue({ clock, instruments: instrumentRegistry([goog]) })],
      dataClients: [new ReplayDataClient({ data: bars })],
      subscriptions: [{ instrumentId: goog.id, kind: 'bars' }],
      instruments: [goog],
      ledger: { startingCash: 100_000 },
      risk: { waive: RISK_WAIVER },
      journal: { dir: path.join(dir, 'journal'), fsync: 'never', recordMarketData: false },
      signals: false,
      clock,
    });
    await node.drained();
    await node.stop();
    // Had the scenario never released the training, the test fails here rather than waiting forever.
    const unreleased = release !== undefined;
    release?.();
    await retrainer.whenIdle();
    expect(unreleased).toBe(false);
    return { perBar, barsDuringTraining };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('BackgroundRetrainer in a live node', () => {
  it('keeps handling bars while a training runs, and swaps the new version in between bars: never two versions in one bar', async () => {
    const { perBar, barsDuringTraining } = await scenario((retrainer, work) => predictVersioned(retrainer, { work }));
    expect(barsDuringTraining).toBeGreaterThanOrEqual(5);
    const versions = [...perBar.values()];
    for (const v of versions) {
      expect(v.length).toBe(3);
      expect(new Set(v).size, `one bar predicted by ${v.join(', ')}`).toBe(1);
    }
    // Old version before the swap, new version after it, and no bar back.
    const sequence = versions.map((v) => v[0]!);
    expect(sequence[0]).toBe('v0001');
    expect(sequence).toContain('v0002');
    expect([...sequence].sort()).toEqual(sequence);
  });

  it('would mix versions within a bar if the stage read the current version at each prediction (the scenario is sharp)', async () => {
    const naive = (retrainer: BackgroundRetrainer<FeatureRow>, work: WorkTracker) => (rows: import('rxjs').Observable<FeatureRow>) =>
      rows.pipe(
        mapAsync(
          async (row: FeatureRow) => {
            const v = retrainer.current;
            if (v === undefined) return undefined;
            await v.model.predict(row.values, 1);
            return { ts: row.ts, version: v.version };
          },
          { work },
        ),
        mergeMap((p) => (p === undefined ? [] : [p])),
      );
    const { perBar } = await scenario(naive);
    expect([...perBar.values()].some((v) => new Set(v).size > 1)).toBe(true);
  });
});

describe('BackgroundRetrainer', () => {
  it('trains on the same rows as walkForwardModel does in a backtest, for counts and calendar periods', async () => {
    const rows = await lastValueFrom(from(allBars).pipe(features(), toArray()));
    for (const schedule of [{ retrain: { everyBars: 70 }, window: 'anchored' as const }, { retrain: { every: 'month' as const }, window: { rollingBars: 90 } }]) {
      const train = ({ rows: set }: TrainingSet<FeatureRow>) => ({ model: numbered(set.length) });
      const wf = await walkForwardModel({ rows, names, minTrainingRows: 120, train, ...schedule });
      const hashes: string[] = [];
      const retrainer = new BackgroundRetrainer({ names, minTrainingRows: 120, train, onSwap: () => hashes.push(retrainer.current!.dataHash), ...schedule });
      const feed = retrainer.observe();
      for (const row of rows) {
        await lastValueFrom(from([row]).pipe(feed));
        await retrainer.whenIdle();
      }
      // The backtest skips a training after the last row (nothing would use it); live cannot know it is the last.
      expect(hashes.slice(0, wf.versions.length)).toEqual(wf.versions.map((v) => v.dataHash));
      expect(hashes.length - wf.versions.length).toBeLessThanOrEqual(1);
    }
  });

  it('starts the training that history makes due at once, and counts history towards the schedule', async () => {
    const history = Array.from({ length: 150 }, (_, i): FeatureRow => ({ instrumentId: goog.id, ts: i, values: Float64Array.of(i, -i) }));
    const sizes: number[] = [];
    const retrainer = new BackgroundRetrainer({ names, retrain: { everyBars: 100 }, minTrainingRows: 120, history, train: ({ rows }) => (sizes.push(rows.length), { model: numbered(rows.length) }) });
    await retrainer.whenIdle();
    expect(retrainer.current?.trainingWindow).toEqual({ start: 0, end: 119, rows: 120 });
    const feed = retrainer.observe();
    for (let ts = 150; ts < 220; ts++) await lastValueFrom(from([{ instrumentId: goog.id, ts, values: Float64Array.of(ts, -ts) }]).pipe(feed));
    await retrainer.whenIdle();
    expect(sizes).toEqual([120, 220]);
  });

  it('keeps serving the current version when a training fails, and reports the failure', async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const retrainer = new BackgroundRetrainer({
      names,
      retrain: { everyBars: 2 },
      minTrainingRows: 2,
      train: () => {
        if (++calls === 2) throw new Error('out of memory');
        return { model: numbered(calls) };
      },
      onError: (e) => errors.push(e),
    });
    const row = (ts: number): FeatureRow => ({ instrumentId: goog.id, ts, values: Float64Array.of(0.01, 0.02) });
    const feed = retrainer.observe();
    for (let ts = 1; ts <= 4; ts++) {
      await lastValueFrom(from([row(ts)]).pipe(feed));
      await retrainer.whenIdle();
      if (ts === 2) expect(retrainer.current?.version).toBe('v0001');
    }
    expect(retrainer.current?.version).toBe('v0001');
    expect((errors[0] as Error).message).toBe('out of memory');
    expect((retrainer.lastError as Error).message).toBe('out of memory');
    expect(() => new BackgroundRetrainer({ names, retrain: { everyBars: 2 }, minTrainingRows: 2, train: () => ({ model: numbered(1) }), onswap: () => {} } as never)).toThrow(/BackgroundRetrainer\.onswap: unknown option; did you mean "onSwap"\?/);
    await expect(lastValueFrom(from([{ ...row(9), values: Float64Array.of(1) }]).pipe(feed))).rejects.toThrow(/row\.values: must hold 2 values/);
  });
});

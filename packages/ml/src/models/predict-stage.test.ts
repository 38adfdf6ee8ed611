import { fileURLToPath } from 'node:url';
import { Subject, filter, from, lastValueFrom, toArray } from 'rxjs';
import { afterAll, describe, expect, it } from 'vitest';
import { Returns, ValidationError, WorkTracker, defineInstrument, toFeatures, window, type Bar, type FeatureRow } from '@rxtrade/core';
import { readBarsCsv } from '@rxtrade/connectors';
import type { Model } from './model';
import { OnnxModel } from './onnx-model';
import { predictStage, type Prediction } from './predict-stage';
import { StandardScaler } from './scalers/standard-scaler';
import { CNN_LSTM_ONNX } from './__fixtures__/reference';

const goog = defineInstrument({ symbol: 'GOOG', venue: 'NASDAQ', assetClass: 'stock', base: 'GOOG', quote: 'USD', tickSize: '0.01', lotSize: '1' });
const { bars } = readBarsCsv(fileURLToPath(new URL('../../../../examples/sma-crossover/fixtures/goog.csv', import.meta.url)), { instrumentId: goog.id });
const features = () => toFeatures({ features: { r1: new Returns(1), r2: new Returns(2), r5: new Returns(5) } });
const model = await OnnxModel.load(CNN_LSTM_ONNX);
afterAll(() => model.dispose());

const run = async (input$: ReturnType<typeof from<Bar[]>>, stage: ReturnType<typeof predictStage>, withWindow: boolean): Promise<Prediction[]> =>
  lastValueFrom((withWindow ? input$.pipe(features(), window(8), stage) : input$.pipe(features(), stage)).pipe(toArray()));

describe('predictStage', () => {
  it('predicts at every window what the model predicts for a copy of that window, from windows or from rows', async () => {
    const rows = await lastValueFrom(from(bars).pipe(features(), toArray()));
    const expected: number[][] = [];
    const expectedTs: number[] = [];
    for (let i = 7; i < rows.length; i++) {
      const sample = new Float32Array(24);
      for (let k = 0; k < 8; k++) sample.set(rows[i - 7 + k]!.values, k * 3);
      expected.push(Array.from(await model.predict(sample, 1)));
      expectedTs.push(rows[i]!.ts);
    }
    const fromWindows = await run(from(bars), predictStage(model, { work: new WorkTracker() }), true);
    const fromRows = await run(from(bars), predictStage(model, { work: new WorkTracker() }), false);
    expect(fromWindows.length).toBe(rows.length - 7);
    expect(fromWindows.map((p) => p.ts)).toEqual(expectedTs);
    expect(fromWindows.map((p) => Array.from(p.values))).toEqual(expected);
    expect(fromRows.map((p) => Array.from(p.values))).toEqual(expected);
    expect(fromRows.every((p) => p.instrumentId === goog.id)).toBe(true);
    expect(fromWindows[0]!.instrumentId).toBeUndefined();
  });

  it('scales each row with the scaler on its way in', async () => {
    const rows = await lastValueFrom(from(bars).pipe(features(), toArray()));
    const scaler = StandardScaler.fit(rows.slice(0, 500).map((r) => r.values));
    const predictions = await run(from(bars), predictStage(model, { work: new WorkTracker(), scaler }), true);
    const last = new Float32Array(24);
    rows.slice(-8).forEach((r, k) => last.set(scaler.transform(r.values), k * 3));
    expect(Array.from(predictions.at(-1)!.values)).toEqual(Array.from(await model.predict(last, 1)));
  });

  it('keeps each queued sample intact while rows arrive faster than the model answers (live), with a small ring', async () => {
    // A model that reads its input only after a macrotask, as a remote or threaded model may: the sum of each row.
    const reads: number[][] = [];
    const slow: Model = {
      inputShape: { name: 'x', dims: [null, 4, 2], dtype: 'float32' },
      outputShape: { name: 'y', dims: [null, 1], dtype: 'float32' },
      predict: async (input) => {
        await new Promise((resolve) => setImmediate(resolve));
        reads.push(Array.from(input));
        let sum = 0;
        for (const v of input) sum += v;
        return Float32Array.of(sum);
      },
    };
    const work = new WorkTracker();
    const rows$ = new Subject<FeatureRow>();
    const out = lastValueFrom(rows$.pipe(predictStage(slow, { work, slack: 1 }), toArray()));
    const row = (i: number, ts = i): FeatureRow => ({ instrumentId: goog.id, ts, values: Float64Array.of(i, 100 + i) });
    for (let i = 0; i < 30; i++) rows$.next(row(i)); // all at once: 27 samples queued behind the first
    rows$.next(row(29.5, 29)); // a revision of the last row while everything is queued
    expect(work.pending).toBe(28);
    rows$.complete();
    const predictions = await out;
    // Samples end at rows 3..29, then the revised row 29 (29.5): the queued sample of row 29 kept its values.
    const expected = [...Array.from({ length: 27 }, (_, k) => k + 3), 29].map((newest, s) => {
      const idx = [newest - 3, newest - 2, newest - 1, newest];
      if (s === 27) idx[3] = 29.5;
      return idx.flatMap((i) => [i, 100 + i]);
    });
    expect(reads).toEqual(expected);
    expect(predictions.map((p) => p.ts)).toEqual([...Array.from({ length: 27 }, (_, k) => k + 3), 29]);
    expect(work.pending).toBe(0);
  });

  it('follows a filtered window stream by rewriting the window when one does not follow the previous', async () => {
    const all = await run(from(bars), predictStage(model, { work: new WorkTracker() }), true);
    const some = await lastValueFrom(from(bars).pipe(features(), window(8), filter((_, i) => i % 3 === 0), predictStage(model, { work: new WorkTracker() }), toArray()));
    expect(some.map((p) => Array.from(p.values))).toEqual(all.filter((_, i) => i % 3 === 0).map((p) => Array.from(p.values)));
  });

  it('refuses windows or rows that do not fit the model, naming the expected shape, and unknown options', async () => {
    await expect(lastValueFrom(from(bars).pipe(features(), window(5), predictStage(model, { work: new WorkTracker() })))).rejects.toThrow(
      'predictStage.input: windows of 5 x 3 = 15 values do not fit input "x" [?, 8, 3]: 8 rows of 3 (24 values) per sample',
    );
    const fiveFeatures = toFeatures({ features: { r1: new Returns(1), r2: new Returns(2), r3: new Returns(3), r4: new Returns(4), r5: new Returns(5) } });
    await expect(lastValueFrom(from(bars).pipe(fiveFeatures, predictStage(model, { work: new WorkTracker() })))).rejects.toThrow(
      'predictStage.input: rows of 5 features do not fit input "x" [?, 8, 3]: 24 values per sample',
    );
    const scaler = StandardScaler.fit([[1, 2], [3, 4]]);
    await expect(lastValueFrom(from(bars).pipe(features(), predictStage(model, { work: new WorkTracker(), scaler })))).rejects.toThrow(
      'predictStage.scaler: scales 2 features; the rows have 3',
    );
    expect(() => predictStage(model, { work: new WorkTracker(), slak: 3 } as never)).toThrow('predictStage.slak: unknown option; did you mean "slack"?');
    expect(() => predictStage(model, { work: {} } as never)).toThrow(ValidationError);
  });
});

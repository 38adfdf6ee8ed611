import { fileURLToPath } from 'node:url';
import { from, mergeMap, tap } from 'rxjs';
import { afterAll, describe, expect, it } from 'vitest';
import { Returns, ZScore, defineInstrument, toFeatures, window, type Bar, type Instrument, type Pipeline } from '@rxtrade/core';
import { readBarsCsv } from '@rxtrade/connectors';
import { runBacktest } from '@rxtrade/backtest';
import { OnnxModel } from './onnx-model';
import { precomputePredictions, type FeatureFactory, type PrecomputedPredictions } from './precompute-predictions';
import { predictBars } from './predict-bars';
import type { Prediction } from './predict-stage';
import { StandardScaler } from './scalers/standard-scaler';
import { CNN_LSTM_ONNX } from './__fixtures__/reference';

const csv = fileURLToPath(new URL('../../../../examples/sma-crossover/fixtures/goog.csv', import.meta.url));
const stock = (symbol: string): Instrument => defineInstrument({ symbol, venue: 'NASDAQ', assetClass: 'stock', base: symbol, quote: 'USD', tickSize: '0.01', lotSize: '1' });
const goog = stock('GOOG');
const alt = stock('ALT');
const googBars = readBarsCsv(csv, { instrumentId: goog.id }).bars;
// A second instrument: GOOG's bars reversed in price order, on the same days.
const altBars: Bar[] = googBars.map((b, i) => {
  const src = googBars[googBars.length - 1 - i]!;
  return { ...src, ts: b.ts, instrumentId: alt.id };
});
const bothBars = [...googBars, ...altBars].sort((a, b) => a.ts - b.ts || (a.instrumentId < b.instrumentId ? -1 : 1));

const model = await OnnxModel.load(CNN_LSTM_ONNX);
afterAll(() => model.dispose());
const features: FeatureFactory = () => (bars$) => bars$.pipe(toFeatures({ features: { r1: new Returns(1), r5: new Returns(5), z: { then: [new ZScore(20)] } } }), window(8));
// Fitted on the features of the first 300 bars only.
const trainingRows: Float64Array[] = [];
toFeatures({ features: { r1: new Returns(1), r5: new Returns(5), z: { then: [new ZScore(20)] } } })(from(googBars.slice(0, 300))).subscribe((r) => trainingRows.push(r.values));
const scaler = StandardScaler.fit(trainingRows);

type BacktestResult = Awaited<ReturnType<typeof runBacktest>>;

/** Holds 10 shares of an instrument while the model's first output rises from one prediction to the next, none while it falls. */
const strategy =
  (mode: { precomputed?: PrecomputedPredictions }, seen: Prediction[]): Pipeline =>
  (ctx) => {
    const previous = new Map<string, number>();
    return ctx.market.bars().pipe(
      predictBars(model, mode.precomputed ? { work: ctx.work, precomputed: mode.precomputed } : { work: ctx.work, features, scaler }),
      tap((p) => seen.push({ ts: p.ts, instrumentId: p.instrumentId, values: p.values.slice() })),
      mergeMap((p) => {
        const before = previous.get(p.instrumentId!);
        previous.set(p.instrumentId!, p.values[0]!);
        if (before === undefined || before === p.values[0]) return [];
        const target = p.values[0]! > before ? 10 : 0;
        const delta = target - ctx.ledger.positionQuantity(p.instrumentId!).toNumber();
        return delta === 0 ? [] : [ctx.orderFactory.market({ instrumentId: p.instrumentId!, side: delta > 0 ? 'BUY' : 'SELL', quantity: Math.abs(delta) })];
      }),
    );
  };

const fills = (r: BacktestResult): string[] => r.fills.map((f) => `${f.ts} ${f.instrumentId} ${f.side} ${f.quantity} @ ${f.price}`);

describe('predictBars', () => {
  it('gives the same predictions, fills and equity on every run in the streaming mode', async () => {
    const config = { data: googBars, instruments: [goog], ledger: { startingCash: 100_000 } };
    const runs: { seen: Prediction[]; result: BacktestResult }[] = [];
    for (let i = 0; i < 3; i++) {
      const seen: Prediction[] = [];
      runs.push({ seen, result: await runBacktest(strategy({}, seen), config) });
    }
    const [first, ...rest] = runs;
    expect(first!.result.fills.length).toBeGreaterThan(20);
    expect(first!.seen.length).toBe(googBars.length - 19 - 7); // ZScore(20) warms up over 19 bars, the window over 7 more
    for (const r of rest) {
      expect(fills(r.result)).toEqual(fills(first!.result));
      expect(r.result.summary.finalEquity.toString()).toBe(first!.result.summary.finalEquity.toString());
      expect(r.seen).toEqual(first!.seen);
    }
  });

  it('gives identical predictions, fills and equity precomputed in batches and streaming, on one and on two instruments', async () => {
    for (const [data, instruments] of [
      [googBars, [goog]],
      [bothBars, [goog, alt]],
    ] as [Bar[], Instrument[]][]) {
      const config = { data, instruments, ledger: { startingCash: 100_000 } };
      const streamed: Prediction[] = [];
      const streaming = await runBacktest(strategy({}, streamed), config);
      const precomputed = await precomputePredictions(model, { bars: data, features, scaler, batchSize: 100 });
      expect(precomputed.count).toBe(streamed.length);
      const ahead: Prediction[] = [];
      const fromPrecomputed = await runBacktest(strategy({ precomputed }, ahead), config);
      expect(ahead).toEqual(streamed);
      expect(fills(fromPrecomputed)).toEqual(fills(streaming));
      expect(fromPrecomputed.summary.finalEquity.toString()).toBe(streaming.summary.finalEquity.toString());
      expect(Array.from(fromPrecomputed.equityCurve.equity)).toEqual(Array.from(streaming.equityCurve.equity));
      expect(streaming.fills.length).toBeGreaterThan(20);
    }
  });

  it('refuses precomputed predictions for other bars, another model or other features', async () => {
    const precomputed = await precomputePredictions(model, { bars: googBars.slice(0, 100), features, scaler });
    const config = { data: googBars.slice(0, 101), instruments: [goog], ledger: { startingCash: 100_000 } };
    await expect(runBacktest(strategy({ precomputed }, []), config)).rejects.toThrow(
      /predictBars\.bar: GOOG\.NASDAQ bar 100 \(ts \d+\) is not the bar the predictions were computed for \(only 100 bars\)/,
    );
    const other = await OnnxModel.load(CNN_LSTM_ONNX);
    expect(() => predictBars(other, { work: { begin() {}, end() {} } as never, precomputed })).toThrow('predictBars.model: is not the model the precomputed predictions were made with');
    expect(() => predictBars(model, { work: { begin() {}, end() {} } as never, precomputed, features: () => features() })).toThrow('predictBars.features: is not the features');
    expect(() => predictBars(model, { work: { begin() {}, end() {} } as never })).toThrow('predictBars.features: is needed in the streaming mode');
    await other.dispose();
  });
});

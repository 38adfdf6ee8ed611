import { readFileSync } from 'node:fs';
import { filter, map, tap } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { defineInstrument, mapAsync, RealizedVolatility, Returns, Rsi, toFeatures, ZScore, type Bar, type Pipeline } from '@rxtrade/core';
import { runBacktest } from '@rxtrade/backtest';
import { OnnxModel } from '../models/onnx-model';
import type { Model } from '../models/model';
import { XgboostModel } from './xgboost-model';
import { loadReference, modelJson, modelOnnx } from './__fixtures__/reference';

const ref = loadReference();
const nf = ref.names.length;
const goog = defineInstrument({ symbol: 'GOOG', venue: 'NASDAQ', assetClass: 'stock', base: 'GOOG', quote: 'USD', tickSize: '0.01', lotSize: '1' });

/** GOOG daily bars of examples/sma-crossover/fixtures/goog.csv, the file the Python features came from. */
function googBars(): Bar[] {
  const lines = readFileSync(new URL('../../../../examples/sma-crossover/fixtures/goog.csv', import.meta.url), 'utf8').trim().split('\n');
  expect(lines[0]).toBe('Date,Open,High,Low,Close,Volume');
  return lines.slice(1).map((line) => {
    const [date, open, high, low, close, volume] = line.split(',');
    return { type: 'Bar', instrumentId: goog.id, ts: Date.parse(`${date}T00:00:00Z`), open: +open!, high: +high!, low: +low!, close: +close!, volume: +volume! };
  });
}

/** The features of xgboost-fixtures.py, by core's operators; warm-up rows carry NaN (missing values for the trees). */
const features = () =>
  toFeatures({
    features: {
      ret1: new Returns(1),
      ret5: new Returns(5),
      rsi14: new Rsi(14),
      vol20: new RealizedVolatility({ period: 20, annualization: 252 }),
      z20: new ZScore(20),
      range: { input: (b: Bar) => (b.high - b.low) / b.close },
      logvz: { input: (b: Bar) => Math.log(b.volume), then: [new ZScore(20)] },
    },
    warmup: 'nan',
  });

/** Trades GOOG on the model's probability of an up day: long 100 above 0.55, flat below 0.45. */
function strategy(model: Model, seen: { rows: Float64Array[]; p: number[] }): Pipeline {
  return (ctx) =>
    ctx.market.bars(goog.id).pipe(
      features(),
      tap((row) => seen.rows.push(row.values)),
      mapAsync((row) => model.predict(row.values, 1), { work: ctx.work }),
      map((out) => out[0]!),
      tap((p) => seen.p.push(p)),
      map((p) => (p > 0.55 ? 100 : p < 0.45 ? 0 : ctx.ledger.positionQuantity(goog.id).toNumber()) - ctx.ledger.positionQuantity(goog.id).toNumber()),
      filter((delta) => delta !== 0),
      map((delta) => ctx.orderFactory.market({ instrumentId: goog.id, side: delta > 0 ? 'BUY' : 'SELL', quantity: Math.abs(delta) })),
    );
}

describe('XGBoost in a backtest', () => {
  it("core's features equal the Python features of the fixture to 1e-9, NaN where they warm up", async () => {
    const seen = { rows: [] as Float64Array[], p: [] as number[] };
    await runBacktest(strategy(XgboostModel.fromJson(modelJson('binary')), seen), { data: googBars(), instruments: [goog], ledger: { startingCash: 100_000 } });
    expect(seen.rows.length).toBe(ref.rows);
    let worst = 0;
    let nans = 0;
    seen.rows.forEach((row, r) => {
      for (let f = 0; f < nf; f++) {
        const want = ref.features[r * nf + f]!;
        if (Number.isNaN(want)) {
          expect(row[f], `row ${r} ${ref.names[f]}`).toBeNaN();
          nans++;
        } else worst = Math.max(worst, Math.abs(row[f]! - want) / Math.max(1, Math.abs(want)));
      }
    });
    expect(nans).toBeGreaterThan(20);
    expect(worst).toBeLessThan(1e-9);
  });

  it('predicts in a backtest what xgboost predicts, through ONNX Runtime and through the TypeScript trees, and both trade alike', async () => {
    const onnx = await OnnxModel.load(modelOnnx('binary'));
    const trees = XgboostModel.fromJson(modelJson('binary'));
    const config = { data: googBars(), instruments: [goog], ledger: { startingCash: 100_000 } };
    const viaOnnx = { rows: [] as Float64Array[], p: [] as number[] };
    const viaTrees = { rows: [] as Float64Array[], p: [] as number[] };
    const a = await runBacktest(strategy(onnx, viaOnnx), config);
    const b = await runBacktest(strategy(trees, viaTrees), config);
    const expected = ref.models.binary!.predictions!;
    expect(viaOnnx.p.length).toBe(ref.rows);
    for (let i = 0; i < ref.rows; i++) {
      expect(Math.abs(viaOnnx.p[i]! - expected[i]!), `onnx row ${i}`).toBeLessThan(1e-6);
      expect(Math.abs(viaTrees.p[i]! - expected[i]!), `trees row ${i}`).toBeLessThan(1e-6);
    }
    expect(a.fills.length).toBeGreaterThan(10);
    expect(b.fills.map((f) => `${f.ts} ${f.side} ${f.quantity} @ ${f.price}`)).toEqual(a.fills.map((f) => `${f.ts} ${f.side} ${f.quantity} @ ${f.price}`));
    expect(b.summary.finalEquity.toString()).toBe(a.summary.finalEquity.toString());
    await onnx.dispose?.();
  });

  it.each(Object.keys(ref.models))('the ONNX conversion of the %s model predicts rows with missing values as xgboost does', async (name) => {
    const model = await OnnxModel.load(modelOnnx(name));
    const expected = ref.models[name]!;
    const width = expected.missingPredictions.length / ref.missingRows;
    expect(model.outputShape.dims.slice(1)).toEqual([width]);
    const got = await model.predict(ref.missingFeatures, ref.missingRows);
    for (let i = 0; i < got.length; i++) expect(Math.abs(got[i]! - expected.missingPredictions[i]!) / Math.max(1, Math.abs(expected.missingPredictions[i]!)), `${name} value ${i}`).toBeLessThan(1e-6);
    await model.dispose?.();
  });
});

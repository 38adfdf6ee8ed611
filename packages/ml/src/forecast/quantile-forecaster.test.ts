import { filter, map, tap } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { defineInstrument, LogReturns, RealizedVolatility, Rsi, toFeatures, ValidationError, window, ZScore, type Pipeline } from '@rxtrade/core';
import { runBacktest } from '@rxtrade/backtest';
import { OnnxModel } from '../models/onnx-model';
import type { Model } from '../models/model';
import { forecastQuantiles, QuantileForecaster } from './quantile-forecaster';
import type { QuantileForecast } from './quantile-forecast';
import { quantileStop, spreadScaledSize } from './quantile-sizing';
import { loadTftReference, sp500Bars, SPX, TFT_ONNX } from './__fixtures__/reference';

const ref = loadTftReference();
const spx = defineInstrument({ symbol: 'SPX', venue: 'INDEX', assetClass: 'stock', base: 'SPX', quote: 'USD', tickSize: '0.01', lotSize: '1' });
const config = { horizons: [1, 5, 10], quantiles: [0.1, 0.5, 0.9] };

/** The features of tft-train.py, by core's operators. */
const features = () =>
  toFeatures({
    features: {
      logret1: new LogReturns(1),
      logret5: new LogReturns(5),
      vol20: new RealizedVolatility({ period: 20, annualization: 252 }),
      z20: new ZScore(20),
      rsi14: new Rsi(14),
    },
  });

describe('QuantileForecaster', () => {
  it("forecasts in a backtest what PyTorch forecasts, to 1e-5 of each horizon's scale, from core's features", async () => {
    expect(spx.id).toBe(SPX);
    const model = await OnnxModel.load(TFT_ONNX);
    const forecaster = new QuantileForecaster(model, config);
    expect([forecaster.window, forecaster.features]).toEqual([ref.window, ref.names.length]);
    const rows: Float64Array[] = [];
    const forecasts = new Map<number, QuantileForecast>();
    let stops = 0;
    let close = 0;
    const pipeline: Pipeline = (ctx) =>
      ctx.market.bars(spx.id).pipe(
        tap((bar) => (close = bar.close)),
        features(),
        tap((row) => rows.push(row.values)),
        window({ size: forecaster.window }),
        forecastQuantiles(forecaster, { work: ctx.work }),
        tap((f) => forecasts.set(f.ts, f)),
        // Trade the 5-bar forecast: size by its 10-90 spread, and note where the stop would be.
        map((f) => {
          if (quantileStop(f, { price: close, side: 'long', horizon: 5 }) < close) stops++;
          return Math.round(spreadScaledSize(f, { horizon: 5, maxSize: 10, targetSpread: 0.04 })) - ctx.ledger.positionQuantity(spx.id).toNumber();
        }),
        filter((delta) => delta !== 0),
        map((delta) => ctx.orderFactory.market({ instrumentId: spx.id, side: delta > 0 ? 'BUY' : 'SELL', quantity: Math.abs(delta) })),
      );
    const bars = sp500Bars();
    expect(bars.length).toBe(ref.bars);
    const result = await runBacktest(pipeline, { data: bars, instruments: [spx], ledger: { startingCash: 1_000_000 } });
    expect(result.fills.length).toBeGreaterThan(20);
    expect(stops).toBe(forecasts.size);

    // Features: core's rows (from the first complete bar) against the Python ones over the last bars.
    expect(rows.length).toBe(ref.bars - ref.firstFeatureRow);
    const nf = ref.names.length;
    let worstFeature = 0;
    for (let r = 0; r < ref.featureRows; r++) {
      const row = rows[rows.length - ref.featureRows + r]!;
      for (let f = 0; f < nf; f++) {
        const want = ref.features[r * nf + f]!;
        worstFeature = Math.max(worstFeature, Math.abs(row[f]! - want) / Math.max(1, Math.abs(want)));
      }
    }
    expect(worstFeature).toBeLessThan(1e-9);

    // Forecasts: one per bar from the window's first full bar on, and PyTorch's values where it has them.
    expect(forecasts.size).toBe(rows.length - ref.window + 1);
    const per = ref.horizons.length * ref.quantiles.length;
    let worst = 0;
    ref.referenceEnds.forEach((end, i) => {
      const f = forecasts.get(bars[end]!.ts)!;
      expect(f, `forecast at bar ${end}`).toBeDefined();
      ref.horizons.forEach((h, hi) =>
        ref.quantiles.forEach((q, qi) => {
          const want = ref.reference[i * per + hi * ref.quantiles.length + qi]!;
          worst = Math.max(worst, Math.abs(f.value(h, q) - want) / Math.max(Math.abs(want), ref.targetSd[hi]!));
        }),
      );
      // Non-crossing quantiles, as the model's heads build them.
      for (const h of ref.horizons) expect(f.value(h, 0.1) <= f.value(h, 0.5) && f.value(h, 0.5) <= f.value(h, 0.9)).toBe(true);
    });
    expect(worst).toBeLessThan(1e-5);
    await model.dispose?.();
  });

  it('forecasts a batch of windows as it forecasts each one', async () => {
    const model = await OnnxModel.load(TFT_ONNX);
    const forecaster = new QuantileForecaster(model, config);
    const size = forecaster.window * forecaster.features;
    const windows = new Float32Array(3 * size);
    let k = 0;
    for (const end of ref.referenceEnds.slice(-3))
      for (let r = end - ref.window + 1; r <= end; r++)
        for (let f = 0; f < forecaster.features; f++) windows[k++] = ref.features[(r - (ref.bars - ref.featureRows)) * forecaster.features + f]!;
    const batch = await forecaster.forecastBatch(windows, [1, 2, 3]);
    for (let i = 0; i < 3; i++) {
      const one = await forecaster.forecast(windows.subarray(i * size, (i + 1) * size), i + 1);
      expect(one.ts).toBe(i + 1);
      for (let j = 0; j < 9; j++) expect(Math.abs(one.values[j]! - batch[i]!.values[j]!)).toBeLessThan(1e-7);
      const want = ref.reference.subarray((ref.referenceEnds.length - 3 + i) * 9, (ref.referenceEnds.length - 2 + i) * 9);
      for (let j = 0; j < 9; j++) expect(Math.abs(one.values[j]! - want[j]!)).toBeLessThan(1e-5 * ref.targetSd[Math.floor(j / 3)]!);
    }
    await model.dispose?.();
  });

  it('refuses a config or a model that does not fit, naming the field', () => {
    const model: Model = {
      inputShape: { name: 'window', dims: [null, 32, 5], dtype: 'float32' },
      outputShape: { name: 'quantiles', dims: [null, 3, 3], dtype: 'float32' },
      predict: async (_x, batch) => new Float32Array(batch * 9),
    };
    expect(() => new QuantileForecaster(model, { horizons: [1, 5, 10], quantiles: [0.1, 0.9] })).toThrow(/model\.outputShape: output "quantiles" \[\?, 3, 3\] holds 9 values per sample, not 3 horizons x 2 quantiles/);
    expect(() => new QuantileForecaster(model, { horizons: [5, 1, 10], quantiles: [0.1, 0.5, 0.9] })).toThrow(/config\.horizons: must be strictly ascending/);
    expect(() => new QuantileForecaster(model, { horizons: [1, 5, 10], quantiles: [0.1, 0.5, 1] })).toThrow(/config\.quantiles\[2\]|config\.quantiles\.2/);
    expect(() => new QuantileForecaster(model, { horizon: [1], quantiles: [0.5] } as never)).toThrow(ValidationError);
    const flat: Model = { ...model, inputShape: { name: 'x', dims: [null, 160], dtype: 'float32' } };
    expect(() => new QuantileForecaster(flat, config)).toThrow(/model\.inputShape: a forecaster takes windows \[batch, rows, features\]/);
  });
});

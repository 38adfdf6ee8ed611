import { describe, expect, it } from 'vitest';
import { runBacktest } from '@rxtrade/backtest';
import type { Model, ModelVersion, ModelVersionSource } from '@rxtrade/ml';
import { readSp500, SP500 } from './data';
import { ensembleStrategy, signalOf, type ModelCall } from './strategy';
import type { Decision } from '@rxtrade/ml';

/** A model that answers fixed probabilities and records the size of each input. */
function fixed(probabilities: readonly number[], inputs: number[], failOn?: number): Model {
  return {
    inputShape: { name: 'x', dims: [null, inputs.length], dtype: 'float64' },
    outputShape: { name: 'y', dims: [null, probabilities.length], dtype: 'float32' },
    predict: async (input) => {
      inputs.push(input.length);
      if (failOn !== undefined && inputs.length === failOn) throw new Error('session closed');
      return Float32Array.from(probabilities);
    },
  };
}

/** One version serving from `from` on. */
function servingFrom(from: number, model: Model): ModelVersionSource {
  const version: ModelVersion = { version: 'v0001', model, parent: null, trainingWindow: { start: 0, end: from - 1, rows: 1 }, dataHash: 'sha256:test', metrics: {} };
  return { versionAt: (ts) => (ts >= from ? version : undefined) };
}

describe('signalOf', () => {
  it('reads P(up) - P(down) as direction and confidence', () => {
    expect(signalOf([0.2, 0.2, 0.6])).toEqual({ direction: 'long', confidence: expect.closeTo(0.4, 12) });
    expect(signalOf([0.5, 0.2, 0.3])).toEqual({ direction: 'short', confidence: expect.closeTo(0.2, 12) });
    expect(signalOf([0.3, 0.4, 0.3])).toEqual({ direction: 'flat', confidence: 0 });
  });
});

describe('ensembleStrategy', () => {
  it('lets the trend rule vote for a model that has no version yet or fails, and sizes at the volatility target', async () => {
    const bars = readSp500().slice(0, 400);
    const from = bars[250]!.ts;
    const cnnFrom = bars[300]!.ts;
    const cnnInputs: number[] = [];
    const xgbInputs: number[] = [];
    const calls: ModelCall[] = [];
    const decisions: Decision[] = [];
    const result = await runBacktest(
      ensembleStrategy({
        instrumentId: SP500.id,
        cnn: servingFrom(cnnFrom, fixed([0.5, 0.2, 0.3, 0.001], cnnInputs, 20)),
        xgboost: servingFrom(from, fixed([0.2, 0.2, 0.6], xgbInputs)),
        steps: 20,
        from,
        record: { call: (c) => calls.push(c), decision: (d) => decisions.push(d) },
      }),
      { data: bars, instruments: [SP500], ledger: { startingCash: 100_000 }, venue: { commission: 0 } },
    );
    // One decision a day from `from` on (below the threshold they are flat, not skipped).
    expect(decisions).toHaveLength(150);
    expect(decisions[0]!.ts).toBe(from);
    // The CNN+LSTM gets a 20-day window of 6 features, XGBoost one row.
    expect(new Set(cnnInputs)).toEqual(new Set([120]));
    expect(new Set(xgbInputs)).toEqual(new Set([6]));
    const models = (d: Decision): string[] => d.votes.map((v) => `${v.model}${v.fallback ? '*' : ''}`);
    for (const d of decisions) {
      if (d.ts < cnnFrom) {
        expect(models(d)).toEqual(['xgboost', 'trend200*']);
        expect(d.failures).toEqual([{ model: 'cnn-lstm', reason: 'error', error: new Error(`cnn-lstm has no version trained before ${new Date(d.ts).toISOString().slice(0, 10)}`) }]);
      } else if (d.ts === bars[319]!.ts) {
        // The CNN+LSTM's 20th prediction throws.
        expect(models(d)).toEqual(['xgboost', 'trend200*']);
        expect(d.failures[0]!.error).toEqual(new Error('session closed'));
      } else {
        expect(models(d)).toEqual(['cnn-lstm', 'xgboost']);
        expect(d.failures).toEqual([]);
      }
    }
    expect(calls.filter((c) => c.model === 'cnn-lstm')).toHaveLength(99);
    expect(calls.filter((c) => c.model === 'xgboost')).toHaveLength(150);

    // The first order: at the first decision that is not flat, long or short the volatility target
    // allows: 100,000 x min(0.1 / vol20, 1) / close, vol20 from the last 20 log returns, here.
    const k = decisions.findIndex((d) => d.direction !== 'flat');
    const day = bars.findIndex((b) => b.ts === decisions[k]!.ts);
    const logReturns = bars.slice(day - 19, day + 1).map((b, i) => Math.log(b.close / bars[day - 20 + i]!.close));
    const mean = logReturns.reduce((s, x) => s + x, 0) / 20;
    const vol = Math.sqrt((logReturns.reduce((s, x) => s + (x - mean) ** 2, 0) / 19) * 252);
    const first = result.fills[0]!;
    expect(first.ts).toBe(bars[day + 1]!.ts);
    expect(first.side).toBe(decisions[k]!.direction === 'long' ? 'BUY' : 'SELL');
    expect(first.quantity.toNumber()).toBe(Math.floor((100_000 * Math.min(0.1 / vol, 1)) / bars[day]!.close));
    expect(first.price.toNumber()).toBe(bars[day + 1]!.open);
  });
});

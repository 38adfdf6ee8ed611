import { ValidationError, type InstrumentId } from '@rxtrade/core';
import { from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { edhecReturns } from '../__fixtures__/edhec';
import type { TargetWeights } from './target-weights';
import { volatilityTarget } from './volatility-target';

const { names, columns } = edhecReturns();
const ids = names.slice(0, 3) as InstrumentId[];
const returns = (id: InstrumentId): Float64Array => columns[names.indexOf(id)]!.subarray(0, 60);

/** sqrt(w' S w) with S the sample covariance, written out independently. */
function exAnteVol(weights: number[], series: Float64Array[], lookback: number, scale: number): number {
  const tail = series.map((s) => s.subarray(s.length - lookback));
  const means = tail.map((s) => s.reduce((a, b) => a + b, 0) / lookback);
  let v = 0;
  for (let i = 0; i < tail.length; i++)
    for (let j = 0; j < tail.length; j++) {
      let cov = 0;
      for (let t = 0; t < lookback; t++) cov += (tail[i]![t]! - means[i]!) * (tail[j]![t]! - means[j]!);
      v += weights[i]! * weights[j]! * (cov / (lookback - 1));
    }
  return Math.sqrt(v * scale);
}

describe('volatilityTarget', () => {
  it('scales weights by target / ex-ante volatility from the sample covariance, capped at maxLeverage', async () => {
    const w = [0.5, 0.3, 0.2];
    const sigma = exAnteVol(w, ids.map(returns), 36, 12);
    const target: TargetWeights = { ts: 1, weights: Object.fromEntries(ids.map((id, i) => [id, w[i]!])) };
    const [low] = await lastValueFrom(from([target]).pipe(volatilityTarget({ target: 0.02, lookback: 36, periodsPerYear: 12, returns }), toArray()));
    ids.forEach((id, i) => expect(low!.weights[id]).toBeCloseTo((w[i]! * 0.02) / sigma, 12));
    expect(0.02 / sigma).toBeLessThan(1);
    const [capped] = await lastValueFrom(from([target]).pipe(volatilityTarget({ target: 1, lookback: 36, periodsPerYear: 12, maxLeverage: 1.5, returns }), toArray()));
    ids.forEach((id, i) => expect(capped!.weights[id]).toBeCloseTo(w[i]! * 1.5, 15));
  });

  it('drops targets while an instrument has fewer returns than the lookback', async () => {
    const out = await lastValueFrom(
      from([{ ts: 1, weights: { [ids[0]!]: 1 } }]).pipe(volatilityTarget({ target: 0.1, lookback: 36, periodsPerYear: 12, returns: () => [0.01, 0.02] }), toArray()),
    );
    expect(out).toEqual([]);
  });

  it('validates its config, naming the field', () => {
    try {
      volatilityTarget({ target: 0.1, lookback: 1, periodsPerYear: 12, returns });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).field).toBe('volatilityTarget.lookback');
    }
  });
});

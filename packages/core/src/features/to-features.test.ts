import fc from 'fast-check';
import { from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors';
import type { Bar } from '../domain/market-data';
import type { Indicator } from '../indicators/indicator';
import { Sma } from '../indicators/sma';
import { LogReturns } from './log-returns';
import { Returns } from './returns';
import { RollingMinMax } from './rolling-min-max';
import { ZScore } from '../indicators/z-score';
import { bar, flat, sp500 } from './__fixtures__/bars';
import { toFeatures, type FeatureRow, type ToFeaturesConfig } from './to-features';

const rows = (bars: Bar[], config: ToFeaturesConfig) => lastValueFrom(from(bars).pipe(toFeatures(config), toArray()));

/** A fresh spec each call: indicators are stateful, so each run needs its own instances. */
const spec = (): ToFeaturesConfig => ({
  features: {
    ret1: new Returns(1),
    logret5: new LogReturns(5),
    z20: new ZScore(20),
    smaZ: { indicator: new Sma(10), then: [new ZScore(30)] },
    volMm: { input: 'volume', then: [new RollingMinMax(20)] },
    range: { input: (b) => (b.high - b.low) / b.close },
  },
});

/** Independent per-bar reference: each feature recomputed from the bars up to t with array slices. */
function reference(bars: Bar[], t: number): number[] | undefined {
  const c = bars.map((b) => b.close);
  const z = (w: number[]) => {
    const m = w.reduce((a, b) => a + b, 0) / w.length;
    const sd = Math.sqrt(w.reduce((a, b) => a + (b - m) ** 2, 0) / w.length);
    return sd === 0 ? 0 : (w.at(-1)! - m) / sd;
  };
  const sma = (i: number) => c.slice(i - 9, i + 1).reduce((a, b) => a + b, 0) / 10;
  if (t < 38) return undefined; // the SMA(10) -> z-score(30) chain is the last to warm up: 10 + 30 - 1 bars
  const vols = bars.slice(t - 19, t + 1).map((b) => b.volume);
  const lo = Math.min(...vols);
  const hi = Math.max(...vols);
  return [
    c[t]! / c[t - 1]! - 1,
    Math.log(c[t]! / c[t - 5]!),
    z(c.slice(t - 19, t + 1)),
    z(Array.from({ length: 30 }, (_, k) => sma(t - 29 + k))),
    hi === lo ? 0.5 : (bars[t]!.volume - lo) / (hi - lo),
    (bars[t]!.high - bars[t]!.low) / bars[t]!.close,
  ];
}

describe('toFeatures', () => {
  it('lists the feature names in row order on the operator', () => {
    expect(toFeatures(spec()).names).toEqual(['ret1', 'logret5', 'z20', 'smaZ', 'volMm', 'range']);
  });

  it('computes every feature on real S&P 500 bars as an independent slice-based reference does', async () => {
    const bars = sp500().slice(0, 600);
    const out = await rows(bars, spec());
    expect(out).toHaveLength(bars.length - 38); // skips warm-up: the first row is at the 39th bar
    for (const row of out) {
      const t = bars.findIndex((b) => b.ts === row.ts);
      const want = reference(bars, t)!;
      expect(row.values).toBeInstanceOf(Float64Array);
      want.forEach((w, j) => expect(row.values[j], `t=${t} ${j}`).toBeCloseTo(w, 8));
    }
  });

  it("yields a row per bar with NaN for features still warming up under warmup: 'nan'", async () => {
    const bars = sp500().slice(0, 40);
    const out = await rows(bars, { ...spec(), warmup: 'nan' });
    expect(out).toHaveLength(40);
    expect(Array.from(out[0]!.values).map(Number.isNaN)).toEqual([true, true, true, true, true, false]);
    expect(Array.from(out[1]!.values).map(Number.isNaN)).toEqual([false, true, true, true, true, false]);
    expect(Array.from(out[38]!.values).some(Number.isNaN)).toBe(false);
  });

  it('has no look-ahead: rows on a prefix equal the same rows on the full series, whatever the later bars are', async () => {
    const bars = sp500().slice(0, 300);
    const full = await rows(bars, spec());
    for (const cut of [39, 40, 120, 299]) {
      const prefix = await rows(bars.slice(0, cut), spec());
      expect(prefix.length).toBe(cut - 38);
      expect(prefix).toEqual(full.slice(0, prefix.length));
    }
    // Perturb every bar after t = 150 (prices x3, volumes x7): rows up to 150 must not move.
    const perturbed = bars.map((b, i) => (i <= 150 ? b : bar(b.ts, b.open * 3, b.high * 3, b.low * 3, b.close * 3, b.volume * 7)));
    const changed = await rows(perturbed, spec());
    const upTo = (r: FeatureRow[]) => r.filter((x) => x.ts <= bars[150]!.ts);
    expect(upTo(changed)).toEqual(upTo(full));
    expect(changed.at(-1)!.values).not.toEqual(full.at(-1)!.values);
  });

  it('has no look-ahead on random series either (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 100, max: 10_000 }), { minLength: 45, maxLength: 90 }), fc.integer({ min: 39, max: 44 }), async (prices, cut) => {
        const bars = prices.map((p, i) => bar(i * 1000, p / 10, p / 10 + 1, p / 10 - 1, p / 10, (p % 17) + 1));
        const tail = bars.slice(cut).map((b) => bar(b.ts, 500, 600, 400, 550, 3));
        const a = await rows(bars, spec());
        const b = await rows([...bars.slice(0, cut), ...tail], spec());
        const before = (r: FeatureRow[]) => r.filter((x) => x.ts < cut * 1000);
        expect(before(b)).toEqual(before(a));
      }),
      { numRuns: 40 },
    );
  });

  it('feeds indicators with object outputs through select', async () => {
    class Band implements Indicator<number, { lower: number; upper: number }> {
      readonly warmup = 1;
      value: { lower: number; upper: number } | undefined;
      isReady = false;
      update(x: number) {
        return (this.value = { lower: x - 1, upper: x + 1 });
      }
      replace(x: number) {
        return this.update(x);
      }
      reset() {}
    }
    const out = await rows([flat(0, 10), flat(1, 20)], { features: { width: { indicator: new Band(), select: (v: { lower: number; upper: number }) => v.upper - v.lower } } });
    expect(out.map((r) => Array.from(r.values))).toEqual([[2], [2]]);
  });

  it('revises the latest row when a bar repeats the previous ts, as recomputing with the revised bar does', async () => {
    const base = sp500().slice(0, 60);
    const last = base.at(-1)!;
    const revised = flat(last.ts, last.close * 1.05, last.volume * 2);
    const withForming = await rows([...base, flat(last.ts, last.close * 0.97), revised], spec());
    const direct = await rows([...base.slice(0, -1), revised], spec());
    // One row per bar, the revisions included: the bars before the forming one are untouched.
    expect(withForming).toHaveLength(direct.length + 2);
    expect(withForming.slice(0, -3)).toEqual(direct.slice(0, -1));
    const got = withForming.at(-1)!;
    const want = direct.at(-1)!;
    expect(got.ts).toBe(want.ts);
    // Equal up to rounding: the running sums took a different path to the same window.
    want.values.forEach((w, j) => expect(got.values[j]).toBeCloseTo(w, 10));
    expect(Array.from(got.values)).not.toEqual(Array.from(withForming.at(-2)!.values));
  });

  it('errors with a ValidationError naming the bar field on a NaN close, and the feature on a non-finite value', async () => {
    const nan = await rows([flat(0, 1), bar(1, 1, 1, 1, Number.NaN)], spec()).catch((e: unknown) => e);
    expect(nan).toBeInstanceOf(ValidationError);
    expect((nan as ValidationError).field).toBe('bar.close');
    const inf = await rows([flat(0, 1, 0)], { features: { perVolume: { input: (b) => b.close / b.volume } } }).catch((e: unknown) => e);
    expect((inf as ValidationError).field).toBe('features.perVolume.input');
  });

  it('type-checks each definition: input against the indicator, and select for object outputs', () => {
    class Pair implements Indicator<Bar, { a: number }> {
      readonly warmup = 1;
      value: { a: number } | undefined;
      isReady = false;
      update(b: Bar) {
        return (this.value = { a: b.close });
      }
      replace(b: Bar) {
        return this.update(b);
      }
      reset() {}
    }
    toFeatures({ features: { ok: { indicator: new Pair(), input: (b) => b, select: (v) => v.a } } });
    // @ts-expect-error an object-valued indicator needs select
    toFeatures({ features: { noSelect: { indicator: new Pair(), input: (b: Bar) => b } } });
    // @ts-expect-error a bar field feeds numbers, not the bar this indicator takes
    toFeatures({ features: { field: { indicator: new Pair(), input: 'close', select: (v: { a: number }) => v.a } } });
    // @ts-expect-error a bar-input indicator without input would be fed the close
    toFeatures({ features: { noInput: { indicator: new Pair(), select: (v: { a: number }) => v.a } } });
    // @ts-expect-error without an indicator, the input is the feature and must be a number
    toFeatures({ features: { raw: { input: (b: Bar) => b } } });
    expect(toFeatures({ features: { x: new Sma(2) } }).names).toEqual(['x']);
  });

  it('rejects a bad spec naming the field', () => {
    expect(() => toFeatures({ features: {} })).toThrow(/toFeatures\.features: needs at least one feature/);
    expect(() => toFeatures({ features: { a: new Sma(2) }, warmup: 'later' as 'nan' })).toThrow(/toFeatures\.warmup/);
    const shared = new Sma(3);
    expect(() => toFeatures({ features: { a: shared, b: { input: 'open', then: [shared] } } })).toThrow(/toFeatures\.features\.b/);
  });
});

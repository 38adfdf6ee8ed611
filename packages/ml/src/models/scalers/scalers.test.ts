import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '@rxtrade/core';
import { MinMaxScaler } from './min-max-scaler';
import { normalQuantile } from './normal-quantile';
import { RobustScaler } from './robust-scaler';
import type { Scaler } from './scaler';
import { scalerFromJSON } from './scaler-from-json';
import { StandardScaler } from './standard-scaler';

interface Case {
  readonly name: string;
  readonly data: 'goog' | 'edge';
  readonly options: { readonly type: 'standard' | 'minmax' | 'robust' } & Record<string, unknown>;
  readonly transformed: readonly (number | null)[];
  readonly inverse: readonly (number | null)[];
  readonly [attribute: string]: unknown;
}
interface Reference {
  readonly data: Record<string, { readonly width: number; readonly train: readonly (number | null)[]; readonly test: readonly (number | null)[] }>;
  readonly cases: readonly Case[];
  readonly normalQuantile: readonly (readonly [number, number])[];
}
const ref = JSON.parse(readFileSync(new URL('../__fixtures__/scalers-reference.json', import.meta.url), 'utf8')) as Reference;
/** JSON has no NaN: scikit-learn's NaN were written as null. */
const nan = (a: readonly (number | null)[]): Float64Array => Float64Array.from(a, (v) => (v === null ? Number.NaN : v));

/** Largest relative error, with NaN required exactly where the reference has it. */
function maxError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    const a = actual[i]!;
    if (Number.isNaN(e) || Number.isNaN(a)) {
      expect([i, Number.isNaN(a)]).toEqual([i, Number.isNaN(e)]);
      continue;
    }
    worst = Math.max(worst, Math.abs(a - e) / Math.max(Math.abs(e), 1e-300));
  }
  return worst;
}

function fit(c: Case, train: { data: Float64Array; width: number }): Scaler {
  const { type, ...options } = c.options;
  if (type === 'standard') return StandardScaler.fit(train, options);
  if (type === 'minmax') return MinMaxScaler.fit(train, options);
  return RobustScaler.fit(train, options);
}

const attributes: Record<Case['options']['type'], Record<string, string>> = {
  standard: { mean_: 'mean', var_: 'var', scale_: 'scale' },
  minmax: { data_min_: 'dataMin', data_max_: 'dataMax', scale_: 'scale', min_: 'min' },
  robust: { center_: 'center', scale_: 'scale' },
};

describe('scalers against scikit-learn 1.2', () => {
  it.each(ref.cases.map((c) => [c.name, c] as const))('%s: fitted attributes, transform and inverse to 1e-12 relative', (_, c) => {
    const data = ref.data[c.data]!;
    const train = { data: nan(data.train), width: data.width };
    const test = nan(data.test);
    const scaler = fit(c, train);
    const json = scaler.toJSON() as unknown as Record<string, number[] | null>;
    for (const [sk, ours] of Object.entries(attributes[c.options.type])) {
      const expected = c[sk] as (number | null)[] | null;
      if (expected === null) expect(json[ours]).toBeNull();
      else expect(maxError(json[ours]!, nan(expected))).toBeLessThanOrEqual(1e-12);
    }
    const transformed = scaler.transform(test);
    expect(maxError(transformed, nan(c.transformed))).toBeLessThanOrEqual(1e-12);
    expect(maxError(scaler.inverseTransform(transformed), nan(c.inverse))).toBeLessThanOrEqual(1e-12);
    // Saved and read back, it scales the same, bit for bit.
    const restored = scalerFromJSON(JSON.parse(JSON.stringify(scaler)));
    expect(restored.type).toBe(c.options.type);
    expect(restored.transform(test)).toEqual(transformed);
    // transformInto a float32 buffer at an offset gives the float32 of the same numbers.
    const out = new Float32Array(test.length + 3);
    restored.transformInto(test, out, 3);
    expect(Array.from(out.subarray(3))).toEqual(Array.from(transformed, Math.fround));
  });

  it('counts the values that are not NaN per feature, as n_samples_seen_', () => {
    const c = ref.cases.find((x) => x.name === 'standard edge')!;
    const data = ref.data.edge!;
    expect(StandardScaler.fit({ data: nan(data.train), width: data.width }).toJSON().nSamplesSeen).toEqual(c.n_samples_seen_);
  });

  it("computes the normal quantile as scipy's norm.ppf, to 1e-15 relative", () => {
    for (const [p, z] of ref.normalQuantile) expect(Math.abs(normalQuantile(p) - z)).toBeLessThanOrEqual(1e-15 * Math.max(1, Math.abs(z)));
    expect([normalQuantile(0), normalQuantile(1), normalQuantile(1.5)]).toEqual([-Infinity, Infinity, Number.NaN]);
  });
});

describe('scalers', () => {
  it('fit rows as well as a row-major matrix, and take a FeatureWindow-shaped { data, width }', () => {
    const rows = [
      [1, 10],
      [2, 40],
      [4, 20],
    ];
    const matrix = { data: Float64Array.of(1, 10, 2, 40, 4, 20), width: 2 };
    for (const S of [StandardScaler, MinMaxScaler, RobustScaler]) expect(S.fit(rows).toJSON()).toEqual(S.fit(matrix).toJSON());
  });

  it('refuse bad training data and bad options, naming the field', () => {
    expect(() => StandardScaler.fit([])).toThrow('StandardScaler.data: needs at least one row');
    expect(() => StandardScaler.fit([[1, 2], [3]])).toThrow('StandardScaler.data[1]: has 1 values; row 0 has 2');
    expect(() => MinMaxScaler.fit([[1], [Infinity]])).toThrow('MinMaxScaler.data[1][0]: is Infinity: training data must be finite (NaN is ignored)');
    expect(() => RobustScaler.fit([[1, Number.NaN], [2, Number.NaN]])).toThrow('RobustScaler.data.column[1]: has no value that is not NaN');
    expect(() => RobustScaler.fit({ data: new Float64Array(5), width: 2 })).toThrow('RobustScaler.data.data: has 5 values: not a positive multiple of the width 2');
    expect(() => StandardScaler.fit([[1]], { withMaen: false } as never)).toThrow('StandardScaler.withMaen: unknown option; did you mean "withMean"?');
    expect(() => MinMaxScaler.fit([[1]], { featureRange: [1, 0] })).toThrow('MinMaxScaler.featureRange: low must be below high');
    expect(() => RobustScaler.fit([[1]], { quantileRange: [25, 175] })).toThrow(ValidationError);
    const scaler = StandardScaler.fit([[1, 2], [3, 4]]);
    expect(() => scaler.transform([1, 2, 3])).toThrow('StandardScaler.transform.values: has 3 values: not a multiple of the 2 features per row');
    expect(() => scaler.transformInto([1, 2], new Float32Array(3), 2)).toThrow('StandardScaler.transformInto.offset: 2 + 2 values do not fit in an output of 3');
  });

  it('refuse a saved scaler that does not fit together, naming the field', () => {
    const json = StandardScaler.fit([[1, 2], [3, 5]]).toJSON();
    expect(() => scalerFromJSON({ ...json, mean: [1] })).toThrow('StandardScaler.mean: has 1 values for a width of 2');
    expect(() => scalerFromJSON({ ...json, scale: [1, 0] })).toThrow(/^StandardScaler\.scale\[1\]/);
    expect(() => scalerFromJSON({ ...json, extra: 1 })).toThrow('StandardScaler.extra: unknown option');
    expect(() => scalerFromJSON({ ...json, type: 'quantile' })).toThrow("scaler.type: must be 'standard', 'minmax' or 'robust', got \"quantile\"");
    const robust = RobustScaler.fit([[1], [2]], { withCentering: false }).toJSON();
    expect(() => scalerFromJSON({ ...robust, center: [1] })).toThrow('RobustScaler.center: must be null when withCentering is false');
  });

  it('are immutable once fitted: the JSON and getters hand out copies', () => {
    const scaler = StandardScaler.fit([[1], [3]]);
    scaler.toJSON().mean![0] = 99;
    scaler.mean![0] = 99;
    expect(scaler.transform([2])).toEqual(Float64Array.of(0));
  });
});

import { describe, expect, it } from 'vitest';
import { UnsupportedError, ValidationError } from '@rxtrade/core';
import { XgboostModel } from './xgboost-model';
import { loadReference, modelJson } from './__fixtures__/reference';

const ref = loadReference();
const nf = ref.names.length;

/** Largest |a - b| / max(1, |b|) over two arrays of the same length. */
function maxRelError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / Math.max(1, Math.abs(b[i]!)));
  return worst;
}

describe('XgboostModel', () => {
  it.each(['binary', 'regression', 'multi'])('predicts the %s model of GOOG features as xgboost 1.7 does, margins and predictions', (name) => {
    const expected = ref.models[name]!;
    const model = XgboostModel.fromJson(modelJson(name));
    expect(model.objective).toBe(expected.objective);
    expect(model.numFeature).toBe(nf);
    const got = model.predictSync(ref.features, ref.rows);
    expect(maxRelError(got, expected.predictions!)).toBeLessThan(1e-6);
    const margins = XgboostModel.fromJson(modelJson(name), { outputMargin: true }).predictSync(ref.features, ref.rows);
    expect(maxRelError(margins, expected.margins!)).toBeLessThan(1e-6);
    // Float32 splits and float32 sums in tree order: the margins are xgboost's to the bit.
    expect(Array.from(margins)).toEqual(Array.from(expected.margins!));
    // The feature matrix starts with warm-up rows holding NaN: default directions are exercised there.
    expect(Number.isNaN(ref.features[0])).toBe(true);
  });

  it.each(Object.keys(ref.models))('predicts rows with 20%% missing values as xgboost does (%s)', (name) => {
    const expected = ref.models[name]!;
    const model = XgboostModel.fromJson(modelJson(name));
    expect(model.objective).toBe(expected.objective);
    const got = model.predictSync(ref.missingFeatures, ref.missingRows);
    expect(got.length).toBe(expected.missingPredictions.length);
    expect(maxRelError(got, expected.missingPredictions)).toBeLessThan(1e-6);
  });

  it('covers every transform and link among the reference models', () => {
    const objectives = new Set(Object.values(ref.models).map((m) => m.objective));
    for (const o of ['binary:logistic', 'reg:logistic', 'binary:logitraw', 'binary:hinge', 'reg:squarederror', 'reg:pseudohubererror', 'count:poisson', 'reg:gamma', 'reg:tweedie', 'multi:softprob', 'multi:softmax'])
      expect(objectives.has(o), o).toBe(true);
    // base_score differs from 0.5 in the logistic, log-link and identity models: a wrong link shows.
    expect(XgboostModel.fromJson(modelJson('poisson')).baseScore).toBeCloseTo(1.7, 6);
    expect(XgboostModel.fromJson(modelJson('binary')).baseScore).toBeCloseTo(0.53, 6);
  });

  it('compares features as float32: a value just below a float32 threshold that rounds up to it goes right', () => {
    const model = XgboostModel.fromJson(stump(0.1, -1, 1));
    const t32 = Math.fround(0.1); // 0.10000000149...
    const justBelow = t32 - 1e-12; // below in float64, rounds to t32 in float32: not < threshold
    expect(justBelow < t32).toBe(true);
    expect(Array.from(model.predictSync(Float64Array.of(justBelow), 1))).toEqual([1]);
    expect(Array.from(model.predictSync(Float64Array.of(0.0999), 1))).toEqual([-1]);
    expect(Array.from(model.predictSync(Float64Array.of(NaN), 1))).toEqual([-1]); // default_left
    expect(Array.from(XgboostModel.fromJson(stump(0.1, -1, 1, 0)).predictSync(Float64Array.of(NaN), 1))).toEqual([1]);
  });

  it('implements the Model contract: shapes, a batch per call, a promise', async () => {
    const model = XgboostModel.fromJson(modelJson('multi'));
    expect(model.inputShape).toEqual({ name: 'input', dims: [null, nf], dtype: 'float32' });
    expect(model.outputShape).toEqual({ name: 'output', dims: [null, 3], dtype: 'float32' });
    const rows = ref.features.subarray(100 * nf, 110 * nf);
    const batch = await model.predict(rows, 10);
    for (let i = 0; i < 10; i++) expect(Array.from(await model.predict(rows.subarray(i * nf, (i + 1) * nf), 1))).toEqual(Array.from(batch.subarray(3 * i, 3 * i + 3)));
    await expect(model.predict(rows, 3)).rejects.toThrow(/predict\.input: expected 3 x \[7\] = 21 values/);
    expect(XgboostModel.fromJson(modelJson('softmax')).outputShape.dims).toEqual([null, 1]);
  });

  it('refuses malformed and unsupported models, naming the field', () => {
    const good = JSON.parse(modelJson('regression')) as { learner: Record<string, unknown> & { gradient_booster: { model: { trees: Record<string, unknown>[] } } } };
    const edit = (f: (m: typeof good) => void): typeof good => {
      const m = structuredClone(good);
      f(m);
      return m;
    };
    expect(() => XgboostModel.fromJson('{"learner": ')).toThrow(/json: is not JSON/);
    expect(() => XgboostModel.fromJson(edit((m) => (m.learner.objective = { name: 'reg:quantileerror' })))).toThrow(UnsupportedError);
    expect(() => XgboostModel.fromJson(edit((m) => (m.learner.gradient_booster = { name: 'gblinear' } as never)))).toThrow(/booster "gblinear" is not supported/);
    expect(() => XgboostModel.fromJson(edit((m) => (m.learner.gradient_booster.model.trees[2]!.split_indices = (m.learner.gradient_booster.model.trees[2]!.split_indices as number[]).map(() => 99))))).toThrow(
      /model\.learner\.gradient_booster\.model\.trees\[2\]\.split_indices\[0\]: feature 99 is outside 0\.\.6/,
    );
    expect(() => XgboostModel.fromJson(edit((m) => ((m.learner.gradient_booster.model.trees[0]!.left_children as number[])[0] = 0)))).toThrow(/trees\[0\]\.left_children\[0\]: child 0 is outside/);
    expect(() => XgboostModel.fromJson(edit((m) => delete m.learner.gradient_booster.model.trees[1]!.split_conditions))).toThrow(ValidationError);
    expect(() => XgboostModel.fromJson(modelJson('regression'), { outputMargn: true } as never)).toThrow(/options\.outputMargn: unknown option; did you mean "outputMargin"\?/);
  });
});

/** A one-split model on one feature: x < threshold -> lo, else hi; NaN goes left unless defaultLeft is 0. */
function stump(threshold: number, lo: number, hi: number, defaultLeft = 1): object {
  return {
    learner: {
      learner_model_param: { base_score: '0', num_class: '0', num_feature: '1', num_target: '1' },
      objective: { name: 'reg:squarederror' },
      gradient_booster: {
        name: 'gbtree',
        model: {
          tree_info: [0],
          trees: [{ left_children: [1, -1, -1], right_children: [2, -1, -1], split_indices: [0, 0, 0], split_conditions: [threshold, lo, hi], default_left: [defaultLeft, 0, 0], split_type: [0, 0, 0] }],
        },
      },
    },
  };
}

/**
 * `XgboostModel`: gradient-boosted trees saved by XGBoost (`booster.save_model('model.json')`, the JSON
 * format of XGBoost 1.x and 2.x) evaluated in TypeScript, without ONNX Runtime.
 *
 * Prediction follows XGBoost's CPU predictor (src/predictor/cpu_predictor.cc): every feature is rounded
 * to float32 as a DMatrix stores it; a node sends the row left when `x < split_condition` (both float32)
 * and a missing value (NaN) along its default direction; the margins start at `base_score` through the
 * objective's inverse link and add each tree's leaf in float32, in tree order, to the output group of
 * the tree (`tree_info`); DART boosters scale each tree's leaves by its `weight_drop`. The objective's
 * transform then maps margins to predictions (see xgboost-objective.ts).
 *
 * The trees are flattened into typed arrays once (child indices, split features, float32 thresholds),
 * so the hot loop touches no per-node objects.
 */
import { UnsupportedError, ValidationError, parseWith } from '@rxtrade/core';
import { z } from 'zod';
import { checkPredictInput, type Model, type TensorSpec } from '../models/model';
import { XGBOOST_OBJECTIVES, baseMargin, transformMargins, type PredictionTransform } from './xgboost-objective';

/**
 * Options of {@link XgboostModel.fromJson}.
 *
 * @example
 * ```ts
 * const margins = XgboostModel.fromJson(json, { outputMargin: true });
 * ```
 */
export interface XgboostModelOptions {
  /**
   * Answer the raw margins (one per output group) instead of the objective's predictions, as
   * `booster.predict(dmatrix, output_margin=True)`. Default false.
   */
  readonly outputMargin?: boolean;
  /** Name of the input tensor (default `input`, as the ONNX conversion names it). */
  readonly inputName?: string;
  /** Name of the output tensor (default `output`, as the ONNX conversion names it). */
  readonly outputName?: string;
}

const OptionsSchema = z.strictObject({
  outputMargin: z.boolean().optional(),
  inputName: z.string().min(1).optional(),
  outputName: z.string().min(1).optional(),
});

const intArray = z.array(z.number().int());
const numArray = z.array(z.number());
const TreeSchema = z.object({
  left_children: intArray,
  right_children: intArray,
  split_indices: intArray,
  split_conditions: numArray,
  default_left: z.array(z.union([z.number().int(), z.boolean()])),
  split_type: intArray.optional(),
});
const GbtreeSchema = z.object({
  model: z.object({
    trees: z.array(z.unknown()),
    tree_info: intArray,
  }),
});
const ModelSchema = z.object({
  learner: z.object({
    learner_model_param: z.object({
      base_score: z.string(),
      num_class: z.string(),
      num_feature: z.string(),
      num_target: z.string().optional(),
    }),
    objective: z.object({ name: z.string() }),
    gradient_booster: z.object({ name: z.string() }).passthrough(),
    feature_names: z.array(z.string()).optional(),
  }),
  version: z.array(z.number()).optional(),
});

type Parsed = z.output<typeof ModelSchema>;

/**
 * An XGBoost model evaluated in TypeScript: implements {@link Model}, so the model stage runs it like
 * an ONNX or TensorFlow.js model; {@link XgboostModel.predictSync} answers without a promise.
 *
 * Input: `[batch, numFeature]` values (float32 or float64, NaN for a missing value). Output:
 * `[batch, k]` float32 predictions, where `k` is the number of classes for `multi:softprob` (and for
 * margins of multi-class models), 1 otherwise (`multi:softmax` answers the class index).
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { gunzipSync } from 'node:zlib';
 * import { XgboostModel } from '@rxtrade/ml';
 *
 * // A binary:logistic model of GOOG's next-day direction on 7 features, as booster.save_model wrote it.
 * const json = gunzipSync(readFileSync('packages/ml/src/trees/__fixtures__/xgb-binary.json.gz'));
 * const model = XgboostModel.fromJson(json);
 * console.log(model.objective, model.numFeature, model.numTrees); // binary:logistic 7 60
 * // ret1, ret5, rsi14, vol20, z20, range, logvz; NaN is a missing value.
 * const p = model.predictSync(Float64Array.of(0.01, 0.03, 61, 0.3, 1.2, 0.02, NaN), 1);
 * console.log(p[0]! > 0 && p[0]! < 1); // true: the probability of an up day
 * ```
 */
export class XgboostModel implements Model {
  readonly inputShape: TensorSpec;
  readonly outputShape: TensorSpec;
  /** The objective's name, such as `binary:logistic`. */
  readonly objective: string;
  /** Number of input features. */
  readonly numFeature: number;
  /** Number of output groups: classes for multi-class objectives, else 1. */
  readonly numGroup: number;
  /** Number of trees (all boosting rounds and parallel trees). */
  readonly numTrees: number;
  /** `base_score` as saved (in the objective's output space). */
  readonly baseScore: number;
  /** Feature names saved with the model (empty when it was trained without names). */
  readonly featureNames: readonly string[];
  private readonly margin0: number;
  private readonly transform: PredictionTransform | 'margin';
  private readonly outWidth: number;
  // Flattened trees: node n of every tree has a global index; nodes[4n..4n+3] hold its split feature
  // (-1 for a leaf), left, right and default child; values[n] its float32 threshold, or a leaf's value.
  private readonly roots: Int32Array;
  private readonly groups: Int32Array;
  private readonly nodes: Int32Array;
  private readonly values: Float32Array;
  private readonly row: Float32Array;
  private readonly acc: Float32Array;

  private constructor(parsed: Parsed, trees: FlatTrees, options: z.output<typeof OptionsSchema>) {
    const learner = parsed.learner;
    this.objective = learner.objective.name;
    const spec = XGBOOST_OBJECTIVES[this.objective]!;
    this.numFeature = trees.numFeature;
    this.numGroup = trees.numGroup;
    this.numTrees = trees.roots.length;
    this.baseScore = Number(learner.learner_model_param.base_score);
    this.featureNames = learner.feature_names ?? [];
    this.margin0 = baseMargin(this.baseScore, spec.link);
    this.transform = options.outputMargin ? 'margin' : spec.transform;
    this.outWidth = this.transform === 'argmax' ? 1 : this.numGroup;
    this.roots = trees.roots;
    this.groups = trees.groups;
    this.nodes = trees.nodes;
    this.values = trees.values;
    this.row = new Float32Array(this.numFeature);
    this.acc = new Float32Array(this.numGroup);
    this.inputShape = { name: options.inputName ?? 'input', dims: [null, this.numFeature], dtype: 'float32' };
    this.outputShape = { name: options.outputName ?? 'output', dims: [null, this.outWidth], dtype: 'float32' };
  }

  /**
   * Loads a model from XGBoost's JSON format: the text, its UTF-8 bytes, or the parsed object.
   *
   * @throws ValidationError naming the field of a malformed model (`learner.gradient_booster...`).
   * @throws UnsupportedError for a linear booster, categorical splits, vector leaves or an unknown objective.
   * @example
   * ```ts
   * import { readFileSync } from 'node:fs';
   * import { gunzipSync } from 'node:zlib';
   * import { XgboostModel } from '@rxtrade/ml';
   *
   * const model = XgboostModel.fromJson(gunzipSync(readFileSync('packages/ml/src/trees/__fixtures__/xgb-multi.json.gz')));
   * console.log(model.objective, model.outputShape.dims); // multi:softprob [ null, 3 ]
   * ```
   */
  static fromJson(json: string | Uint8Array | object, options: XgboostModelOptions = {}): XgboostModel {
    const opts = parseWith(OptionsSchema, options, 'options');
    let raw: unknown = json;
    if (typeof json === 'string' || json instanceof Uint8Array) {
      const text = typeof json === 'string' ? json : new TextDecoder().decode(json);
      try {
        raw = JSON.parse(text);
      } catch (e) {
        throw new ValidationError([{ path: ['json'], message: `is not JSON (${(e as Error).message}); XgboostModel reads booster.save_model('model.json'), not the binary or UBJSON format` }]);
      }
    }
    const parsed = parseWith(ModelSchema, raw, 'model');
    const objective = parsed.learner.objective.name;
    if (!(objective in XGBOOST_OBJECTIVES))
      throw new UnsupportedError(`model.learner.objective.name: objective "${objective}" is not supported; supported: ${Object.keys(XGBOOST_OBJECTIVES).join(', ')}`);
    return new XgboostModel(parsed, flatten(parsed), opts);
  }

  /**
   * Predicts `batch` rows, as {@link Model.predict}: resolves with `batch * outputShape.dims[1]` values.
   *
   * @example
   * ```ts
   * const out = await model.predict(features, features.length / model.numFeature);
   * ```
   */
  predict(input: Float32Array | Float64Array, batch: number): Promise<Float32Array> {
    try {
      return Promise.resolve(this.predictSync(input, batch));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * Predicts `batch` rows synchronously: `batch * outputShape.dims[1]` float32 values, row after row.
   *
   * @example
   * ```ts
   * const p = model.predictSync(Float64Array.of(0.01, 0.03, 61, 0.3, 1.2, 0.02, 0.1), 1);
   * ```
   */
  predictSync(input: Float32Array | Float64Array, batch: number): Float32Array {
    checkPredictInput(this, input, batch);
    const nf = this.numFeature;
    const ng = this.numGroup;
    const width = this.outWidth;
    const out = new Float32Array(batch * width);
    const { roots, groups, nodes, values, row, acc } = this;
    const nTrees = roots.length;
    const m0 = this.margin0;
    for (let b = 0; b < batch; b++) {
      const base = b * nf;
      // A DMatrix holds float32: round every feature as it does before comparing.
      for (let f = 0; f < nf; f++) row[f] = input[base + f]!;
      acc.fill(m0);
      for (let t = 0; t < nTrees; t++) {
        let n = roots[t]!;
        let f = nodes[n << 2]!;
        while (f >= 0) {
          const v = row[f]!;
          const s = values[n]!;
          // NaN fails both comparisons and takes the default direction.
          n = v < s ? nodes[(n << 2) + 1]! : v >= s ? nodes[(n << 2) + 2]! : nodes[(n << 2) + 3]!;
          f = nodes[n << 2]!;
        }
        const g = groups[t]!;
        acc[g] = acc[g]! + values[n]!; // float32 accumulation, as XGBoost's bst_float predictions
      }
      if (this.transform === 'margin') out.set(acc, b * width);
      else transformMargins(this.transform, acc, 0, ng, out, b * width);
    }
    return out;
  }
}

interface FlatTrees {
  numFeature: number;
  numGroup: number;
  roots: Int32Array;
  groups: Int32Array;
  nodes: Int32Array;
  values: Float32Array;
}

function positiveInt(text: string, path: string[], min: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) throw new ValidationError([{ path, message: `must be an integer >= ${min}, got "${text}"` }]);
  return n;
}

function flatten(parsed: Parsed): FlatTrees {
  const learner = parsed.learner;
  const param = learner.learner_model_param;
  const paramPath = ['model', 'learner', 'learner_model_param'];
  const numFeature = positiveInt(param.num_feature, [...paramPath, 'num_feature'], 1);
  const numClass = positiveInt(param.num_class, [...paramPath, 'num_class'], 0);
  if (param.num_target !== undefined && positiveInt(param.num_target, [...paramPath, 'num_target'], 1) > 1)
    throw new UnsupportedError(`model.learner.learner_model_param.num_target: multi-target models (${param.num_target} targets) are not supported`);
  if (!Number.isFinite(Number(param.base_score)))
    throw new ValidationError([{ path: [...paramPath, 'base_score'], message: `must be a number, got "${param.base_score}"` }]);
  const numGroup = Math.max(1, numClass);

  const boosterPath = ['model', 'learner', 'gradient_booster'];
  const booster = learner.gradient_booster as { name: string; gbtree?: unknown; weight_drop?: unknown };
  let gbtree: unknown = booster;
  let weights: number[] | undefined;
  if (booster.name === 'dart') {
    gbtree = booster.gbtree;
    weights = parseWith(numArray, booster.weight_drop, [...boosterPath, 'weight_drop'].join('.'));
    boosterPath.push('gbtree');
  } else if (booster.name !== 'gbtree') {
    throw new UnsupportedError(`model.learner.gradient_booster.name: booster "${booster.name}" is not supported (gbtree and dart are)`);
  }
  const model = parseWith(GbtreeSchema, gbtree, boosterPath.join('.')).model;
  const treesPath = [...boosterPath, 'model', 'trees'];
  const nTrees = model.trees.length;
  if (model.tree_info.length !== nTrees)
    throw new ValidationError([{ path: [...boosterPath, 'model', 'tree_info'], message: `has ${model.tree_info.length} entries for ${nTrees} trees` }]);
  if (weights && weights.length !== nTrees)
    throw new ValidationError([{ path: [...boosterPath.slice(0, -1), 'weight_drop'], message: `has ${weights.length} weights for ${nTrees} trees` }]);

  const trees = model.trees.map((t, i) => parseWith(TreeSchema, t, `${treesPath.join('.')}[${i}]`));
  const total = trees.reduce((sum, t) => sum + t.left_children.length, 0);
  const out: FlatTrees = {
    numFeature,
    numGroup,
    roots: new Int32Array(nTrees),
    groups: new Int32Array(nTrees),
    nodes: new Int32Array(4 * total),
    values: new Float32Array(total),
  };
  let offset = 0;
  trees.forEach((tree, t) => {
    const at = (field: string, node?: number): (string | number)[] => [...treesPath, t, field, ...(node === undefined ? [] : [node])];
    const n = tree.left_children.length;
    for (const field of ['right_children', 'split_indices', 'split_conditions', 'default_left'] as const)
      if (tree[field].length !== n) throw new ValidationError([{ path: at(field), message: `has ${tree[field].length} entries for ${n} nodes` }]);
    if (n === 0) throw new ValidationError([{ path: at('left_children'), message: 'a tree needs at least one node' }]);
    if (tree.split_type?.some((s) => s !== 0)) throw new UnsupportedError(`${treesPath.join('.')}[${t}].split_type: categorical splits are not supported`);
    const group = model.tree_info[t]!;
    if (group < 0 || group >= numGroup) throw new ValidationError([{ path: [...boosterPath, 'model', 'tree_info', t], message: `output group ${group} is outside 0..${numGroup - 1}` }]);
    out.roots[t] = offset;
    out.groups[t] = group;
    const weight = weights ? weights[t]! : 1;
    // Walk from the root so that every reachable node is checked once and a cycle cannot hang predict.
    const seen = new Uint8Array(n);
    const stack = [0];
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (seen[node]) throw new ValidationError([{ path: at('left_children'), message: `node ${node} is reached twice: not a tree` }]);
      seen[node] = 1;
      const g = offset + node;
      const l = tree.left_children[node]!;
      const r = tree.right_children[node]!;
      if (l === -1) {
        if (r !== -1) throw new ValidationError([{ path: at('right_children', node), message: `a leaf (left child -1) must have right child -1, got ${r}` }]);
        out.nodes[4 * g] = -1;
        // XGBoost keeps a leaf's value in split_conditions; DART scales it in float32.
        out.values[g] = weights ? Math.fround(Math.fround(tree.split_conditions[node]!) * Math.fround(weight)) : tree.split_conditions[node]!;
        continue;
      }
      for (const [field, c] of [['left_children', l], ['right_children', r]] as const)
        if (c <= 0 || c >= n) throw new ValidationError([{ path: at(field, node), message: `child ${c} is outside 1..${n - 1}` }]);
      const f = tree.split_indices[node]!;
      if (f < 0 || f >= numFeature) throw new ValidationError([{ path: at('split_indices', node), message: `feature ${f} is outside 0..${numFeature - 1}` }]);
      out.nodes[4 * g] = f;
      out.nodes[4 * g + 1] = offset + l;
      out.nodes[4 * g + 2] = offset + r;
      out.nodes[4 * g + 3] = Number(tree.default_left[node]) !== 0 ? offset + l : offset + r;
      out.values[g] = tree.split_conditions[node]!;
      stack.push(r, l);
    }
    offset += n;
  });
  return out;
}

/**
 * Prediction speed of XGBoost models in one process: XgboostModel (flat typed arrays), a hand-written
 * evaluator that walks the JSON trees as objects (the baseline), and the ONNX conversion in ONNX Runtime
 * (one thread and the default threads). Rows of GOOG features (1,047 rows, 7 features, NaN in warm-up),
 * the 60-tree binary:logistic model and the 90-tree multi:softprob model of the fixtures.
 *
 *   npx tsx --conditions=@rxtrade/source packages/ml/bench/xgboost-predict.bench.ts [reps]
 *
 * Prints the median time per row of each over `reps` repetitions (default 9) after a warm-up, and ratios
 * to XgboostModel.
 */
import { OnnxModel, XgboostModel } from '@rxtrade/ml';
import { loadReference, modelJson, modelOnnx } from '../src/trees/__fixtures__/reference';

const reps = Number(process.argv[2] ?? 9);
const ref = loadReference();
const nf = ref.names.length;
const rows = ref.rows;
const input = ref.features;

interface JsonTree {
  left_children: number[];
  right_children: number[];
  split_indices: number[];
  split_conditions: number[];
  default_left: number[];
}

/** The baseline: trees as parsed JSON objects, walked per row, the same float32 arithmetic. */
function objectEvaluator(json: string): (x: Float64Array, batch: number) => Float32Array {
  const learner = JSON.parse(json).learner;
  const trees: JsonTree[] = learner.gradient_booster.model.trees;
  const info: number[] = learner.gradient_booster.model.tree_info;
  const k = Math.max(1, Number(learner.learner_model_param.num_class));
  const b = Math.fround(Number(learner.learner_model_param.base_score));
  const base = learner.objective.name === 'binary:logistic' ? Math.fround(-Math.log(1 / b - 1)) : b;
  return (x, batch) => {
    const out = new Float32Array(batch * k);
    const row = new Float32Array(nf);
    for (let r = 0; r < batch; r++) {
      for (let f = 0; f < nf; f++) row[f] = x[r * nf + f]!;
      const acc = new Float32Array(k).fill(base);
      trees.forEach((t, i) => {
        let n = 0;
        while (t.left_children[n] !== -1) {
          const v = row[t.split_indices[n]!]!;
          n = Number.isNaN(v) ? (t.default_left[n] ? t.left_children[n]! : t.right_children[n]!) : v < Math.fround(t.split_conditions[n]!) ? t.left_children[n]! : t.right_children[n]!;
        }
        acc[info[i]!] = acc[info[i]!]! + t.split_conditions[n]!;
      });
      out.set(acc, r * k);
    }
    return out;
  };
}

async function time(fn: () => unknown): Promise<number> {
  for (let i = 0; i < 3; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return samples[samples.length >> 1]!;
}

for (const name of ['binary', 'multi']) {
  const trees = XgboostModel.fromJson(modelJson(name));
  const naive = objectEvaluator(modelJson(name));
  const ort1 = await OnnxModel.load(modelOnnx(name), { intraOpNumThreads: 1 });
  const ortN = await OnnxModel.load(modelOnnx(name));
  const perRow = async (predict: (x: Float64Array, n: number) => unknown) => {
    for (let r = 0; r < rows; r++) await predict(input.subarray(r * nf, (r + 1) * nf), 1);
  };
  const results: [string, number][] = [
    ['XgboostModel, one batch', await time(() => trees.predictSync(input, rows))],
    ['XgboostModel, row by row (predict, a promise each)', await time(() => perRow((x, n) => trees.predict(x, n)))],
    ['object trees (baseline), one batch', await time(() => naive(input, rows))],
    ['ONNX Runtime 1 thread, one batch', await time(() => ort1.predict(input, rows))],
    ['ONNX Runtime default threads, one batch', await time(() => ortN.predict(input, rows))],
    ['ONNX Runtime 1 thread, row by row', await time(() => perRow((x, n) => ort1.predict(x, n)))],
  ];
  const unit = results[0]![1];
  console.log(`\n${name}: ${trees.numTrees} trees, ${rows} rows, median of ${reps}`);
  for (const [label, ms] of results) console.log(`  ${label.padEnd(52)} ${((ms * 1000) / rows).toFixed(3).padStart(8)} µs/row  ${(ms / unit).toFixed(2).padStart(6)}x`);
  await ort1.dispose?.();
  await ortN.dispose?.();
}

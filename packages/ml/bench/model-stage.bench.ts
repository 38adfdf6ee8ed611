/**
 * The model stage's cost, with the CNN+LSTM fixture exported from PyTorch (ONNX, input [?, 8, 3]) on the
 * S&P 500 daily bars 2000-2020 (vega-datasets, 5,104 bars; 5,097 samples of 8 rows of 3 features).
 *
 *   npx tsx --conditions=@rxtrade/source packages/ml/bench/model-stage.bench.ts [reps]
 *
 * Every figure is the median of `reps` runs (default 5) after one warm-up run, all in this process, one
 * ONNX Runtime session with one intra-op thread (the machine is shared; ratios are what to compare):
 *
 * 1. Per-bar overhead of the stage. "bare session.run": a loop that awaits `session.run` on each sample,
 *    the samples prepared beforehand (one Float32Array each), as hand-written code would. "predictStage":
 *    the same samples' feature rows pushed one at a time into `predictStage` (rows in, ring buffer,
 *    work tracker, Prediction out), each awaited until the work tracker is idle, as a backtest delivers
 *    bars. The difference per bar is the stage's overhead; both compute the same predictions (checked).
 * 2. Feeding the model a window, without the model: the stage's float32 ring (one row converted and
 *    written twice per bar, the window a view) against core's `window(n)` (a float64 view) followed by a
 *    copy of the whole window into a preallocated Float32Array, for windows of 8, 64 and 256 rows of 3
 *    and of 16 features (20,000 rows).
 * 3. Backtest throughput (bars/s) of a pipeline that trades on the model: features alone (no model),
 *    the streaming mode, and the precomputed mode with the precomputation counted and not counted.
 *    The two model modes' fills and final equity are checked equal.
 */
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Subject, from, lastValueFrom, map, mergeMap, toArray } from 'rxjs';
import { Returns, WorkTracker, ZScore, defineInstrument, toFeatures, window, type Bar, type FeatureRow, type Pipeline } from '@rxtrade/core';
import { readBarsCsv } from '@rxtrade/connectors';
import { runBacktest } from '@rxtrade/backtest';
import { OnnxModel, precomputePredictions, predictBars, predictStage, type FeatureFactory, type PrecomputedPredictions, type Prediction } from '@rxtrade/ml';
import * as ort from 'onnxruntime-node';
import { InputRing } from '../src/models/input-ring';

const REPS = Number(process.argv[2] ?? 5);
const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const spxPath = resolve(dirname(require.resolve('vega-datasets')), '..', 'data', 'sp500-2000.csv');
const spx = defineInstrument({ symbol: 'SPX', venue: 'INDEX', assetClass: 'stock', base: 'SPX', quote: 'USD', tickSize: '0.01', lotSize: '1' });
const { bars } = readBarsCsv(spxPath, { instrumentId: spx.id });
const onnxPath = resolve(here, '../src/models/__fixtures__/tiny-cnn-lstm.onnx');

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
async function timeIt(fn: () => Promise<unknown> | unknown): Promise<number> {
  await fn(); // warm-up
  const seconds: number[] = [];
  for (let r = 0; r < REPS; r++) {
    const t0 = process.hrtime.bigint();
    await fn();
    seconds.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  return median(seconds);
}
const fmt = (x: number, digits = 1): string => x.toFixed(digits);

const featureSpec = () => ({ r1: new Returns(1), r5: new Returns(5), z: { then: [new ZScore(20)] } });
const features: FeatureFactory = () => (bars$) => bars$.pipe(toFeatures({ features: featureSpec() }), window(8));
const rows: FeatureRow[] = await lastValueFrom(from(bars).pipe(toFeatures({ features: featureSpec() }), toArray()));
const samples: Float32Array[] = [];
for (let i = 7; i < rows.length; i++) {
  const s = new Float32Array(24);
  for (let k = 0; k < 8; k++) s.set(rows[i - 7 + k]!.values, k * 3);
  samples.push(s);
}

const model = await OnnxModel.load(onnxPath, { intraOpNumThreads: 1, interOpNumThreads: 1 });
const session = await ort.InferenceSession.create(onnxPath, { executionProviders: ['cpu'], intraOpNumThreads: 1, interOpNumThreads: 1 });

console.log(`model-stage bench: ${bars.length} S&P 500 bars, ${samples.length} samples of 8 x 3, medians of ${REPS} runs, onnxruntime-node ${ort.env.versions.node}, Node ${process.version}\n`);

// 1. Per-bar overhead.
let bareOut: number[] = [];
const bare = await timeIt(async () => {
  const out: number[] = [];
  for (const s of samples) {
    const r = await session.run({ x: new ort.Tensor('float32', s, [1, 8, 3]) });
    out.push((r.y!.data as Float32Array)[0]!);
  }
  bareOut = out;
});
let stageOut: number[] = [];
const staged = await timeIt(async () => {
  const work = new WorkTracker();
  const rows$ = new Subject<FeatureRow>();
  const out: number[] = [];
  const sub = rows$.pipe(predictStage(model, { work })).subscribe((p: Prediction) => out.push(p.values[0]!));
  for (const row of rows) {
    rows$.next(row);
    await work.whenIdle();
  }
  rows$.complete();
  sub.unsubscribe();
  stageOut = out;
});
if (stageOut.length !== bareOut.length || stageOut.some((v, i) => v !== bareOut[i])) throw new Error('predictStage and session.run disagree');
const n = samples.length;
console.log('1. per-bar cost, one sample per call');
console.log(`   bare session.run loop      ${fmt((bare / n) * 1e6)} µs/bar`);
console.log(`   predictStage (rows in)     ${fmt((staged / n) * 1e6)} µs/bar   overhead ${fmt(((staged - bare) / n) * 1e6)} µs/bar (${fmt(staged / bare, 2)}x the bare loop)\n`);

// 2. Ring vs copying the window, input preparation only (no model, no promise).
console.log('2. feeding a window to the model, per bar (no model call)');
for (const width of [3, 16]) {
  for (const size of [8, 64, 256]) {
    const featureRows: FeatureRow[] = Array.from({ length: 20_000 }, (_, i) => ({ instrumentId: spx.id, ts: i, values: Float64Array.from({ length: width }, (_, j) => Math.sin(i + j)) }));
    const sink = { s: 0 };
    const windowOnly = await timeIt(() => {
      from(featureRows)
        .pipe(window(size))
        .subscribe((w) => {
          sink.s += w.data[0]!;
        });
    });
    const copy = await timeIt(() => {
      const buf = new Float32Array(size * width);
      from(featureRows)
        .pipe(window(size))
        .subscribe((w) => {
          buf.set(w.data);
          sink.s += buf[0]!;
        });
    });
    const ring = await timeIt(() => {
      const r = new InputRing(size, width, 2 * size, false, undefined);
      from(featureRows).subscribe((row) => {
        r.append(row.values);
        if (r.count >= size) sink.s += r.window()[0]!;
      });
    });
    const per = (t: number) => fmt((t / featureRows.length) * 1e9, 0).padStart(5);
    console.log(`   ${String(size).padStart(3)} x ${String(width).padStart(2)}: window(n) view ${per(windowOnly)} ns; window(n) + copy into a Float32Array ${per(copy)} ns; the stage's float32 ring ${per(ring)} ns`);
  }
}
console.log('');

// 3. Backtest throughput.
const trade =
  (predict: (ctx: Parameters<Pipeline>[0]) => import('rxjs').OperatorFunction<Bar, { values: Float32Array }>): Pipeline =>
  (ctx) => {
    let previous: number | undefined;
    return ctx.market.bars(spx.id).pipe(
      predict(ctx),
      mergeMap((p) => {
        const before = previous;
        previous = p.values[0]!;
        if (before === undefined || before === p.values[0]) return [];
        const delta = (p.values[0]! > before ? 10 : 0) - ctx.ledger.positionQuantity(spx.id).toNumber();
        return delta === 0 ? [] : [ctx.orderFactory.market({ instrumentId: spx.id, side: delta > 0 ? 'BUY' : 'SELL', quantity: Math.abs(delta) })];
      }),
    );
  };
const config = { data: bars, instruments: [spx], ledger: { startingCash: 1_000_000 } };
// Features only: the same strategy on the window's newest first feature instead of the model's output
// (it trades differently: a floor for what features, windows and orders cost).
const noModel = trade(() => (bars$) => bars$.pipe(toFeatures({ features: featureSpec() }), window(8), map((w) => ({ values: Float32Array.of(w.data[21]!) }))));
const streaming = trade((ctx) => predictBars(model, { work: ctx.work, features }));
let pre: PrecomputedPredictions | undefined;
const precomputed = trade((ctx) => predictBars(model, { work: ctx.work, precomputed: pre! }));

const results: Record<string, string> = {};
const tNone = await timeIt(async () => void (await runBacktest(noModel, config)));
const tStream = await timeIt(async () => {
  const r = await runBacktest(streaming, config);
  results.streaming = `${r.fills.length} ${r.summary.finalEquity.toString()}`;
});
const tPrecompute = await timeIt(async () => {
  pre = await precomputePredictions(model, { bars, features, batchSize: 512 });
});
const tReplay = await timeIt(async () => {
  const r = await runBacktest(precomputed, config);
  results.precomputed = `${r.fills.length} ${r.summary.finalEquity.toString()}`;
});
if (results.streaming !== results.precomputed) throw new Error(`streaming ${results.streaming} != precomputed ${results.precomputed}`);
const bps = (t: number) => fmt(bars.length / t, 0).padStart(7);
console.log(`3. backtest of ${bars.length} bars trading on the model (fills and final equity equal in both modes: ${results.streaming})`);
console.log(`   features only, no model          ${bps(tNone)} bars/s   (trades on a feature instead: its own fills)`);
console.log(`   streaming (model per bar)        ${bps(tStream)} bars/s`);
console.log(`   precomputed, incl. precompute    ${bps(tPrecompute + tReplay)} bars/s   (${fmt(tStream / (tPrecompute + tReplay), 2)}x streaming)`);
console.log(`   precomputed, replay only         ${bps(tReplay)} bars/s   (${fmt(tStream / tReplay, 2)}x streaming; precompute ${fmt(tPrecompute * 1e3)} ms in batches of 512)`);

await model.dispose();
await session.release();

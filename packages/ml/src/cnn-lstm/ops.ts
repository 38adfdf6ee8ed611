/**
 * The tensor operations the CNN+LSTM trains through, each a `tf.customGrad` whose backward pass is written
 * by hand:
 *
 * - {@link linear}: `x · W + b` with an optional ReLU. tfjs's own gradient of a matrix product multiplies
 *   by transposed operands, and the wasm backend sends every transposed or batched product to a scalar
 *   loop (only a plain 2-D product reaches XNNPACK). Here the operands are transposed first, so that all
 *   three products of a training step run in XNNPACK.
 * - {@link bidirectionalLstm}: a whole bidirectional LSTM layer over a sequence, a fused kernel. The
 *   input products of all steps and the weight gradients are single large products on the backend; each
 *   step costs one recurrent product per direction;
 *   the gates, the cell update and back-propagation through time run in JavaScript over typed arrays
 *   (float64 arithmetic, float32 storage): the forward gates in WebAssembly SIMD ({@link lstmKernels}, two
 *   units at a time in float64 lanes) where the engine has it and `u` is even. On the wasm backend this replaces some forty kernel launches
 *   per step, several of which (slice, split, unstack) copy their whole input, by two.
 *
 * Gate order is Keras' and PyTorch's: input, forget, cell (candidate), output.
 */
import * as tf from '@tensorflow/tfjs';
import { lstmKernels } from './lstm-kernels';
import { giveBack, takeArray } from './spare-arrays';

type Activation = 'linear' | 'relu';
type LinearOp = (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor2D;

const linearOps = new Map<string, LinearOp>();

/** `aᵀ · b` with plain products only, transposing whichever of `a` and the result is smaller. */
function matMulTransposeA(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  const [n, p] = a.shape;
  const q = b.shape[1];
  // Either transpose a ([n, p]) or compute (bᵀ a)ᵀ, transposing b ([n, q]) and the [q, p] result.
  if (n * p <= n * q + p * q) return tf.matMul(tf.transpose(a), b);
  return tf.transpose(tf.matMul(tf.transpose(b), a)) as tf.Tensor2D;
}

function makeLinear(activation: Activation, inputGradient: boolean): LinearOp {
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, w, b, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
    const y = tf.fused.matMul({ a: x, b: w, bias: b, activation });
    save([x, w, y]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sw, sy] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
        const g = activation === 'relu' ? tf.mul(dy, tf.step(sy)) : (dy as tf.Tensor2D);
        const dx = inputGradient ? tf.matMul(g, tf.transpose(sw) as tf.Tensor2D) : tf.zerosLike(sx);
        return [dx, matMulTransposeA(sx, g as tf.Tensor2D), tf.sum(g, 0)];
      },
    };
  }) as unknown as LinearOp;
}

/**
 * `activation(x · w + b)` for a 2-D `x` (rows are samples), with a backward pass whose products all run
 * in XNNPACK on the wasm backend.
 *
 * @example
 * ```ts
 * const y = linear(tf.ones([4, 3]), tf.ones([3, 2]), tf.zeros([2]), 'relu'); // [[3, 3], ...]
 * ```
 */
export function linear(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, activation: Activation = 'linear', inputGradient = true): tf.Tensor2D {
  const key = `${activation}:${inputGradient}`;
  let op = linearOps.get(key);
  if (!op) linearOps.set(key, (op = makeLinear(activation, inputGradient)));
  return op(x, w, b);
}

/**
 * `activation(x · w + b)` over the last axis of a tensor of any rank. `inputGradient: false` where `x` is
 * the model's input, whose gradient training never reads (it is returned as zeros, not computed).
 */
export function linearLastAxis(x: tf.Tensor, w: tf.Tensor2D, b: tf.Tensor1D, activation: Activation = 'linear', inputGradient = true): tf.Tensor {
  const inner = x.shape[x.rank - 1]!;
  const y = linear(tf.reshape(x, [-1, inner]), w, b, activation, inputGradient);
  return tf.reshape(y, [...x.shape.slice(0, -1), w.shape[1]]);
}

type BiLstmOp = (x: tf.Tensor3D, wf: tf.Tensor2D, uf: tf.Tensor2D, bf: tf.Tensor1D, wb: tf.Tensor2D, ub: tf.Tensor2D, bb: tf.Tensor1D) => tf.Tensor3D;
let biLstmOp: BiLstmOp | undefined;

/** `a · b` for `rows` rows of `a` (row-major, `b.shape[0]` columns) read in place, read back as a typed array. */
function product(a: Float32Array, rows: number, b: tf.Tensor2D): Float32Array {
  // Not through tf.tidy: tidy walks a returned typed array element by element.
  const at = tf.tensor2d(a, [rows, b.shape[0]]);
  const out = tf.matMul(at, b);
  const values = out.dataSync() as Float32Array;
  at.dispose();
  out.dispose();
  return values;
}

/**
 * One direction's step over a batch, in place: `gates` holds the block's pre-activations `[batch, 4u]`
 * (input products and bias) and receives the activated gates; `r` (or none on the first step) the
 * recurrent products. Writes the cell, its tanh and the state of each sample and unit.
 */
function forwardStep(gates: Float32Array, at: number, r: Float32Array | undefined, cell: Float32Array, tcell: Float32Array, hidden: Float32Array, out: number, prev: number, batch: number, u: number): void {
  for (let b = 0; b < batch; b++) {
    const row = at + b * 4 * u;
    const rRow = b * 4 * u;
    const o0 = out + b * u;
    const p0 = prev + b * u;
    for (let j = 0; j < u; j++) {
      const zi = r ? gates[row + j]! + r[rRow + j]! : gates[row + j]!;
      const zf = r ? gates[row + u + j]! + r[rRow + u + j]! : gates[row + u + j]!;
      const zg = r ? gates[row + 2 * u + j]! + r[rRow + 2 * u + j]! : gates[row + 2 * u + j]!;
      const zo = r ? gates[row + 3 * u + j]! + r[rRow + 3 * u + j]! : gates[row + 3 * u + j]!;
      const i = 1 / (1 + Math.exp(-zi));
      const f = 1 / (1 + Math.exp(-zf));
      const gv = Math.tanh(zg);
      const o = 1 / (1 + Math.exp(-zo));
      const c = r ? f * cell[p0 + j]! + i * gv : i * gv;
      const tc = Math.tanh(c);
      gates[row + j] = i;
      gates[row + u + j] = f;
      gates[row + 2 * u + j] = gv;
      gates[row + 3 * u + j] = o;
      cell[o0 + j] = c;
      tcell[o0 + j] = tc;
      hidden[o0 + j] = o * tc;
    }
  }
}

/**
 * One direction's step of back-propagation through time over a batch: from the output gradient (`dy`,
 * row stride `yStride`), the state gradient from the next step (`dhr`, or none) and the cell gradient
 * carried in `dc` (updated in place), the gate-input gradients into `dz` at `at` and their sums into `db`.
 */
function backwardStep(
  gates: Float32Array, cell: Float32Array, tcell: Float32Array, at: number, out: number, prev: number, first: boolean,
  dy: Float32Array, yAt: number, yStride: number, dhr: Float32Array | undefined, dc: Float32Array, dz: Float32Array, db: Float64Array, batch: number, u: number,
): void {
  for (let b = 0; b < batch; b++) {
    const row = at + b * 4 * u;
    const o0 = out + b * u;
    const p0 = prev + b * u;
    const y0 = yAt + b * yStride;
    const m0 = b * u;
    for (let j = 0; j < u; j++) {
      const i = gates[row + j]!;
      const f = gates[row + u + j]!;
      const gv = gates[row + 2 * u + j]!;
      const o = gates[row + 3 * u + j]!;
      const tc = tcell[o0 + j]!;
      const cPrev = first ? 0 : cell[p0 + j]!;
      const dht = dhr ? dy[y0 + j]! + dhr[m0 + j]! : dy[y0 + j]!;
      const dcs = dc[m0 + j]! + dht * o * (1 - tc * tc);
      dc[m0 + j] = dcs * f;
      const zi = dcs * gv * i * (1 - i);
      const zf = dcs * cPrev * f * (1 - f);
      const zg = dcs * i * (1 - gv * gv);
      const zo = dht * tc * o * (1 - o);
      dz[row + j] = zi;
      dz[row + u + j] = zf;
      dz[row + 2 * u + j] = zg;
      dz[row + 3 * u + j] = zo;
      db[j]! += zi;
      db[u + j]! += zf;
      db[2 * u + j]! += zg;
      db[3 * u + j]! += zo;
    }
  }
}

function makeBidirectionalLstm(): BiLstmOp {
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, wf, uf, bf, wb, ub, bb, save] = args as [tf.Tensor3D, tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
    const [batch, steps, inputs] = x.shape;
    const u = uf.shape[0];
    const g4 = 4 * u;
    const rows = steps * batch;
    // Time-major inputs: row t·batch + b is sample b at time t. Every per-direction array below is
    // time-major too: the forward direction's step s is time s, the backward direction's time steps-1-s.
    const xt = tf.reshape(tf.transpose(x, [1, 0, 2]), [rows, inputs]) as tf.Tensor2D;
    // Gate pre-activations [rows, 4u], replaced step by step by the activated gates.
    const pre = [tf.fused.matMul({ a: xt, b: wf, bias: bf }), tf.fused.matMul({ a: xt, b: wb, bias: bb })];
    const recurrent = [uf, ub];
    const kernels = u % 2 === 0 ? lstmKernels() : undefined;
    let gates: [Float32Array, Float32Array];
    let cell: Float32Array[];
    let tcell: Float32Array[];
    let hidden: Float32Array[];
    if (kernels) {
      // Both directions' gates, cells, tanh of cells and states, then one step's recurrent products, in the
      // kernels' heap (offsets in floats), and the kernel's scratch; copied out once the sequence is done.
      const gateOff = [0, rows * g4];
      const unitOff = (k: number, d: number) => 2 * rows * g4 + (2 * k + d) * rows * u;
      const rOff = 2 * rows * g4 + 6 * rows * u;
      const scratch = rOff + batch * g4;
      const heap = kernels.heap(scratch + 4 * u);
      for (let d = 0; d < 2; d++) {
        heap.set(pre[d]!.dataSync() as Float32Array, gateOff[d]!);
        pre[d]!.dispose();
      }
      for (let s = 0; s < steps; s++) {
        for (let d = 0; d < 2; d++) {
          const t = d === 0 ? s : steps - 1 - s;
          const tp = d === 0 ? t - 1 : t + 1;
          if (s > 0) {
            const from = unitOff(2, d) + tp * batch * u;
            const r = product(heap.subarray(from, from + batch * u), batch, recurrent[d]!);
            heap.set(r, rOff);
          }
          kernels.forwardStep(gateOff[d]! + t * batch * g4, rOff, unitOff(0, d) + tp * batch * u, unitOff(0, d) + t * batch * u, unitOff(1, d) + t * batch * u, unitOff(2, d) + t * batch * u, batch, u, s === 0, scratch);
        }
      }
      const copy = (from: number, length: number) => {
        const a = takeArray(length);
        a.set(heap.subarray(from, from + length));
        return a;
      };
      gates = [copy(0, rows * g4), copy(rows * g4, rows * g4)];
      const units = (k: number) => [0, 1].map((d) => copy(unitOff(k, d), rows * u));
      cell = units(0);
      tcell = units(1);
      hidden = units(2);
    } else {
      gates = pre.map((t) => {
        const v = (t.dataSync() as Float32Array).slice();
        t.dispose();
        return v;
      }) as [Float32Array, Float32Array];
      cell = [new Float32Array(rows * u), new Float32Array(rows * u)];
      tcell = [new Float32Array(rows * u), new Float32Array(rows * u)];
      hidden = [new Float32Array(rows * u), new Float32Array(rows * u)];
      for (let s = 0; s < steps; s++) {
        for (let d = 0; d < 2; d++) {
          const t = d === 0 ? s : steps - 1 - s;
          const tp = d === 0 ? t - 1 : t + 1; // the previous step's time
          const r = s === 0 ? undefined : product(hidden[d]!.subarray(tp * batch * u, (tp + 1) * batch * u), batch, recurrent[d]!);
          forwardStep(gates[d]!, t * batch * g4, r, cell[d]!, tcell[d]!, hidden[d]!, t * batch * u, tp * batch * u, batch, u);
        }
      }
    }
    // Output [batch, steps, 2u]: the forward then the backward state of each step.
    const y = new Float32Array(rows * 2 * u);
    for (let b = 0; b < batch; b++) {
      for (let t = 0; t < steps; t++) {
        const from = (t * batch + b) * u;
        const to = (b * steps + t) * 2 * u;
        y.set(hidden[0]!.subarray(from, from + u), to);
        y.set(hidden[1]!.subarray(from, from + u), to + u);
      }
    }
    save([xt, wf, wb, uf, ub]);
    return {
      value: tf.tensor3d(y, [batch, steps, 2 * u]),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sxt, swf, swb, suf, sub] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
        const dyv = dy.dataSync() as Float32Array;
        const recurrentT = [tf.transpose(suf) as tf.Tensor2D, tf.transpose(sub) as tf.Tensor2D];
        // Gate-input gradients per direction [rows, 4u] (time-major), the bias gradients, the carried cell gradient.
        const dz = [takeArray(rows * g4), takeArray(rows * g4)]; // every value written below
        const db = [new Float64Array(g4), new Float64Array(g4)];
        const dc = [new Float32Array(batch * u), new Float32Array(batch * u)];
        const dhr: (Float32Array | undefined)[] = [undefined, undefined];
        for (let s = steps - 1; s >= 0; s--) {
          for (let d = 0; d < 2; d++) {
            const t = d === 0 ? s : steps - 1 - s;
            const tp = d === 0 ? t - 1 : t + 1;
            backwardStep(gates[d]!, cell[d]!, tcell[d]!, t * batch * g4, t * batch * u, tp * batch * u, s === 0, dyv, t * 2 * u + d * u, steps * 2 * u, dhr[d], dc[d]!, dz[d]!, db[d]!, batch, u);
            if (s > 0) dhr[d] = product(dz[d]!.subarray(t * batch * g4, (t + 1) * batch * g4), batch, recurrentT[d]!);
          }
        }
        const dZ = dz.map((v) => tf.tensor2d(v, [rows, g4]));
        const xtT = tf.transpose(sxt) as tf.Tensor2D;
        // dU = Σ_t h_prev(t)ᵀ dz(t): the forward states of times 0..T-2 against dz of times 1..T-1, the
        // backward states of times 1..T-1 against dz of times 0..T-2 (the first step's previous state is zero).
        const span = (steps - 1) * batch;
        const dU = (d: number) => {
          if (steps === 1) return tf.zeros([u, g4]);
          const h = tf.tensor2d(hidden[d]!.subarray(d === 0 ? 0 : batch * u, (d === 0 ? 0 : batch * u) + span * u), [span, u]);
          const z = tf.tensor2d(dz[d]!.subarray(d === 0 ? batch * g4 : 0, (d === 0 ? batch * g4 : 0) + span * g4), [span, g4]);
          return tf.matMul(tf.transpose(h) as tf.Tensor2D, z);
        };
        const dXt = tf.add(tf.matMul(dZ[0]!, tf.transpose(swf) as tf.Tensor2D), tf.matMul(dZ[1]!, tf.transpose(swb) as tf.Tensor2D));
        const dX = tf.transpose(tf.reshape(dXt, [steps, batch, inputs]), [1, 0, 2]);
        const grads = [dX, tf.matMul(xtT, dZ[0]!), dU(0), tf.tensor1d(Float32Array.from(db[0]!)), tf.matMul(xtT, dZ[1]!), dU(1), tf.tensor1d(Float32Array.from(db[1]!))];
        // Every product above has run (the backends compute eagerly), so the arrays are free for the next
        // step (spare-arrays.ts); the tensors that view them on the cpu backend are intermediates of this
        // pass, disposed with it.
        giveBack([...gates, ...cell, ...tcell, ...hidden, ...dz]);
        return grads;
      },
    };
  }) as unknown as BiLstmOp;
}

/**
 * A bidirectional LSTM over `x` (`[batch, steps, inputs]`), returning every step's output as
 * `[batch, steps, 2u]`: the forward direction's `h` then the backward direction's, as PyTorch's
 * `nn.LSTM(bidirectional=True, batch_first=True)` and Keras' `Bidirectional(LSTM(return_sequences=True))`
 * with `merge_mode='concat'` lay them out. Kernels are `[inputs, 4u]`, recurrent kernels `[u, 4u]`,
 * biases `[4u]` (PyTorch's two biases summed), gates in the order input, forget, cell, output; initial
 * states are zero.
 *
 * @example
 * ```ts
 * const u = 8, inputs = 3;
 * const w = () => tf.randomUniform([inputs, 4 * u], -0.1, 0.1) as tf.Tensor2D;
 * const r = () => tf.randomUniform([u, 4 * u], -0.1, 0.1) as tf.Tensor2D;
 * const y = bidirectionalLstm(tf.ones([2, 5, inputs]), w(), r(), tf.zeros([4 * u]), w(), r(), tf.zeros([4 * u]));
 * y.shape; // [2, 5, 16]
 * ```
 */
export function bidirectionalLstm(x: tf.Tensor3D, wf: tf.Tensor2D, uf: tf.Tensor2D, bf: tf.Tensor1D, wb: tf.Tensor2D, ub: tf.Tensor2D, bb: tf.Tensor1D): tf.Tensor3D {
  biLstmOp ??= makeBidirectionalLstm();
  return biLstmOp(x, wf, uf, bf, wb, ub, bb);
}

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
 *   (float64 arithmetic, float32 storage). On the wasm backend this replaces some forty kernel launches
 *   per step, several of which (slice, split, unstack) copy their whole input, by two.
 *
 * Gate order is Keras' and PyTorch's: input, forget, cell (candidate), output.
 */
import * as tf from '@tensorflow/tfjs';

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

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

/** `a · b` for a JavaScript array `a` ([rows, cols]), read back as a typed array. */
function product(a: Float32Array, rows: number, cols: number, b: tf.Tensor2D): Float32Array {
  // Not through tf.tidy: tidy walks a returned typed array element by element.
  const at = tf.tensor2d(a, [rows, cols]);
  const out = tf.matMul(at, b);
  const values = out.dataSync() as Float32Array;
  at.dispose();
  out.dispose();
  return values;
}

function makeBidirectionalLstm(): BiLstmOp {
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, wf, uf, bf, wb, ub, bb, save] = args as [tf.Tensor3D, tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
    const [batch, steps, inputs] = x.shape;
    const u = uf.shape[0];
    const g4 = 4 * u;
    const width = 2 * u; // [h_fwd, h_bwd] of one sample
    // Time-major inputs: row t·batch + b is sample b at time t. The forward direction's step s is time s,
    // the backward direction's is time steps-1-s.
    const xt = tf.reshape(tf.transpose(x, [1, 0, 2]), [steps * batch, inputs]) as tf.Tensor2D;
    const pf = tf.fused.matMul({ a: xt, b: wf, bias: bf }).dataSync() as Float32Array;
    const pb = tf.fused.matMul({ a: xt, b: wb, bias: bb }).dataSync() as Float32Array;
    // Per step s, sample b, unit k of [fwd | bwd]: gates, cell, tanh(cell), output.
    const n = steps * batch * width;
    const gi = new Float32Array(n);
    const gf = new Float32Array(n);
    const gg = new Float32Array(n);
    const go = new Float32Array(n);
    const cell = new Float32Array(n);
    const tcell = new Float32Array(n);
    const hidden = new Float32Array(n);
    // Each direction's state [batch, u] and its recurrent product [batch, 4u].
    const hs: [Float32Array, Float32Array] = [new Float32Array(batch * u), new Float32Array(batch * u)];
    const zero = new Float32Array(batch * g4);
    for (let s = 0; s < steps; s++) {
      const rs = s === 0 ? [zero, zero] : [product(hs[0], batch, u, uf), product(hs[1], batch, u, ub)];
      for (let b = 0; b < batch; b++) {
        for (let d = 0; d < 2; d++) {
          const p = d === 0 ? pf : pb;
          const r = rs[d]!;
          const h = hs[d]!;
          const pRow = ((d === 0 ? s : steps - 1 - s) * batch + b) * g4;
          const rRow = b * g4;
          for (let j = 0; j < u; j++) {
            const k = (s * batch + b) * width + d * u + j;
            const i = sigmoid(p[pRow + j]! + r[rRow + j]!);
            const f = sigmoid(p[pRow + u + j]! + r[rRow + u + j]!);
            const gv = Math.tanh(p[pRow + 2 * u + j]! + r[rRow + 2 * u + j]!);
            const o = sigmoid(p[pRow + 3 * u + j]! + r[rRow + 3 * u + j]!);
            const cPrev = s === 0 ? 0 : cell[k - batch * width]!;
            const c = f * cPrev + i * gv;
            const tc = Math.tanh(c);
            gi[k] = i;
            gf[k] = f;
            gg[k] = gv;
            go[k] = o;
            cell[k] = c;
            tcell[k] = tc;
            hidden[k] = h[b * u + j] = o * tc;
          }
        }
      }
    }
    // Output [batch, steps, 2u]: the forward state of step t, then the backward state of step steps-1-t.
    const y = new Float32Array(batch * steps * width);
    for (let b = 0; b < batch; b++) {
      for (let t = 0; t < steps; t++) {
        const out = (b * steps + t) * width;
        y.set(hidden.subarray((t * batch + b) * width, (t * batch + b) * width + u), out);
        const back = ((steps - 1 - t) * batch + b) * width + u;
        y.set(hidden.subarray(back, back + u), out + u);
      }
    }
    save([xt, wf, wb, uf, ub]);
    return {
      value: tf.tensor3d(y, [batch, steps, width]),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sxt, swf, swb, suf, sub] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
        const dyv = dy.dataSync();
        const ufT = tf.transpose(suf) as tf.Tensor2D;
        const ubT = tf.transpose(sub) as tf.Tensor2D;
        const rows = steps * batch;
        // Gate-input gradients per direction by time (row t·batch + b), row-major [rows, 4u] and transposed [4u, rows].
        const dpf = new Float32Array(rows * g4);
        const dpb = new Float32Array(rows * g4);
        const dpfT = new Float32Array(rows * g4);
        const dpbT = new Float32Array(rows * g4);
        // The previous step's states, transposed [u, rows] per direction, for the recurrent kernels' gradients.
        const hPrevF = new Float32Array(u * rows);
        const hPrevB = new Float32Array(u * rows);
        const dbf = new Float64Array(g4);
        const dbb = new Float64Array(g4);
        // Per direction: this step's gate-input gradients [batch, 4u], the state gradient from the next step [batch, u].
        const dzs: [Float32Array, Float32Array] = [new Float32Array(batch * g4), new Float32Array(batch * g4)];
        let dhs: Float32Array[] = [new Float32Array(batch * u), new Float32Array(batch * u)];
        const dc = new Float32Array(batch * width);
        for (let s = steps - 1; s >= 0; s--) {
          for (let b = 0; b < batch; b++) {
            const row = s * batch + b;
            for (let d = 0; d < 2; d++) {
              const dp = d === 0 ? dpf : dpb;
              const dpT = d === 0 ? dpfT : dpbT;
              const db = d === 0 ? dbf : dbb;
              const hPrev = d === 0 ? hPrevF : hPrevB;
              const dz = dzs[d]!;
              const dh = dhs[d]!;
              // The output this state produced: step s forward, step steps-1-s backward.
              const yRow = d === 0 ? (b * steps + s) * width : (b * steps + (steps - 1 - s)) * width + u;
              for (let j = 0; j < u; j++) {
                const k = row * width + d * u + j;
                const m = b * width + d * u + j;
                const mh = b * u + j;
                const i = gi[k]!;
                const f = gf[k]!;
                const gv = gg[k]!;
                const o = go[k]!;
                const tc = tcell[k]!;
                const cPrev = s === 0 ? 0 : cell[k - batch * width]!;
                const dht = dyv[yRow + j]! + dh[mh]!;
                const dcs = dc[m]! + dht * o * (1 - tc * tc);
                dc[m] = dcs * f;
                const zi = dcs * gv * i * (1 - i);
                const zf = dcs * cPrev * f * (1 - f);
                const zg = dcs * i * (1 - gv * gv);
                const zo = dht * tc * o * (1 - o);
                const tRow = d === 0 ? row : (steps - 1 - s) * batch + b;
                const base = tRow * g4;
                dp[base + j] = zi;
                dp[base + u + j] = zf;
                dp[base + 2 * u + j] = zg;
                dp[base + 3 * u + j] = zo;
                dpT[j * rows + tRow] = zi;
                dpT[(u + j) * rows + tRow] = zf;
                dpT[(2 * u + j) * rows + tRow] = zg;
                dpT[(3 * u + j) * rows + tRow] = zo;
                db[j]! += zi;
                db[u + j]! += zf;
                db[2 * u + j]! += zg;
                db[3 * u + j]! += zo;
                const zRow = b * g4;
                dz[zRow + j] = zi;
                dz[zRow + u + j] = zf;
                dz[zRow + 2 * u + j] = zg;
                dz[zRow + 3 * u + j] = zo;
                hPrev[j * rows + tRow] = s === 0 ? 0 : hidden[k - batch * width]!;
              }
            }
          }
          if (s > 0) dhs = [product(dzs[0], batch, g4, ufT), product(dzs[1], batch, g4, ubT)];
        }
        const dPf = tf.tensor2d(dpf, [rows, g4]);
        const dPb = tf.tensor2d(dpb, [rows, g4]);
        const dWf = tf.transpose(tf.matMul(tf.tensor2d(dpfT, [g4, rows]), sxt));
        const dWb = tf.transpose(tf.matMul(tf.tensor2d(dpbT, [g4, rows]), sxt));
        const dUf = tf.matMul(tf.tensor2d(hPrevF, [u, rows]), dPf);
        const dUb = tf.matMul(tf.tensor2d(hPrevB, [u, rows]), dPb);
        const dXt = tf.add(tf.matMul(dPf, tf.transpose(swf) as tf.Tensor2D), tf.matMul(dPb, tf.transpose(swb) as tf.Tensor2D));
        const dX = tf.transpose(tf.reshape(dXt, [steps, batch, inputs]), [1, 0, 2]);
        return [dX, dWf, dUf, tf.tensor1d(Float32Array.from(dbf)), dWb, dUb, tf.tensor1d(Float32Array.from(dbb))];
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

/**
 * The tensor operations the CNN+LSTM trains through, each a `tf.customGrad` whose backward pass is written
 * by hand:
 *
 * - {@link linear}: `x · W + b` with an optional ReLU. tfjs's own gradient of a matrix product multiplies
 *   by transposed operands, and the wasm backend sends every transposed or batched product to a scalar
 *   loop (only a plain 2-D product reaches XNNPACK). Here the operands are transposed first, so that all
 *   three products of a training step run in XNNPACK.
 * - {@link bidirectionalLstm}: a whole bidirectional LSTM layer over a sequence. Both directions advance
 *   together (the backward one over the reversed sequence) with one recurrent product per step against a
 *   block-diagonal matrix, and back-propagation through time is written out, so a step costs a dozen
 *   kernels forward and two dozen backward instead of the several hundred an op-by-op tape records.
 *
 * Gate order is Keras' and PyTorch's: input, forget, cell (candidate), output.
 */
import * as tf from '@tensorflow/tfjs';

type Activation = 'linear' | 'relu';

const linearOps: Partial<Record<Activation, (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor2D>> = {};

function makeLinear(activation: Activation): (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor2D {
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, w, b, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
    const y = tf.fused.matMul({ a: x, b: w, bias: b, activation });
    save([x, w, y]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sw, sy] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
        const g = activation === 'relu' ? tf.mul(dy, tf.step(sy)) : (dy as tf.Tensor2D);
        return [tf.matMul(g, tf.transpose(sw)), tf.matMul(tf.transpose(sx), g), tf.sum(g, 0)];
      },
    };
  }) as unknown as (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor2D;
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
export function linear(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, activation: Activation = 'linear'): tf.Tensor2D {
  const op = (linearOps[activation] ??= makeLinear(activation));
  return op(x, w, b);
}

/** `activation(x · w + b)` over the last axis of a tensor of any rank. */
export function linearLastAxis(x: tf.Tensor, w: tf.Tensor2D, b: tf.Tensor1D, activation: Activation = 'linear'): tf.Tensor {
  const inner = x.shape[x.rank - 1]!;
  const y = linear(tf.reshape(x, [-1, inner]), w, b, activation);
  return tf.reshape(y, [...x.shape.slice(0, -1), w.shape[1]]);
}

/**
 * The recurrent matrix of both directions as one block-diagonal `[2u, 8u]` matrix whose columns are grouped
 * by gate: `[i_fwd, i_bwd, f_fwd, f_bwd, g_fwd, g_bwd, o_fwd, o_bwd]`, so that `[h_fwd, h_bwd] · U` gives
 * both directions' gate inputs side by side, and each gate is one contiguous `[batch, 2u]` slice.
 */
function blockRecurrent(uf: tf.Tensor2D, ub: tf.Tensor2D): tf.Tensor2D {
  const u = uf.shape[0];
  const zero = tf.zeros([u, 4, 1, u]);
  const top = tf.concat([tf.reshape(uf, [u, 4, 1, u]), zero], 2);
  const bottom = tf.concat([zero, tf.reshape(ub, [u, 4, 1, u])], 2);
  return tf.reshape(tf.concat([top, bottom], 0), [2 * u, 8 * u]);
}

type BiLstmOp = (x: tf.Tensor3D, wf: tf.Tensor2D, uf: tf.Tensor2D, bf: tf.Tensor1D, wb: tf.Tensor2D, ub: tf.Tensor2D, bb: tf.Tensor1D) => tf.Tensor3D;
let biLstmOp: BiLstmOp | undefined;

function makeBidirectionalLstm(): BiLstmOp {
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, wf, uf, bf, wb, ub, bb, save] = args as [tf.Tensor3D, tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
    const [batch, steps, inputs] = x.shape;
    const u = uf.shape[0];
    const x2 = tf.reshape(x, [batch * steps, inputs]);
    const xr2 = tf.reshape(tf.reverse(x, 1), [batch * steps, inputs]);
    // Input contributions of every step at once: the forward direction in time order, the backward one
    // over the reversed sequence, interleaved by gate to match blockRecurrent's columns.
    const pf = tf.reshape(tf.fused.matMul({ a: x2, b: wf, bias: bf }), [batch, steps, 4, 1, u]);
    const pb = tf.reshape(tf.fused.matMul({ a: xr2, b: wb, bias: bb }), [batch, steps, 4, 1, u]);
    const p = tf.unstack(tf.reshape(tf.concat([pf, pb], 3), [batch, steps, 8 * u]), 1) as tf.Tensor2D[];
    const rec = blockRecurrent(uf, ub);
    let h: tf.Tensor2D = tf.zeros([batch, 2 * u]);
    let c: tf.Tensor2D = tf.zeros([batch, 2 * u]);
    const perStep: tf.Tensor[] = [h, c];
    const hs: tf.Tensor2D[] = [];
    for (let s = 0; s < steps; s++) {
      const z = tf.add(p[s]!, tf.matMul(h, rec));
      const [zi, zf, zg, zo] = tf.split(z, 4, 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
      const i = tf.sigmoid(zi);
      const f = tf.sigmoid(zf);
      const g = tf.tanh(zg);
      const o = tf.sigmoid(zo);
      c = tf.add(tf.mul(f, c), tf.mul(i, g));
      const tc = tf.tanh(c);
      h = tf.mul(o, tc);
      hs.push(h);
      perStep.push(i, f, g, o, c, tc, h);
    }
    const all = tf.stack(hs, 1) as tf.Tensor3D; // [batch, steps, 2u], the backward half in reversed time
    const y = tf.concat([tf.slice(all, [0, 0, 0], [batch, steps, u]), tf.reverse(tf.slice(all, [0, 0, u], [batch, steps, u]), 1)], 2);
    save([x2, xr2, wf, wb, rec, ...perStep]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx2, sxr2, swf, swb, srec] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
        const state = saved.slice(5);
        // Step s holds [i, f, g, o, c, tanh(c), h] at state[2 + 7 s ...]; state[0], state[1] are h, c before the first step.
        const at = (s: number, k: number): tf.Tensor2D => state[2 + 7 * s + k] as tf.Tensor2D;
        const dyf = tf.slice(dy, [0, 0, 0], [batch, steps, u]);
        const dyb = tf.reverse(tf.slice(dy, [0, 0, u], [batch, steps, u]), 1);
        const dOut = tf.unstack(tf.concat([dyf, dyb], 2), 1) as tf.Tensor2D[];
        const recT = tf.transpose(srec);
        let dh: tf.Tensor2D | undefined;
        let dc: tf.Tensor2D | undefined;
        const dz: tf.Tensor2D[] = new Array(steps);
        for (let s = steps - 1; s >= 0; s--) {
          const [i, f, g, o, , tc] = [at(s, 0), at(s, 1), at(s, 2), at(s, 3), at(s, 4), at(s, 5)];
          const cPrev = s > 0 ? at(s - 1, 4) : (state[1] as tf.Tensor2D);
          const dhs: tf.Tensor2D = dh ? tf.add(dOut[s]!, dh) : dOut[s]!;
          const dO = tf.mul(dhs, tc);
          const dcFromH: tf.Tensor2D = tf.mul(tf.mul(dhs, o), tf.sub(1, tf.square(tc)));
          const dcs: tf.Tensor2D = dc ? tf.add(dc, dcFromH) : dcFromH;
          const dzi = tf.mul(tf.mul(dcs, g), tf.mul(i, tf.sub(1, i)));
          const dzf = tf.mul(tf.mul(dcs, cPrev), tf.mul(f, tf.sub(1, f)));
          const dzg = tf.mul(tf.mul(dcs, i), tf.sub(1, tf.square(g)));
          const dzo = tf.mul(dO, tf.mul(o, tf.sub(1, o)));
          dc = tf.mul(dcs, f) as tf.Tensor2D;
          const d = tf.concat([dzi, dzf, dzg, dzo], 1) as tf.Tensor2D;
          dz[s] = d;
          if (s > 0) dh = tf.matMul(d, recT) as tf.Tensor2D;
        }
        const dZ = tf.reshape(tf.stack(dz, 1), [batch * steps, 4, 2, u]);
        const dPf = tf.reshape(tf.slice(dZ, [0, 0, 0, 0], [batch * steps, 4, 1, u]), [batch * steps, 4 * u]);
        const dPb = tf.reshape(tf.slice(dZ, [0, 0, 1, 0], [batch * steps, 4, 1, u]), [batch * steps, 4 * u]);
        const dWf = tf.matMul(tf.transpose(sx2), dPf);
        const dWb = tf.matMul(tf.transpose(sxr2), dPb);
        const dbf = tf.sum(dPf, 0);
        const dbb = tf.sum(dPb, 0);
        const dXf = tf.reshape(tf.matMul(dPf, tf.transpose(swf)), [batch, steps, inputs]);
        const dXb = tf.reverse(tf.reshape(tf.matMul(dPb, tf.transpose(swb)), [batch, steps, inputs]), 1);
        const hPrev = tf.reshape(tf.stack([state[0]!, ...Array.from({ length: steps - 1 }, (_, s) => at(s, 6))], 1), [batch * steps, 2 * u]);
        const dRec = tf.reshape(tf.matMul(tf.transpose(hPrev), tf.reshape(dZ, [batch * steps, 8 * u])), [2 * u, 4, 2, u]);
        const dUf = tf.reshape(tf.slice(dRec, [0, 0, 0, 0], [u, 4, 1, u]), [u, 4 * u]);
        const dUb = tf.reshape(tf.slice(dRec, [u, 0, 1, 0], [u, 4, 1, u]), [u, 4 * u]);
        return [tf.add(dXf, dXb), dWf, dUf, dbf, dWb, dUb, dbb];
      },
    };
  }) as unknown as BiLstmOp;
}

/**
 * A bidirectional LSTM over `x` (`[batch, steps, inputs]`), returning every step's output as
 * `[batch, steps, 2u]`: the forward direction's `h` then the backward direction's, as PyTorch's
 * `nn.LSTM(bidirectional=True, batch_first=True)` and Keras' `Bidirectional(LSTM(return_sequences=True))`
 * with `merge_mode='concat'` lay them out. Kernels are `[inputs, 4u]`, recurrent kernels `[u, 4u]`,
 * biases `[4u]` (PyTorch's two biases summed), gates in the order input, forget, cell, output.
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

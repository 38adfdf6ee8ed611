/**
 * Multi-head scaled dot-product attention (Vaswani et al., 2017, section 3.2.2) as one fused operation
 * with a hand-written backward pass: from the projected queries, keys and values `[batch, steps, width]`
 * to the heads' outputs side by side `[batch, steps, width]`, `softmax(Q Kᵀ / √d_k) V` per sample and head.
 *
 * Op by op, tfjs splits the heads with reshapes and transposes (copies), runs the two products per head
 * as batched products (on the wasm backend a scalar loop: only a plain 2-D product reaches XNNPACK), and
 * differentiates through softmax with several more kernels. Here the heads are read in place (row stride
 * `width`, head `h` at column `h · d_k`), the products run in {@link attentionKernels} (WebAssembly SIMD),
 * the softmax and its gradient in JavaScript (float64), and the backward pass is
 * `dV = Pᵀ dO`, `dP = dO Vᵀ`, `dS = P ⊙ (dP − rowsum(P ⊙ dP))`, `dQ = dS K / √d_k`, `dK = dSᵀ Q / √d_k`.
 */
import * as tf from '@tensorflow/tfjs';
import { attentionKernels } from './attention-kernels';
import { giveBack, takeArray } from './spare-arrays';

type AttentionOp = (q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D) => tf.Tensor3D;
const ops = new Map<number, AttentionOp>();

/** Softmax of `rows` rows of `cols` values in place, each row also copied to `copy` at `at`. */
function softmaxRows(heap: Float32Array, offset: number, rows: number, cols: number, copy: Float32Array, at: number): void {
  for (let r = 0; r < rows; r++) {
    const row = offset + r * cols;
    let max = -Infinity;
    for (let c = 0; c < cols; c++) max = Math.max(max, heap[row + c]!);
    let sum = 0;
    for (let c = 0; c < cols; c++) {
      const e = Math.exp(heap[row + c]! - max);
      heap[row + c] = e;
      sum += e;
    }
    const inverse = 1 / sum;
    for (let c = 0; c < cols; c++) {
      const p = heap[row + c]! * inverse;
      heap[row + c] = p;
      copy[at + r * cols + c] = p;
    }
  }
}

function makeAttention(heads: number): AttentionOp {
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [q, k, v] = args as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D];
    const [batch, steps, width] = q.shape;
    const dk = width / heads;
    const scale = 1 / Math.sqrt(dk);
    const kernels = attentionKernels(dk);
    const n = batch * steps * width;
    const tt = steps * steps;
    // Copies of the inputs (the cpu backend's dataSync answers its own storage), kept for the backward
    // pass in arrays it gives back for the next step (spare-arrays.ts).
    const copy = (t: tf.Tensor) => {
      const a = takeArray(n);
      a.set(t.dataSync() as Float32Array);
      return a;
    };
    const qv = copy(q);
    const kv = copy(k);
    const vv = copy(v);
    const probabilities = takeArray(batch * heads * tt); // every value written below
    // Heap: Q, K, V, O, then one head's scores.
    const [Q, K, V, O, S] = [0, n, 2 * n, 3 * n, 4 * n];
    let heap = kernels.heap(4 * n + tt);
    heap.set(qv, Q);
    heap.set(kv, K);
    heap.set(vv, V);
    for (let b = 0; b < batch; b++) {
      for (let h = 0; h < heads; h++) {
        const base = b * steps * width + h * dk;
        kernels.dotRows(Q + base, K + base, width, steps, steps, dk, S, scale);
        softmaxRows(heap, S, steps, steps, probabilities, (b * heads + h) * tt);
        kernels.axpyRows(S, steps, 1, V + base, width, steps, steps, dk, O + base, width, 1);
      }
    }
    const value = tf.tensor3d(heap.slice(O, O + n), [batch, steps, width]);
    return {
      value,
      gradFunc: (dy: tf.Tensor) => {
        // Heap: Q, K, V, dO, dQ, dK, dV, then one head's probabilities and score gradients.
        const [dO, dQ, dK, dV, P, dS] = [3 * n, 4 * n, 5 * n, 6 * n, 7 * n, 7 * n + tt];
        heap = kernels.heap(7 * n + 2 * tt);
        heap.set(qv, Q);
        heap.set(kv, K);
        heap.set(vv, V);
        heap.set(dy.dataSync() as Float32Array, dO);
        for (let b = 0; b < batch; b++) {
          for (let h = 0; h < heads; h++) {
            const base = b * steps * width + h * dk;
            const at = (b * heads + h) * tt;
            heap.set(probabilities.subarray(at, at + tt), P);
            kernels.axpyRows(P, 1, steps, dO + base, width, steps, steps, dk, dV + base, width, 1);
            kernels.dotRows(dO + base, V + base, width, steps, steps, dk, dS, 1);
            for (let r = 0; r < steps; r++) {
              const row = r * steps;
              let dot = 0;
              for (let c = 0; c < steps; c++) dot += heap[P + row + c]! * heap[dS + row + c]!;
              for (let c = 0; c < steps; c++) heap[dS + row + c] = heap[P + row + c]! * (heap[dS + row + c]! - dot);
            }
            kernels.axpyRows(dS, steps, 1, K + base, width, steps, steps, dk, dQ + base, width, scale);
            kernels.axpyRows(dS, 1, steps, Q + base, width, steps, steps, dk, dK + base, width, scale);
          }
        }
        const shape: [number, number, number] = [batch, steps, width];
        giveBack([qv, kv, vv, probabilities]);
        return [tf.tensor3d(heap.slice(dQ, dQ + n), shape), tf.tensor3d(heap.slice(dK, dK + n), shape), tf.tensor3d(heap.slice(dV, dV + n), shape)];
      },
    };
  }) as unknown as AttentionOp;
}

/**
 * `softmax(Q Kᵀ / √d_k) V` for each sample and each of `heads` heads of width `d_k = width / heads`, the
 * heads' outputs side by side: `q`, `k`, `v` and the result are `[batch, steps, width]`, head `h` in
 * columns `h·d_k … (h+1)·d_k − 1`. Differentiable in all three inputs.
 *
 * @example
 * ```ts
 * const x = tf.randomNormal([2, 5, 8]) as tf.Tensor3D;
 * const y = multiHeadAttention(x, x, x, 2);
 * y.shape; // [2, 5, 8]
 * ```
 */
export function multiHeadAttention(q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D, heads: number): tf.Tensor3D {
  if (q.shape[2] % heads !== 0) throw new Error(`multiHeadAttention: heads (${heads}) must divide the width ${q.shape[2]}`);
  let op = ops.get(heads);
  if (!op) ops.set(heads, (op = makeAttention(heads)));
  return op(q, k, v);
}

/** Whether the fused attention serves the current backend: the CPU ones (cpu, wasm), whose data it reads directly. */
export function fusedAttentionBackend(): boolean {
  const backend = tf.getBackend();
  return backend === 'cpu' || backend === 'wasm';
}

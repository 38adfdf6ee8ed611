/**
 * `FusedAdam`: Adam (Kingma and Ba, 2015) over a list of tfjs variables, one pass over each variable's
 * values in JavaScript per step instead of tfjs' `AdamOptimizer`, which launches about ten kernels per
 * variable (hundreds per step for the CNN+LSTM, each with its own output tensor).
 *
 * It computes exactly what `tf.train.adam(learningRate)` computes on the cpu and wasm backends, operation
 * by operation in float32 (each result rounded with `Math.fround`, as a float32 kernel stores it):
 *
 * ```
 * m ← m·β₁ + g·(1 − β₁)          v ← v·β₂ + g²·(1 − β₂)
 * w ← (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε) · (−lr) + w
 * ```
 *
 * with `β₁ᵗ` and `β₂ᵗ` kept as float32 products as tfjs keeps them, and ε the backend's epsilon. The loop
 * runs in WebAssembly SIMD (`adam-kernels.wat`, four weights at a time in float32 lanes, the same
 * operations with the same rounding) where the engine has it, in JavaScript otherwise.
 */
import * as tf from '@tensorflow/tfjs';
import { ADAM_KERNELS_WASM } from './adam-kernels-wasm';

const f = Math.fround;

/** The parts of the WebAssembly API used here (the project's TypeScript libraries do not declare it). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { readonly exports: unknown };
}

interface AdamExports {
  readonly memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  adam(m: number, v: number, g: number, w: number, n: number, beta1: number, beta2: number, omb1: number, omb2: number, bias1: number, bias2: number, eps: number, rate: number): void;
}

let adamModule: object | null | undefined;

/**
 * A fresh instance of the Adam kernel whose memory holds `floats` float32 values (zeros), or undefined
 * where the engine cannot compile WebAssembly SIMD.
 */
function adamKernel(floats: number): AdamExports | undefined {
  const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (adamModule === undefined) {
    try {
      adamModule = new api!.Module(Uint8Array.from(atob(ADAM_KERNELS_WASM), (c) => c.charCodeAt(0)));
    } catch {
      adamModule = null;
    }
  }
  if (!adamModule) return undefined;
  const exports = new api!.Instance(adamModule).exports as AdamExports;
  const missing = 4 * floats - exports.memory.buffer.byteLength;
  if (missing > 0) exports.memory.grow(Math.ceil(missing / 65536));
  return exports;
}

/** Options of {@link FusedAdam}: tfjs' defaults. */
export interface FusedAdamConfig {
  readonly learningRate: number;
  readonly beta1?: number;
  readonly beta2?: number;
  /** Defaults to the backend's epsilon, as `tf.train.adam` does. */
  readonly epsilon?: number;
  /** `'js'` keeps the loop in JavaScript; by default it runs in WebAssembly SIMD where the engine has it. */
  readonly implementation?: 'auto' | 'js';
}

/**
 * Adam over fixed variables, updated in place from gradients given as tensors or as one flat array.
 *
 * @example
 * ```ts
 * const adam = new FusedAdam(variables, { learningRate: 1e-3 });
 * const { value, grads } = tf.variableGrads(loss, variables);
 * adam.applyGradients(variables.map((v) => grads[v.name]!));
 * ```
 */
export class FusedAdam {
  private readonly variables: readonly tf.Variable[];
  /** The first and second moments of each variable: views of the kernel's memory where it runs. */
  private readonly m: Float32Array[];
  private readonly v: Float32Array[];
  /** The WebAssembly kernel: its memory holds m, v, then one variable's gradient and weights. */
  private readonly kernel: AdamExports | undefined;
  private readonly scratch: number;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly oneMinusBeta1: number;
  private readonly oneMinusBeta2: number;
  private readonly negativeRate: number;
  private readonly epsilon: number;
  /** β₁ᵗ and β₂ᵗ for the next step, float32. */
  private accBeta1: number;
  private accBeta2: number;

  constructor(variables: readonly tf.Variable[], config: FusedAdamConfig) {
    this.variables = [...variables];
    const total = variables.reduce((s, v) => s + v.size, 0);
    const largest = variables.reduce((s, v) => Math.max(s, v.size), 0);
    this.scratch = 2 * total;
    this.kernel = config.implementation === 'js' ? undefined : adamKernel(2 * total + 2 * largest);
    if (this.kernel) {
      const { buffer } = this.kernel.memory;
      let at = 0; // in floats; the memory never grows after this, so the views stay valid
      const take = (n: number) => {
        const view = new Float32Array(buffer, 4 * at, n);
        at += n;
        return view;
      };
      this.m = variables.map((v) => take(v.size));
      this.v = variables.map((v) => take(v.size));
    } else {
      this.m = variables.map((v) => new Float32Array(v.size));
      this.v = variables.map((v) => new Float32Array(v.size));
    }
    const beta1 = config.beta1 ?? 0.9;
    const beta2 = config.beta2 ?? 0.999;
    this.beta1 = f(beta1);
    this.beta2 = f(beta2);
    this.oneMinusBeta1 = f(1 - beta1);
    this.oneMinusBeta2 = f(1 - beta2);
    this.negativeRate = f(-config.learningRate);
    this.epsilon = f(config.epsilon ?? tf.backend().epsilon());
    this.accBeta1 = this.beta1;
    this.accBeta2 = this.beta2;
  }

  /**
   * One step: `gradients` holds one tensor per variable (in the constructor's order, same shapes), or all
   * of them back to back in one array.
   */
  applyGradients(gradients: readonly tf.Tensor[] | Float32Array): void {
    const flat = gradients instanceof Float32Array ? gradients : undefined;
    const total = this.variables.reduce((s, v) => s + v.size, 0);
    if (flat ? flat.length !== total : gradients.length !== this.variables.length) {
      throw new Error(`FusedAdam: ${flat ? `${flat.length} gradient values for ${total} weights` : `${gradients.length} gradients for ${this.variables.length} variables`}`);
    }
    const bias1 = f(1 - this.accBeta1);
    const bias2 = f(1 - this.accBeta2);
    const { beta1, beta2, oneMinusBeta1, oneMinusBeta2, negativeRate, epsilon } = this;
    let offset = 0;
    this.variables.forEach((variable, k) => {
      const n = variable.size;
      let g: Float32Array;
      if (flat) g = flat.subarray(offset, offset + n);
      else {
        const t = (gradients as readonly tf.Tensor[])[k]!;
        if (t.size !== n) throw new Error(`FusedAdam: the gradient of ${variable.name} has ${t.size} values; the variable has ${n}`);
        g = t.dataSync() as Float32Array;
      }
      offset += n;
      const w = variable.dataSync() as Float32Array;
      const m = this.m[k]!;
      const v = this.v[k]!;
      const kernel = this.kernel;
      if (kernel) {
        const heap = new Float32Array(kernel.memory.buffer);
        const gAt = this.scratch;
        const wAt = gAt + n;
        heap.set(g, gAt);
        heap.set(w, wAt);
        kernel.adam(m.byteOffset, v.byteOffset, 4 * gAt, 4 * wAt, n, beta1, beta2, oneMinusBeta1, oneMinusBeta2, bias1, bias2, epsilon, negativeRate);
        const value = tf.tensor(heap.slice(wAt, wAt + n), variable.shape, 'float32');
        variable.assign(value);
        value.dispose();
        return;
      }
      const next = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        const gi = g[i]!;
        const mi = f(f(m[i]! * beta1) + f(gi * oneMinusBeta1));
        const vi = f(f(v[i]! * beta2) + f(f(gi * gi) * oneMinusBeta2));
        m[i] = mi;
        v[i] = vi;
        const step = f(f(f(mi / bias1) / f(f(Math.sqrt(f(vi / bias2))) + epsilon)) * negativeRate);
        next[i] = step + w[i]!; // stored as float32
      }
      const value = tf.tensor(next, variable.shape, 'float32');
      variable.assign(value);
      value.dispose();
    });
    this.accBeta1 = f(this.accBeta1 * beta1);
    this.accBeta2 = f(this.accBeta2 * beta2);
  }
}

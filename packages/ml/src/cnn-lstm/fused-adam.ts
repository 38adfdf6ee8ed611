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
 * with `β₁ᵗ` and `β₂ᵗ` kept as float32 products as tfjs keeps them, and ε the backend's epsilon.
 */
import * as tf from '@tensorflow/tfjs';

const f = Math.fround;

/** Options of {@link FusedAdam}: tfjs' defaults. */
export interface FusedAdamConfig {
  readonly learningRate: number;
  readonly beta1?: number;
  readonly beta2?: number;
  /** Defaults to the backend's epsilon, as `tf.train.adam` does. */
  readonly epsilon?: number;
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
  private readonly m: Float32Array[];
  private readonly v: Float32Array[];
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
    this.m = variables.map((v) => new Float32Array(v.size));
    this.v = variables.map((v) => new Float32Array(v.size));
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
      const next = new Float32Array(n);
      const m = this.m[k]!;
      const v = this.v[k]!;
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

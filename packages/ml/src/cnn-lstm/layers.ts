/**
 * The custom Keras layers of the CNN+LSTM, registered with tfjs' serialization so that a saved model
 * loads back with `tf.loadLayersModel` once {@link registerCnnLstmLayers} has run:
 *
 * - `RxtradeMultiKernelConv1D`: parallel same-padded 1-D convolutions with ReLU, computed as one unfolding
 *   of the input window (`[batch·steps, kernel·features]`) times each kernel's matrix, which the wasm
 *   backend can train (its `Conv2DBackpropFilter` kernel is missing) and which equals `conv1d`.
 * - `RxtradeDense`: a dense layer over the last axis of any rank, trained through {@link linear}.
 * - `RxtradeMultiHeadSelfAttention`: scaled dot-product self-attention with `heads` heads (Vaswani et al.,
 *   2017, section 3.2.2): `softmax(Q Kᵀ / √d_k) V` per head, heads concatenated and projected; on the
 *   cpu and wasm backends the part between the projections is one fused operation ({@link multiHeadAttention}).
 * - `RxtradeBidirectionalLstm`: a bidirectional LSTM returning every step ({@link bidirectionalLstm}).
 * - `RxtradeSeededDropout`: inverted dropout whose masks come from a seeded generator, one stream per call
 *   and per sample of the batch, so that training is repeatable and the same whether a batch is computed
 *   whole or in shards on several threads (tfjs' dropout draws from `Math.random` or repeats one mask for
 *   a fixed seed).
 *
 * Each layer's weights are set by `initializeWeights(rng)`, from the model's seed.
 */
import * as tf from '@tensorflow/tfjs';
import { fusedAttentionBackend, multiHeadAttention } from './attention-op';
import { linear, linearLastAxis, bidirectionalLstm } from './ops';
import { mixSeed, SeededRandom } from './random';

type Shape = (number | null)[];
type Kwargs = Record<string, unknown>;

function single(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
  return Array.isArray(inputs) ? inputs[0]! : inputs;
}

function singleShape(shape: Shape | Shape[]): Shape {
  return Array.isArray(shape[0]) ? (shape[0] as Shape) : (shape as Shape);
}

function glorot(rng: SeededRandom, size: number, fanIn: number, fanOut: number): Float32Array {
  return rng.uniform(new Float32Array(size), Math.sqrt(6 / (fanIn + fanOut)));
}

function setValue(variable: tf.LayerVariable, values: Float32Array): void {
  const value = tf.tensor(values, variable.shape as number[]);
  variable.write(value); // the variable takes the value's data; the tensor itself is ours to release
  value.dispose();
}

/** A layer whose weights the model's seed initialises. */
export interface SeededLayer {
  initializeWeights(rng: SeededRandom): void;
}

/** Options of {@link MultiKernelConv1D}. */
export interface MultiKernelConv1DArgs {
  kernelSizes: number[];
  filters: number;
  /** False where the layer reads the model's input, whose gradient training never needs. */
  inputGradient?: boolean;
  name?: string;
}

/** Parallel same-padded 1-D convolutions with ReLU, concatenated along channels in kernel order. */
export class MultiKernelConv1D extends tf.layers.Layer implements SeededLayer {
  static readonly className = 'RxtradeMultiKernelConv1D';
  readonly kernelSizes: number[];
  readonly filters: number;
  readonly inputGradient: boolean;
  private kernels: tf.LayerVariable[] = [];
  private biases: tf.LayerVariable[] = [];

  constructor(args: MultiKernelConv1DArgs) {
    super(args);
    this.kernelSizes = [...args.kernelSizes];
    this.filters = args.filters;
    this.inputGradient = args.inputGradient ?? true;
  }

  override build(inputShape: Shape | Shape[]): void {
    const features = singleShape(inputShape)[2]!;
    for (const k of this.kernelSizes) {
      // Keras Conv1D layout: [kernel, inputs, filters].
      this.kernels.push(this.addWeight(`kernel_${k}`, [k, features, this.filters], 'float32', tf.initializers.zeros()));
      this.biases.push(this.addWeight(`bias_${k}`, [this.filters], 'float32', tf.initializers.zeros()));
    }
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = singleShape(inputShape);
    return [s[0]!, s[1]!, this.kernelSizes.length * this.filters];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = single(inputs) as tf.Tensor3D;
      const [batch, steps, features] = x.shape;
      const widest = Math.max(...this.kernelSizes);
      const half = (widest - 1) / 2;
      const padded = tf.pad(x, [
        [0, 0],
        [half, half],
        [0, 0],
      ]);
      // Row (b, t) of the unfolding holds x[b, t - half .. t + half, :], zeros beyond the window's ends.
      const slices = Array.from({ length: widest }, (_, j) => tf.slice(padded, [0, j, 0], [batch, steps, features]));
      const unfolded = tf.reshape(tf.concat(slices, 2), [batch * steps, widest * features]) as tf.Tensor2D;
      // All kernels as one [widest·features, kernels·filters] matrix: kernel k's rows sit at the centre of
      // the unfolding, zero rows around them (their gradient is dropped by the pad's own gradient).
      const columns = this.kernelSizes.map((k, n) => {
        const offset = ((widest - k) / 2) * features;
        const w = tf.reshape(this.kernels[n]!.read(), [k * features, this.filters]);
        return k === widest ? w : tf.pad(w, [
          [offset, offset],
          [0, 0],
        ]);
      });
      const kernel = (columns.length === 1 ? columns[0]! : tf.concat(columns, 1)) as tf.Tensor2D;
      const bias = tf.concat(this.biases.map((b) => b.read()), 0) as tf.Tensor1D;
      const y = linear(unfolded, kernel, bias, 'relu', this.inputGradient);
      return tf.reshape(y, [batch, steps, this.kernelSizes.length * this.filters]);
    });
  }

  initializeWeights(rng: SeededRandom): void {
    this.kernelSizes.forEach((k, n) => {
      const features = this.kernels[n]!.shape[1]!;
      setValue(this.kernels[n]!, glorot(rng, k * features * this.filters, k * features, k * this.filters));
      setValue(this.biases[n]!, new Float32Array(this.filters));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), kernelSizes: this.kernelSizes, filters: this.filters, inputGradient: this.inputGradient };
  }
}

/** Options of {@link Dense}. */
export interface DenseArgs {
  units: number;
  activation?: 'linear' | 'relu';
  /** False where the layer reads the model's input, whose gradient training never needs. */
  inputGradient?: boolean;
  name?: string;
}

/** `activation(x · W + b)` over the last axis of inputs of any rank. */
export class Dense extends tf.layers.Layer implements SeededLayer {
  static readonly className = 'RxtradeDense';
  readonly units: number;
  readonly activation: 'linear' | 'relu';
  readonly inputGradient: boolean;
  private kernel?: tf.LayerVariable;
  private bias?: tf.LayerVariable;

  constructor(args: DenseArgs) {
    super(args);
    this.units = args.units;
    this.activation = args.activation ?? 'linear';
    this.inputGradient = args.inputGradient ?? true;
  }

  override build(inputShape: Shape | Shape[]): void {
    const s = singleShape(inputShape);
    this.kernel = this.addWeight('kernel', [s[s.length - 1]!, this.units], 'float32', tf.initializers.zeros());
    this.bias = this.addWeight('bias', [this.units], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = singleShape(inputShape);
    return [...s.slice(0, -1), this.units];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => linearLastAxis(single(inputs), this.kernel!.read() as tf.Tensor2D, this.bias!.read() as tf.Tensor1D, this.activation, this.inputGradient));
  }

  initializeWeights(rng: SeededRandom): void {
    const [inputs, units] = this.kernel!.shape as [number, number];
    setValue(this.kernel!, glorot(rng, inputs * units, inputs, units));
    setValue(this.bias!, new Float32Array(units));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), units: this.units, activation: this.activation, inputGradient: this.inputGradient };
  }
}

/** Options of {@link MultiHeadSelfAttention}. */
export interface MultiHeadSelfAttentionArgs {
  heads: number;
  name?: string;
}

/**
 * Multi-head scaled dot-product self-attention over the steps of a `[batch, steps, width]` sequence:
 * `Q = x Wq + bq`, `K = x Wk + bk`, `V = x Wv + bv` split into `heads` heads of `width / heads`,
 * `softmax(Q Kᵀ / √(width / heads)) V` per head, heads concatenated and projected by `Wo`, `bo`
 * (PyTorch's `nn.MultiheadAttention` with `batch_first=True`, no masks, no dropout).
 */
export class MultiHeadSelfAttention extends tf.layers.Layer implements SeededLayer {
  static readonly className = 'RxtradeMultiHeadSelfAttention';
  readonly heads: number;
  private w: Record<'query' | 'key' | 'value' | 'output', { kernel: tf.LayerVariable; bias: tf.LayerVariable }> | undefined;

  constructor(args: MultiHeadSelfAttentionArgs) {
    super(args);
    this.heads = args.heads;
  }

  override build(inputShape: Shape | Shape[]): void {
    const width = singleShape(inputShape)[2]!;
    if (width % this.heads !== 0) throw new Error(`${this.name}: heads (${this.heads}) must divide the input width ${width}`);
    const pair = (name: string) => ({
      kernel: this.addWeight(`${name}_kernel`, [width, width], 'float32', tf.initializers.zeros()),
      bias: this.addWeight(`${name}_bias`, [width], 'float32', tf.initializers.zeros()),
    });
    this.w = { query: pair('query'), key: pair('key'), value: pair('value'), output: pair('output') };
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return singleShape(inputShape);
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = single(inputs) as tf.Tensor3D;
      const [batch, steps, width] = x.shape;
      const w = this.w!;
      const h = this.heads;
      const dk = width / h;
      const x2 = tf.reshape(x, [batch * steps, width]) as tf.Tensor2D;
      if (fusedAttentionBackend()) {
        // One fused operation from the projections to the heads' outputs (no head split, batched products or softmax kernels).
        const project = (pair: { kernel: tf.LayerVariable; bias: tf.LayerVariable }) =>
          tf.reshape(linear(x2, pair.kernel.read() as tf.Tensor2D, pair.bias.read() as tf.Tensor1D), [batch, steps, width]) as tf.Tensor3D;
        const merged = tf.reshape(multiHeadAttention(project(w.query), project(w.key), project(w.value), h), [batch * steps, width]) as tf.Tensor2D;
        return tf.reshape(linear(merged, w.output.kernel.read() as tf.Tensor2D, w.output.bias.read() as tf.Tensor1D), [batch, steps, width]);
      }
      // [batch·steps, width] → [batch·heads, steps, dk] (rank-4 transposes: the wasm backend's rank-5 one is slow).
      const heads = (pair: { kernel: tf.LayerVariable; bias: tf.LayerVariable }) =>
        tf.reshape(tf.transpose(tf.reshape(linear(x2, pair.kernel.read() as tf.Tensor2D, pair.bias.read() as tf.Tensor1D), [batch, steps, h, dk]), [0, 2, 1, 3]), [batch * h, steps, dk]) as tf.Tensor3D;
      const q = tf.mul(heads(w.query), 1 / Math.sqrt(dk)) as tf.Tensor3D;
      const scores = tf.matMul(q, heads(w.key), false, true);
      const attended = tf.matMul(tf.softmax(scores), heads(w.value)); // [batch·heads, steps, dk]
      const merged = tf.reshape(tf.transpose(tf.reshape(attended, [batch, h, steps, dk]), [0, 2, 1, 3]), [batch * steps, width]);
      const out = linear(merged as tf.Tensor2D, w.output.kernel.read() as tf.Tensor2D, w.output.bias.read() as tf.Tensor1D);
      return tf.reshape(out, [batch, steps, width]);
    });
  }

  initializeWeights(rng: SeededRandom): void {
    for (const pair of Object.values(this.w!)) {
      const [n] = pair.kernel.shape as [number, number];
      setValue(pair.kernel, glorot(rng, n * n, n, n));
      setValue(pair.bias, new Float32Array(n));
    }
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), heads: this.heads };
  }
}

/** Options of {@link BidirectionalLstm}. */
export interface BidirectionalLstmArgs {
  units: number;
  name?: string;
}

/** A bidirectional LSTM returning all steps, `[batch, steps, 2 · units]` (forward half first). */
export class BidirectionalLstm extends tf.layers.Layer implements SeededLayer {
  static readonly className = 'RxtradeBidirectionalLstm';
  readonly units: number;
  private v: tf.LayerVariable[] = [];

  constructor(args: BidirectionalLstmArgs) {
    super(args);
    this.units = args.units;
  }

  override build(inputShape: Shape | Shape[]): void {
    const inputs = singleShape(inputShape)[2]!;
    const u = this.units;
    const zeros = tf.initializers.zeros();
    this.v = (['forward', 'backward'] as const).flatMap((dir) => [
      this.addWeight(`${dir}_kernel`, [inputs, 4 * u], 'float32', zeros),
      this.addWeight(`${dir}_recurrent_kernel`, [u, 4 * u], 'float32', zeros),
      this.addWeight(`${dir}_bias`, [4 * u], 'float32', zeros),
    ]);
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = singleShape(inputShape);
    return [s[0]!, s[1]!, 2 * this.units];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const [wf, uf, bf, wb, ub, bb] = this.v.map((v) => v.read());
      return bidirectionalLstm(single(inputs) as tf.Tensor3D, wf as tf.Tensor2D, uf as tf.Tensor2D, bf as tf.Tensor1D, wb as tf.Tensor2D, ub as tf.Tensor2D, bb as tf.Tensor1D);
    });
  }

  /** PyTorch's LSTM initialisation, uniform in ±1/√units, with Keras' forget-gate bias of 1. */
  initializeWeights(rng: SeededRandom): void {
    const u = this.units;
    const limit = 1 / Math.sqrt(u);
    for (let d = 0; d < 2; d++) {
      const [kernel, recurrent, bias] = [this.v[3 * d]!, this.v[3 * d + 1]!, this.v[3 * d + 2]!];
      setValue(kernel, rng.uniform(new Float32Array(kernel.shape[0]! * 4 * u), limit));
      setValue(recurrent, rng.uniform(new Float32Array(u * 4 * u), limit));
      const b = new Float32Array(4 * u);
      b.fill(1, u, 2 * u);
      setValue(bias, b);
    }
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), units: this.units };
  }
}

/** Options of {@link SeededDropout}. */
export interface SeededDropoutArgs {
  rate: number;
  name?: string;
}

/**
 * Inverted dropout: during training each value is zeroed with probability `rate` and the rest scaled by
 * `1 / (1 - rate)`; at inference it passes its input through. Masks come from a generator reseeded by the
 * trainer ({@link SeededDropout.reseed}), so that the same seed gives the same masks. The mask of each
 * sample is drawn from its own stream, `mixSeed(seed, call, sample)` where `sample` is its position in
 * the whole batch: a shard of a batch computed on another thread ({@link SeededDropout.seek}) draws
 * exactly the masks the whole batch would.
 */
export class SeededDropout extends tf.layers.Layer {
  static readonly className = 'RxtradeSeededDropout';
  readonly rate: number;
  /** Whether the layer drops values; the trainer switches it on around each training step. */
  training = false;
  private seed = 0;
  private calls = 0;
  private sampleOffset = 0;

  constructor(args: SeededDropoutArgs) {
    super(args);
    this.rate = args.rate;
  }

  /** Restarts the mask sequence from `seed`. */
  reseed(seed: number): void {
    this.seed = seed >>> 0;
    this.calls = 0;
    this.sampleOffset = 0;
  }

  /**
   * Positions the mask sequence: the next call draws the masks of call `calls + 1`, for samples
   * `sampleOffset`, `sampleOffset + 1`, … of its batch (a shard that starts at `sampleOffset`).
   */
  seek(calls: number, sampleOffset = 0): void {
    this.calls = calls;
    this.sampleOffset = sampleOffset;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return singleShape(inputShape);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = single(inputs);
      const training = (kwargs['training'] as boolean | undefined) ?? this.training;
      if (!training || this.rate === 0) return tf.clone(x);
      const call = ++this.calls;
      const samples = x.shape[0]!;
      const per = x.size / samples;
      const scale = 1 / (1 - this.rate);
      const mask = new Float32Array(x.size);
      for (let i = 0; i < samples; i++) {
        const rng = new SeededRandom(mixSeed(this.seed, call, this.sampleOffset + i));
        for (let j = i * per, end = j + per; j < end; j++) mask[j] = rng.next() < this.rate ? 0 : scale;
      }
      return tf.mul(x, tf.tensor(mask, x.shape, 'float32'));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate };
  }
}

let registered = false;

/**
 * Registers the CNN+LSTM's layers with tfjs' serialization (idempotent); {@link buildCnnLstm} and
 * {@link loadCnnLstm} call it, and so must code that loads a saved model with `tf.loadLayersModel` itself.
 *
 * @example
 * ```ts
 * registerCnnLstmLayers();
 * const model = await tf.loadLayersModel(fileIoHandler('models/cnn-lstm'));
 * ```
 */
export function registerCnnLstmLayers(): void {
  if (registered) return;
  registered = true;
  for (const cls of [MultiKernelConv1D, Dense, MultiHeadSelfAttention, BidirectionalLstm, SeededDropout]) {
    tf.serialization.registerClass(cls as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>);
  }
}

/** Whether a layer has weights initialised from the model's seed. */
export function isSeededLayer(layer: unknown): layer is SeededLayer {
  return typeof (layer as Partial<SeededLayer>).initializeWeights === 'function';
}

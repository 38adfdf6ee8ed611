/**
 * The LSTM's forward gate step in WebAssembly SIMD (`lstm-kernels.wat`, embedded in
 * `lstm-kernels-wasm.ts`): two units at a time in float64 lanes, float32 storage, the same arithmetic as
 * the JavaScript step of `ops.ts` except that `exp` and `tanh` are the module's own (at most 1 ulp from
 * `Math.exp`, 2 for the sigmoid, 3 for `tanh` in float64: the float32 results equal JavaScript's but
 * where a float64 value lies within a few ulp of a float32 rounding boundary).
 */
import { LSTM_KERNELS_WASM } from './lstm-kernels-wasm';

/** The parts of the WebAssembly API used here (the project's TypeScript libraries do not declare it). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { readonly exports: unknown };
}

interface KernelExports {
  readonly memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  forward_step(gates: number, r: number, cellPrev: number, cell: number, tcell: number, hidden: number, batch: number, u: number, first: number, scratch: number): void;
  map_f64(f: number, src: number, dst: number, n: number): void;
}

/** The LSTM kernels over one float32 heap; offsets are counted in floats. */
export interface LstmKernels {
  /** The heap with room for at least `floats` values; a view that growing the heap invalidates. */
  heap(floats: number): Float32Array;
  /**
   * One direction's step over a batch, in place: `gates` (`[batch, 4u]`) holds the pre-activations and
   * receives the activated gates (input, forget, cell, output); `r` the recurrent products, read unless
   * `first`; `cellPrev` the previous step's cells; `cell`, `tcell`, `hidden` (`[batch, u]`) receive the
   * cells, their tanh and the states. `u` must be even; `scratch` (a multiple of 4) has room for `4u`
   * floats.
   */
  forwardStep(gates: number, r: number, cellPrev: number, cell: number, tcell: number, hidden: number, batch: number, u: number, first: boolean, scratch: number): void;
  /** `e^x`, the sigmoid or tanh of each value, as the step computes them (for tests). */
  map(f: 'exp' | 'sigmoid' | 'tanh', x: Float64Array): Float64Array;
}

let shared: LstmKernels | null | undefined;

/**
 * The WebAssembly SIMD LSTM kernels, or undefined where the engine cannot compile them; one instance per
 * thread.
 *
 * @example
 * ```ts
 * lstmKernels()?.map('tanh', Float64Array.of(0.5, -2)); // ≈ [0.4621, -0.9640]
 * ```
 */
export function lstmKernels(): LstmKernels | undefined {
  if (shared !== undefined) return shared ?? undefined;
  let exports: KernelExports;
  try {
    const bytes = Uint8Array.from(atob(LSTM_KERNELS_WASM), (c) => c.charCodeAt(0));
    const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly!;
    exports = new api.Instance(new api.Module(bytes)).exports as KernelExports;
  } catch {
    shared = null;
    return undefined;
  }
  const { memory } = exports;
  const heap = (floats: number) => {
    const missing = 4 * floats - memory.buffer.byteLength;
    if (missing > 0) memory.grow(Math.ceil(missing / 65536));
    return new Float32Array(memory.buffer);
  };
  shared = {
    heap,
    // The module takes byte addresses.
    forwardStep: (gates, r, cellPrev, cell, tcell, hidden, batch, u, first, scratch) => {
      if (u % 2 !== 0) throw new RangeError(`lstmKernels: u must be even, got ${u}`);
      if (scratch % 4 !== 0) throw new RangeError(`lstmKernels: scratch must be a multiple of 4, got ${scratch}`);
      exports.forward_step(4 * gates, 4 * r, 4 * cellPrev, 4 * cell, 4 * tcell, 4 * hidden, batch, u, first ? 1 : 0, 4 * scratch);
    },
    map(f, x) {
      const n = x.length + (x.length % 2);
      heap(4 * n);
      const view = new Float64Array(memory.buffer, 0, 2 * n);
      view.fill(0);
      view.set(x);
      exports.map_f64(f === 'exp' ? 0 : f === 'sigmoid' ? 1 : 2, 0, 8 * n, n);
      return new Float64Array(memory.buffer, 8 * n, x.length).slice();
    },
  };
  return shared;
}

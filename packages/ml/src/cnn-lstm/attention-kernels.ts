/**
 * The two products scaled dot-product attention is made of, over rows of length `d` in one float32
 * heap, addressed by offsets counted in floats:
 *
 * - `dotRows`: `out[i·rowsB + j] = scale · Σₑ A[a + i·stride + e] · B[b + j·stride + e]` (`Q Kᵀ`, `dO Vᵀ`);
 * - `axpyRows`: `out[o + i·outStride + e] = scale · Σⱼ W[w + i·wRow + j·wCol] · B[b + j·stride + e]`
 *   (`P V`, and with `wRow = 1`, `wCol = rows` the transposed products `Pᵀ dO`, `dSᵀ Q`).
 *
 * Two implementations share that contract: WebAssembly with 128-bit SIMD (four lanes of `e` at a time;
 * `d` a multiple of 4), compiled from `attention-kernels.wat` and embedded in `attention-kernels-wasm.ts`,
 * and plain JavaScript (float64 sums) for any `d` or where WebAssembly SIMD is missing. The wasm
 * backend's own batched product runs these shapes in a scalar loop (only a 2-D product without
 * transposes reaches XNNPACK).
 */
import { ATTENTION_KERNELS_WASM } from './attention-kernels-wasm';

/** The products of {@link AttentionKernels}' contract over one heap. */
export interface AttentionKernels {
  /** Which implementation: `'wasm-simd'` or `'js'`. */
  readonly kind: 'wasm-simd' | 'js';
  /** Whether the implementation takes rows of length `d`. */
  supports(d: number): boolean;
  /** The heap with room for at least `floats` values; a view that growing the heap invalidates. */
  heap(floats: number): Float32Array;
  dotRows(a: number, b: number, stride: number, rowsA: number, rowsB: number, d: number, out: number, scale: number): void;
  axpyRows(w: number, wRow: number, wCol: number, b: number, stride: number, rows: number, inner: number, d: number, out: number, outStride: number, scale: number): void;
}

/** The JavaScript implementation: any `d`, sums in float64. */
export function jsAttentionKernels(): AttentionKernels {
  let heap = new Float32Array(0);
  return {
    kind: 'js',
    supports: () => true,
    heap(floats) {
      if (heap.length < floats) heap = new Float32Array(Math.max(floats, Math.ceil(heap.length * 1.5)));
      return heap;
    },
    dotRows(a, b, stride, rowsA, rowsB, d, out, scale) {
      const h = heap;
      for (let i = 0; i < rowsA; i++) {
        const ai = a + i * stride;
        for (let j = 0; j < rowsB; j++) {
          const bj = b + j * stride;
          let sum = 0;
          for (let e = 0; e < d; e++) sum += h[ai + e]! * h[bj + e]!;
          h[out + i * rowsB + j] = scale * sum;
        }
      }
    },
    axpyRows(w, wRow, wCol, b, stride, rows, inner, d, out, outStride, scale) {
      const h = heap;
      const acc = new Float64Array(d);
      for (let i = 0; i < rows; i++) {
        acc.fill(0);
        for (let j = 0; j < inner; j++) {
          const c = h[w + i * wRow + j * wCol]!;
          const bj = b + j * stride;
          for (let e = 0; e < d; e++) acc[e]! += c * h[bj + e]!;
        }
        const oi = out + i * outStride;
        for (let e = 0; e < d; e++) h[oi + e] = scale * acc[e]!;
      }
    },
  };
}

/** The parts of the WebAssembly API used here (the project's TypeScript libraries do not declare it). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { readonly exports: unknown };
}

interface KernelExports {
  readonly memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  dot_rows(a: number, b: number, stride: number, rowsA: number, rowsB: number, d: number, out: number, scale: number): void;
  axpy_rows(w: number, wRow: number, wCol: number, b: number, stride: number, rows: number, inner: number, d: number, out: number, outStride: number, scale: number): void;
}

/** The WebAssembly SIMD implementation, or undefined where the engine cannot compile it. Offsets in floats. */
export function wasmAttentionKernels(): AttentionKernels | undefined {
  let exports: KernelExports;
  try {
    const bytes = Uint8Array.from(atob(ATTENTION_KERNELS_WASM), (c) => c.charCodeAt(0));
    const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly!;
    exports = new api.Instance(new api.Module(bytes)).exports as KernelExports;
  } catch {
    return undefined;
  }
  const { memory } = exports;
  return {
    kind: 'wasm-simd',
    supports: (d) => d % 4 === 0,
    heap(floats) {
      const missing = 4 * floats - memory.buffer.byteLength;
      if (missing > 0) memory.grow(Math.ceil(missing / 65536));
      return new Float32Array(memory.buffer);
    },
    // The module takes byte addresses.
    dotRows: (a, b, stride, rowsA, rowsB, d, out, scale) => exports.dot_rows(4 * a, 4 * b, 4 * stride, rowsA, rowsB, d, 4 * out, scale),
    axpyRows: (w, wRow, wCol, b, stride, rows, inner, d, out, outStride, scale) => exports.axpy_rows(4 * w, 4 * wRow, 4 * wCol, 4 * b, 4 * stride, rows, inner, d, 4 * out, 4 * outStride, scale),
  };
}

let shared: { wasm: AttentionKernels | undefined; js: AttentionKernels } | undefined;

/** The kernels for rows of length `d`: WebAssembly SIMD where it runs and takes `d`, JavaScript otherwise. */
export function attentionKernels(d: number): AttentionKernels {
  shared ??= { wasm: wasmAttentionKernels(), js: jsAttentionKernels() };
  return shared.wasm?.supports(d) ? shared.wasm : shared.js;
}

import { describe, expect, it } from 'vitest';
import { lstmKernels } from './lstm-kernels';

/** The distance between two float64 values in units in the last place (their bit patterns' difference). */
function ulps(a: number, b: number): number {
  if (Object.is(a, b) || a === b) return 0;
  if (Number.isNaN(a) || Number.isNaN(b)) return Infinity;
  const view = new DataView(new ArrayBuffer(16));
  view.setFloat64(0, a);
  view.setFloat64(8, b);
  const bits = (o: number) => {
    const v = view.getBigInt64(o);
    return v < 0n ? -(v & 0x7fffffffffffffffn) : v; // sign-magnitude to a monotonic integer
  };
  return Math.abs(Number(bits(0) - bits(8)));
}

/** Deterministic pseudo-random inputs: uniform over ±range, over ±2, and tiny magnitudes down to 1e-320. */
function inputs(range: number): Float64Array {
  let state = 12345;
  const next = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
  const special = [0, -0, 5e-324, -5e-324, 1e-310, -1e-310, 1e-20, -1e-20, 0.5, -0.5, 1, -1, 0.3466, 18.7, 19.1, 20, -20, 22, -22, 40, -40, 708, -708, 709.7, 709.8, 710, -744, -745, -746, 800, -800, 1e300, -1e300, Infinity, -Infinity];
  const x = new Float64Array(60_000);
  x.set(special);
  for (let i = special.length; i < x.length; i++) {
    const kind = i % 3;
    x[i] = kind === 0 ? (next() - 0.5) * 2 * range : kind === 1 ? (next() - 0.5) * 4 : (next() - 0.5) * 10 ** (-next() * 320);
  }
  return x;
}

function maxUlps(f: 'exp' | 'sigmoid' | 'tanh', reference: (x: number) => number, range: number): number {
  const x = inputs(range);
  const y = lstmKernels()!.map(f, x);
  let worst = 0;
  x.forEach((v, i) => (worst = Math.max(worst, ulps(y[i]!, reference(v)))));
  return worst;
}

describe('lstmKernels', () => {
  it('compiles its WebAssembly SIMD module here', () => {
    expect(lstmKernels()).toBeDefined();
  });

  it("computes e^x within 1 ulp of Math.exp from -1500 to 1500 (0 and Infinity where it underflows and overflows)", () => {
    expect(maxUlps('exp', Math.exp, 1500)).toBeLessThanOrEqual(1);
    expect(Array.from(lstmKernels()!.map('exp', Float64Array.of(-800, 0, 800, -Infinity, Infinity)))).toEqual([0, 1, Infinity, 0, Infinity]);
  });

  it('computes the sigmoid within 2 ulp of 1 / (1 + Math.exp(-x)), saturating at 0 and 1', () => {
    expect(maxUlps('sigmoid', (v) => 1 / (1 + Math.exp(-v)), 1500)).toBeLessThanOrEqual(2);
    expect(Array.from(lstmKernels()!.map('sigmoid', Float64Array.of(-1e300, 0, 40, 1e300)))).toEqual([0, 0.5, 1, 1]);
  });

  it('computes tanh within 3 ulp of Math.tanh (a relative error under 2⁻⁵¹), odd, exact at 0 and saturating at ±1', () => {
    expect(maxUlps('tanh', Math.tanh, 60)).toBeLessThanOrEqual(3);
    const [negZero, tiny, one, minusOne] = lstmKernels()!.map('tanh', Float64Array.of(-0, 1e-310, 1e300, -Infinity));
    expect(Object.is(negZero, -0)).toBe(true);
    expect([tiny, one, minusOne]).toEqual([1e-310, 1, -1]);
  });

  it('takes a step of the LSTM as JavaScript does: the same float32 gates, cells and states', () => {
    const k = lstmKernels()!;
    const batch = 3;
    const u = 4;
    const g4 = 4 * u;
    let state = 7;
    const next = () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5) * 8;
    const pre = Float32Array.from({ length: batch * g4 }, next);
    const r = Float32Array.from({ length: batch * g4 }, next);
    const cPrev = Float32Array.from({ length: batch * u }, next);
    const scratch = 2 * batch * g4 + 4 * batch * u;
    const heap = k.heap(scratch + 4 * u);
    heap.set(pre, 0);
    heap.set(r, batch * g4);
    heap.set(cPrev, 2 * batch * g4);
    const [cell, tcell, hidden] = [1, 2, 3].map((i) => 2 * batch * g4 + i * batch * u) as [number, number, number];
    k.forwardStep(0, batch * g4, 2 * batch * g4, cell, tcell, hidden, batch, u, false, scratch);
    const sig = (z: number) => 1 / (1 + Math.exp(-z));
    for (let b = 0; b < batch; b++) {
      for (let j = 0; j < u; j++) {
        const z = [0, 1, 2, 3].map((q) => pre[b * g4 + q * u + j]! + r[b * g4 + q * u + j]!);
        const [i, f, g, o] = [sig(z[0]!), sig(z[1]!), Math.tanh(z[2]!), sig(z[3]!)];
        const c = f * cPrev[b * u + j]! + i * g;
        const expected = [i, f, g, o, c, Math.tanh(c), o * Math.tanh(c)].map(Math.fround);
        const got = [0, 1, 2, 3].map((q) => heap[b * g4 + q * u + j]!).concat([cell, tcell, hidden].map((at) => heap[at + b * u + j]!));
        expect(got).toEqual(expected);
      }
    }
    expect(() => k.forwardStep(0, 0, 0, 0, 0, 0, 1, 3, true, 0)).toThrow(/u must be even/);
    expect(() => k.forwardStep(0, 0, 0, 0, 0, 0, 1, 2, true, 2)).toThrow(/scratch must be a multiple of 4/);
  });
});

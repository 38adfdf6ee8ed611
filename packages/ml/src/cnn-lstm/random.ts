/**
 * A small seeded generator (mulberry32) for weight initialisation, dropout masks and shuffling, so that a
 * model built and trained with the same seed has the same weights and losses on every run and backend.
 */

/** A seeded stream of uniform numbers in [0, 1). */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** The next uniform number in [0, 1) (mulberry32, 32 bits of state). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** A 32-bit integer, for seeding another generator. */
  nextSeed(): number {
    return Math.floor(this.next() * 4294967296) >>> 0;
  }

  /** Fills `out` with uniform numbers in [-limit, limit). */
  uniform(out: Float32Array, limit: number): Float32Array {
    for (let i = 0; i < out.length; i++) out[i] = (2 * this.next() - 1) * limit;
    return out;
  }

  /** Shuffles `values` in place (Fisher-Yates). */
  shuffle<T>(values: T[]): T[] {
    for (let i = values.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const tmp = values[i]!;
      values[i] = values[j]!;
      values[j] = tmp;
    }
    return values;
  }
}

/**
 * A 32-bit seed derived from `seed` and a list of indices (murmur3's finaliser over each), so that
 * independent streams (a dropout mask per call and per sample) come from one seed without sharing state.
 */
export function mixSeed(seed: number, ...indices: number[]): number {
  let h = seed >>> 0;
  for (const index of indices) {
    h = (h ^ Math.imul(index >>> 0, 0x9e3779b1)) >>> 0;
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    h = (h ^ (h >>> 16)) >>> 0;
  }
  return h;
}

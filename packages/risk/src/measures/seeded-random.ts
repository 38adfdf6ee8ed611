/**
 * A seeded pseudo-random generator: xoshiro128** (Blackman and Vigna 2018), seeded through SplitMix32,
 * with standard normal draws by inversion (AS 241). The same seed gives the same sequence on every run.
 */
import { ValidationError } from '@rxtrade/core';
import { normalQuantile } from './normal';

/**
 * Deterministic random numbers for Monte Carlo measures.
 *
 * @example
 * ```ts
 * const rng = new SeededRandom(42);
 * rng.next();   // uniform in (0, 1)
 * rng.normal(); // standard normal
 * ```
 */
export class SeededRandom {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    if (!Number.isInteger(seed)) throw new ValidationError([{ path: ['seed'], message: `must be an integer, got ${seed}` }]);
    let s = seed >>> 0;
    const split = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = split();
    this.b = split();
    this.c = split();
    this.d = split();
  }

  /** The next raw 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5) >>> 0, 7), 9) >>> 0;
    const t = (this.b << 9) >>> 0;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    this.a >>>= 0;
    this.b >>>= 0;
    this.c >>>= 0;
    return result;
  }

  /** A uniform number in the open interval (0, 1). */
  next(): number {
    return (this.nextUint32() + 0.5) / 4294967296;
  }

  /** A standard normal draw. */
  normal(): number {
    return normalQuantile(this.next());
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

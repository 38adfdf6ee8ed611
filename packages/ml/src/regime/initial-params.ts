/**
 * The starting point of {@link GaussianHmm.fit} when no `initial` model is given, as hmmlearn does it:
 * means from k-means (k-means++ seeding, Arthur and Vassilvitskii 2007, then Lloyd iterations, on
 * features scaled to unit variance), every state's (co)variance the data's, uniform start probabilities,
 * and persistent regimes (each state stays with probability 0.9, leaves evenly to the others).
 * The random choices come from a seeded mulberry32 generator: the same seed gives the same start.
 */
import type { HmmParams } from './hmm-kernels';

/** mulberry32: a small, fast 32-bit generator; uniform in [0, 1). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let r = Math.imul(a ^ (a >>> 15), 1 | a);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

/** Parameters to start EM from: see the header. */
export function initialParams(x: Float64Array, t: number, d: number, k: number, covarianceType: 'diag' | 'full', seed: number): HmmParams {
  const mean = new Float64Array(d);
  for (let s = 0; s < t; s++) for (let a = 0; a < d; a++) mean[a]! += x[s * d + a]!;
  for (let a = 0; a < d; a++) mean[a]! /= t;
  const cov = new Float64Array(d * d);
  for (let s = 0; s < t; s++) for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) cov[a * d + b]! += (x[s * d + a]! - mean[a]!) * (x[s * d + b]! - mean[b]!);
  for (let i = 0; i < d * d; i++) cov[i]! /= t;
  const sd = new Float64Array(d);
  for (let a = 0; a < d; a++) sd[a] = Math.sqrt(cov[a * d + a]!) || 1;

  const centers = kMeans(x, t, d, k, sd, mulberry32(seed));
  const stateCov = new Float64Array(covarianceType === 'full' ? k * d * d : k * d);
  for (let i = 0; i < k; i++) {
    if (covarianceType === 'full') stateCov.set(cov, i * d * d);
    else for (let a = 0; a < d; a++) stateCov[i * d + a] = cov[a * d + a]!;
  }
  const stay = k === 1 ? 1 : 0.9;
  const trans = new Float64Array(k * k);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) trans[i * k + j] = i === j ? stay : (1 - stay) / (k - 1);
  return { k, d, covarianceType, start: new Float64Array(k).fill(1 / k), trans, means: centers, cov: stateCov };
}

function kMeans(x: Float64Array, t: number, d: number, k: number, sd: Float64Array, random: () => number): Float64Array {
  const dist = (s: number, c: Float64Array, i: number): number => {
    let acc = 0;
    for (let a = 0; a < d; a++) {
      const r = (x[s * d + a]! - c[i * d + a]!) / sd[a]!;
      acc += r * r;
    }
    return acc;
  };
  const centers = new Float64Array(k * d);
  const first = Math.min(t - 1, Math.floor(random() * t));
  centers.set(x.subarray(first * d, first * d + d), 0);
  const nearest = new Float64Array(t).fill(Infinity);
  for (let i = 1; i < k; i++) {
    let total = 0;
    for (let s = 0; s < t; s++) {
      nearest[s] = Math.min(nearest[s]!, dist(s, centers, i - 1));
      total += nearest[s]!;
    }
    let target = random() * total;
    let pick = t - 1;
    for (let s = 0; s < t; s++) {
      target -= nearest[s]!;
      if (target < 0) {
        pick = s;
        break;
      }
    }
    centers.set(x.subarray(pick * d, pick * d + d), i * d);
  }
  const assign = new Int32Array(t);
  const sums = new Float64Array(k * d);
  const sizes = new Float64Array(k);
  for (let round = 0; round < 100; round++) {
    let moved = false;
    for (let s = 0; s < t; s++) {
      let best = 0;
      let bestD = Infinity;
      for (let i = 0; i < k; i++) {
        const v = dist(s, centers, i);
        if (v < bestD) {
          bestD = v;
          best = i;
        }
      }
      if (assign[s] !== best || round === 0) moved = true;
      assign[s] = best;
    }
    if (!moved) break;
    sums.fill(0);
    sizes.fill(0);
    for (let s = 0; s < t; s++) {
      const i = assign[s]!;
      sizes[i]!++;
      for (let a = 0; a < d; a++) sums[i * d + a]! += x[s * d + a]!;
    }
    // An empty cluster keeps its centre.
    for (let i = 0; i < k; i++) if (sizes[i]! > 0) for (let a = 0; a < d; a++) centers[i * d + a] = sums[i * d + a]! / sizes[i]!;
  }
  // Order the states by their first feature's mean, so that state 0 is the lowest (reproducible labels).
  const order = Array.from({ length: k }, (_, i) => i).sort((p, q) => centers[p * d]! - centers[q * d]!);
  const sorted = new Float64Array(k * d);
  order.forEach((i, r) => sorted.set(centers.subarray(i * d, i * d + d), r * d));
  return sorted;
}

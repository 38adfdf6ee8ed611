/**
 * Two statistics that say whether recent values still look like the training data:
 *
 * - the two-sample Kolmogorov-Smirnov test (Smirnov 1939): D = sup |F1(x) - F2(x)| of the two empirical
 *   CDFs, with the p-value of the two-sided test. Up to 10,000 values per sample the p-value is exact,
 *   the proportion of lattice paths that leave the band |x/m - y/n| < D (Hodges 1958, "The
 *   significance probability of the Smirnov two-sample test", with the 1 - p recursion of Viehmann
 *   2021, arXiv:2102.08037), as scipy.stats.ks_2samp computes by default; above, the limiting
 *   Kolmogorov distribution of sqrt(m n / (m + n)) D, as R's ks.test does for large samples;
 * - the population stability index (PSI): sum over bins of (a - e) ln(a / e), the bins cut at the
 *   quantiles of the expected (training) sample, proportions floored so that an empty bin stays finite.
 *
 * Checked against scipy (`packages/ml/scripts/drift-reference.py`).
 */
import { ValidationError } from '@rxtrade/core';

/** Result of {@link ksTwoSample}. */
export interface KsTestResult {
  /** D: the largest distance between the two empirical CDFs, in [0, 1]. */
  readonly statistic: number;
  /** Two-sided p-value: the probability of a D at least this large if both samples share one distribution. */
  readonly pValue: number;
  /** `'exact'` (both samples of at most 10,000 values) or `'asymptotic'` (the limiting distribution). */
  readonly method: 'exact' | 'asymptotic';
}

/** Above this many values in a sample, {@link ksTwoSample} uses the limiting distribution (scipy's threshold). */
export const KS_EXACT_MAX_N = 10_000;

function checkSample(sample: ArrayLike<number>, field: string): void {
  if (sample.length === 0) throw new ValidationError([{ path: [field], message: 'must hold at least one value' }]);
  for (let i = 0; i < sample.length; i++) {
    if (!Number.isFinite(sample[i])) throw new ValidationError([{ path: [field, i], message: `must be a finite number, got ${sample[i]}` }]);
  }
}

function sorted(sample: ArrayLike<number>): Float64Array {
  return Float64Array.from(sample as ArrayLike<number>).sort();
}

/**
 * D of two samples already sorted ascending: the empirical CDFs are compared at every value of either
 * sample, after all equal values (ties) of both have been counted.
 */
export function ksStatisticSorted(a: Float64Array, b: Float64Array): number {
  const n1 = a.length;
  const n2 = b.length;
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < n1 && j < n2) {
    const x = a[i]! <= b[j]! ? a[i]! : b[j]!;
    while (i < n1 && a[i]! <= x) i++;
    while (j < n2 && b[j]! <= x) j++;
    const diff = Math.abs(i / n1 - j / n2);
    if (diff > d) d = diff;
  }
  return d;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/**
 * P(D >= h / lcm(m, n)) under the null hypothesis: the proportion of the C(m + n, n) monotone lattice
 * paths from (0, 0) to (m, n) that touch or cross a line |ng x - mg y| = h (ng = n / g, mg = m / g).
 * q(x, y), the proportion of paths to (x, y) that have left the band, is 1 outside it and
 * (x q(x - 1, y) + y q(x, y - 1)) / (x + y) inside (each path to (x, y) comes from its left with
 * probability x / (x + y)); only the band's part of each column is kept.
 */
function exactTwoSidedPValue(m0: number, n0: number, h: number): number {
  const m = Math.max(m0, n0);
  const n = Math.min(m0, n0);
  const g = gcd(m, n);
  const mg = m / g;
  const ng = n / g;
  // Column x holds y in [lo(x), hi(x)): the points strictly inside the band; everything outside is 1.
  const lo = (x: number): number => Math.min(Math.max(Math.floor((ng * x - h) / mg) + 1, 0), n + 1);
  const hi = (x: number): number => Math.min(Math.ceil((ng * x + h) / mg), n + 1);
  let prevLo = 0;
  let prevHi = hi(0);
  let prev = new Float64Array(n + 1);
  let next = new Float64Array(n + 1);
  // Column 0: (0, y) is inside for y < hi(0) and no path to it has left the band.
  for (let y = 0; y <= n; y++) prev[y] = y < prevHi ? 0 : 1;
  for (let x = 1; x <= m; x++) {
    const l = lo(x);
    const u = hi(x);
    if (u <= l) return 1;
    // Below the band (y < l) and above it (y >= u) every path has left: q = 1.
    let below = 1; // q(x, l - 1), or q(x, -1) which never contributes (y = 0 has no lower neighbour)
    for (let y = l; y < u; y++) {
      const left = y >= prevLo && y < prevHi ? prev[y]! : 1;
      const down = y === 0 ? 0 : y - 1 >= l ? next[y - 1]! : below;
      next[y] = (x * left + y * down) / (x + y);
    }
    [prev, next] = [next, prev];
    prevLo = l;
    prevHi = u;
  }
  // (m, n) is inside the band when D > 0.
  return n >= prevLo && n < prevHi ? prev[n]! : 1;
}

/**
 * The survival function of the Kolmogorov distribution, Q(z) = P(K > z) = 2 Σ (-1)^(k-1) exp(-2 k² z²),
 * with the Jacobi theta form 1 - (sqrt(2π) / z) Σ exp(-(2k - 1)² π² / (8 z²)) for small z, where the
 * alternating series converges slowly.
 *
 * @example
 * ```ts
 * kolmogorovSurvival(1.358); // about 0.05: the 5% critical value of sqrt(n) D
 * ```
 */
export function kolmogorovSurvival(z: number): number {
  if (!(z > 0)) return 1;
  if (z < 1) {
    let sum = 0;
    for (let k = 1; k <= 20; k++) {
      const term = Math.exp(-((2 * k - 1) ** 2) * Math.PI * Math.PI / (8 * z * z));
      sum += term;
      if (term < 1e-300) break;
    }
    return Math.min(1, Math.max(0, 1 - (Math.sqrt(2 * Math.PI) / z) * sum));
  }
  let sum = 0;
  for (let k = 1; k <= 100; k++) {
    const term = Math.exp(-2 * k * k * z * z);
    sum += k % 2 === 1 ? term : -term;
    if (term < 1e-300) break;
  }
  return Math.min(1, Math.max(0, 2 * sum));
}

/**
 * The two-sample Kolmogorov-Smirnov test, two-sided.
 *
 * @param a the first sample (the reference, say the training data); finite numbers.
 * @param b the second sample (recent values).
 * @example
 * ```ts
 * const { statistic, pValue } = ksTwoSample([0.1, 0.4, 0.35, 0.8], [0.9, 1.2, 0.7, 1.1, 1.4]);
 * if (pValue < 0.01) console.log('the distributions differ: D =', statistic);
 * ```
 */
export function ksTwoSample(a: ArrayLike<number>, b: ArrayLike<number>): KsTestResult {
  checkSample(a, 'a');
  checkSample(b, 'b');
  return ksTwoSampleSorted(sorted(a), sorted(b));
}

/** {@link ksTwoSample} on samples already sorted ascending (no copy, no validation): for monitors that keep the reference sorted. */
export function ksTwoSampleSorted(a: Float64Array, b: Float64Array): KsTestResult {
  const n1 = a.length;
  const n2 = b.length;
  const d = ksStatisticSorted(a, b);
  if (Math.max(n1, n2) <= KS_EXACT_MAX_N) {
    const g = gcd(n1, n2);
    const lcm = (n1 / g) * n2;
    // D is a multiple of 1 / lcm: recover the integer so that the band's edges are exact.
    const h = Math.round(d * lcm);
    const statistic = h / lcm;
    if (h === 0) return { statistic, pValue: 1, method: 'exact' };
    const p = exactTwoSidedPValue(n1, n2, h);
    return { statistic, pValue: Math.min(1, Math.max(0, p)), method: 'exact' };
  }
  const en = (n1 * n2) / (n1 + n2);
  return { statistic: d, pValue: kolmogorovSurvival(Math.sqrt(en) * d), method: 'asymptotic' };
}

/**
 * The `p`-quantile of sorted values by linear interpolation between order statistics (Hyndman and Fan
 * type 7: numpy's and R's default).
 */
export function quantileSorted(values: Float64Array, p: number): number {
  const n = values.length;
  if (n === 1) return values[0]!;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return values[lo]! + (h - lo) * (values[hi]! - values[lo]!);
}

/** Options of {@link psiBins} and {@link populationStabilityIndex}. */
export interface PsiOptions {
  /** Number of bins, cut at the quantiles 1/bins, 2/bins, … of the expected sample (default 10). */
  readonly bins?: number;
  /** Smallest proportion of a bin, so that an empty bin gives a finite index (default 1e-4). */
  readonly floor?: number;
}

/**
 * Bins fitted on an expected (training) sample, to compute the PSI of many later samples against it.
 *
 * @example
 * ```ts
 * const bins = psiBins(trainingReturns, { bins: 10 });
 * bins.psi(lastMonthReturns); // > 0.25: a major shift, by the usual rule of thumb
 * ```
 */
export interface PsiBins {
  /** Inner bin edges (bins - 1 of them): a value v is in bin i when edges[i - 1] < v <= edges[i]. */
  readonly edges: Float64Array;
  /** Proportion of the expected sample in each bin, after the floor. */
  readonly expected: Float64Array;
  /** Proportion of `actual` in each bin, after the floor. */
  proportions(actual: ArrayLike<number>): Float64Array;
  /** The PSI of `actual` against the expected sample. */
  psi(actual: ArrayLike<number>): number;
}

/** Fits {@link PsiBins} on the expected sample. @see populationStabilityIndex */
export function psiBins(expected: ArrayLike<number>, options: PsiOptions = {}): PsiBins {
  checkSample(expected, 'expected');
  const bins = options.bins ?? 10;
  const floor = options.floor ?? 1e-4;
  if (!Number.isInteger(bins) || bins < 2) throw new ValidationError([{ path: ['bins'], message: `must be an integer >= 2, got ${bins}` }]);
  if (!(floor > 0 && floor < 1)) throw new ValidationError([{ path: ['floor'], message: `must be in (0, 1), got ${floor}` }]);
  const s = sorted(expected);
  const edges = new Float64Array(bins - 1);
  for (let k = 1; k < bins; k++) edges[k - 1] = quantileSorted(s, k / bins);
  const proportions = (values: ArrayLike<number>): Float64Array => {
    const counts = new Float64Array(bins);
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      // The first edge >= v (binary search): v lies in that edge's bin.
      let lo = 0;
      let hi = edges.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (edges[mid]! < v) lo = mid + 1;
        else hi = mid;
      }
      counts[lo]!++;
    }
    for (let k = 0; k < bins; k++) counts[k] = Math.max(counts[k]! / values.length, floor);
    return counts;
  };
  const expectedProportions = proportions(s);
  return {
    edges,
    expected: expectedProportions,
    proportions: (actual) => {
      checkSample(actual, 'actual');
      return proportions(actual);
    },
    psi: (actual) => {
      checkSample(actual, 'actual');
      const a = proportions(actual);
      let total = 0;
      for (let k = 0; k < bins; k++) total += (a[k]! - expectedProportions[k]!) * Math.log(a[k]! / expectedProportions[k]!);
      return total;
    },
  };
}

/**
 * The population stability index of `actual` against `expected`: 0 for identical binned
 * distributions; by the usual rule of thumb below 0.1 stable, 0.1 to 0.25 a moderate shift, above
 * 0.25 a major one.
 *
 * @example
 * ```ts
 * populationStabilityIndex([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [6, 7, 8, 9, 10, 11, 12, 13, 14, 15], { bins: 5 }); // large
 * ```
 */
export function populationStabilityIndex(expected: ArrayLike<number>, actual: ArrayLike<number>, options: PsiOptions = {}): number {
  return psiBins(expected, options).psi(actual);
}

/**
 * Benchmark of the portfolio optimizers: minimum variance with bounds on 100 and 500 assets, and
 * HRP on 500 assets, on random positive-definite covariances from a seeded factor model. Prints the
 * median of 5 timed runs after a warm-up, with the ratio to a hand-written baseline measured in the
 * same process: the closed-form unconstrained minimum-variance portfolio `Sigma^-1 1 / (1' Sigma^-1 1)`
 * (one Cholesky solve with ml-matrix) for min-variance, and the inverse-variance portfolio for HRP.
 *
 * Run from the repository root:
 *   npx tsx --conditions=@rxtrade/source packages/portfolio/bench/optimizers.bench.ts [--dump FILE]
 * With `--dump FILE` it also writes the matrices and the weights found to FILE (JSON, about 9 MB), for
 * `scripts/optimizers-bench-crosscheck.R` (R quadprog) and `scripts/optimizers-bench-crosscheck.py` (scipy).
 */
import { writeFileSync } from 'node:fs';
import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import { hierarchicalRiskParity, minVariance, riskParity } from '@rxtrade/portfolio';

/** mulberry32: a small seeded PRNG, so that every run sees the same matrices. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal by Box-Muller. */
function normal(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

/** Sigma = B F B' + D: k factors with daily-like volatilities, plus idiosyncratic variance. */
function factorCovariance(n: number, k: number, seed: number): Float64Array[] {
  const rand = prng(seed);
  const B = Array.from({ length: n }, () => Float64Array.from({ length: k }, (_, f) => (f === 0 ? 0.5 + 0.7 * rand() : normal(rand) * 0.5)));
  const F = Float64Array.from({ length: k }, (_, f) => (f === 0 ? 1e-4 : 4e-5 * (0.5 + rand())));
  const D = Float64Array.from({ length: n }, () => 1e-4 * (0.5 + 3 * rand()));
  const sigma = Array.from({ length: n }, () => new Float64Array(n));
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let s = i === j ? D[i]! : 0;
      for (let f = 0; f < k; f++) s += B[i]![f]! * F[f]! * B[j]![f]!;
      sigma[i]![j] = sigma[j]![i] = s;
    }
  }
  return sigma;
}

function closedFormMinVariance(sigma: readonly Float64Array[]): Float64Array {
  const n = sigma.length;
  const x = new CholeskyDecomposition(new Matrix(sigma.map((r) => Array.from(r)))).solve(Matrix.ones(n, 1)).getColumn(0);
  const s = x.reduce((a, b) => a + b, 0);
  return Float64Array.from(x, (v) => v / s);
}

function inverseVariance(sigma: readonly Float64Array[]): Float64Array {
  const iv = Float64Array.from(sigma, (row, i) => 1 / row[i]!);
  const s = iv.reduce((a, b) => a + b, 0);
  return iv.map((v) => v / s);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function time<T>(fn: () => T, runs = 5): { ms: number; result: T } {
  let result = fn(); // warm-up
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    result = fn();
    times.push(performance.now() - t0);
  }
  return { ms: median(times), result };
}

function report(label: string, ms: number, baseline: string, baselineMs: number, extra = ''): void {
  console.log(
    `${label.padEnd(44)} ${ms.toFixed(1).padStart(8)} ms   ${baseline}: ${baselineMs.toFixed(2).padStart(7)} ms   ratio ${(ms / baselineMs).toFixed(0).padStart(5)}x${extra}`,
  );
}

const dumpAt = process.argv.indexOf('--dump');
const dumpFile = dumpAt > 0 ? process.argv[dumpAt + 1] : undefined;
const dump: Record<string, unknown> = {};
const rows = (m: readonly Float64Array[]): number[][] => m.map((r) => Array.from(r));

console.log(`Node ${process.version}, median of 5 runs after one warm-up\n`);
for (const [n, upper] of [
  [100, 0.05],
  [500, 0.01],
] as const) {
  const sigma = factorCovariance(n, 5, 42 + n);
  const qp = time(() => minVariance({ covariance: sigma, lower: 0, upper }));
  const base = time(() => closedFormMinVariance(sigma));
  const atUpper = qp.result.weights.filter((w) => w > upper - 1e-12).length;
  const atZero = qp.result.weights.filter((w) => w < 1e-12).length;
  dump[`minVariance${n}`] = { covariance: rows(sigma), upper, weights: Array.from(qp.result.weights) };
  report(`minVariance, ${n} assets, 0 <= w <= ${upper}`, qp.ms, 'closed form (unconstrained)', base.ms, `   (${qp.result.iterations} active-set steps; ${atZero} at 0, ${atUpper} at the cap)`);
}
{
  const sigma = factorCovariance(500, 5, 542);
  const hrp = time(() => hierarchicalRiskParity({ covariance: sigma }));
  const hrpCorr = time(() => hierarchicalRiskParity({ covariance: sigma, clusterOn: 'correlation-distance' }));
  const base = time(() => inverseVariance(sigma));
  dump.hrp500 = { covariance: rows(sigma), weights: Array.from(hrp.result.weights), order: hrp.result.order, correlationDistanceWeights: Array.from(hrpCorr.result.weights) };
  report('HRP, 500 assets (paper: distance of distances)', hrp.ms, 'inverse variance', base.ms);
  report('HRP, 500 assets (correlation distance)', hrpCorr.ms, 'inverse variance', base.ms);
  const erc = time(() => riskParity({ covariance: sigma }));
  dump.hrp500 = { ...(dump.hrp500 as object), riskParityWeights: Array.from(erc.result.weights) };
  report('riskParity (ERC), 500 assets', erc.ms, 'inverse variance', base.ms, `   (${erc.result.iterations} Newton steps)`);
}
if (dumpFile) {
  writeFileSync(dumpFile, JSON.stringify(dump));
  console.log(`\nwrote ${dumpFile}`);
}

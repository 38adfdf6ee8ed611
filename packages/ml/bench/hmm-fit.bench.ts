/**
 * GaussianHmm.fit on 5,000 daily S&P 500 returns (the first 5,000 of the reference fixture, in percent)
 * against statsmodels' MarkovRegression(k_regimes=2, trend='c', switching_variance=True).fit from the
 * same start, in the same run (statsmodels in a Python child: scripts/hmm-fit-timing.py, timed inside
 * Python so start-up and data transfer are not counted).
 *
 *   npx tsx --conditions=@rxtrade/source packages/ml/bench/hmm-fit.bench.ts [reps]
 *
 * Rows (medians of `reps` fits, default 5, after one warm-up fit for ours):
 * - ours, stationary start: EM with the start tied to the stationary distribution (statsmodels' model),
 *   tolerance 1e-8 on the log likelihood;
 * - ours, estimated start: plain Baum-Welch (start probabilities estimated), tolerance 1e-8;
 * - statsmodels fit(em_iter=50, search_reps=0): 50 EM iterations, then BFGS with its defaults;
 * - statsmodels, gtol=1e-12: the same, BFGS run until the score vanishes (the optimum the tests compare
 *   with).
 * Each row prints the log likelihood reached, so a faster row that stops short shows it.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { GaussianHmm, type GaussianHmmConfig } from '@rxtrade/ml';

const REPS = Number(process.argv[2] ?? 5);
const here = dirname(fileURLToPath(import.meta.url));
const fixture = JSON.parse(gunzipSync(readFileSync(resolve(here, '../src/regime/__fixtures__/hmm-reference.json.gz'))).toString('utf8')) as { returns: number[] };
const returns = fixture.returns.slice(0, 5000);
const start = { transitionMatrix: [[0.985, 0.015], [0.03, 0.97]], means: [0.07, -0.08], variances: [0.45, 3.6] };
const initial: GaussianHmmConfig = { startProbabilities: [2 / 3, 1 / 3], ...start };

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

function timeOurs(startProbabilities: 'stationary' | 'estimate'): { seconds: number; logLikelihood: number; iterations: number } {
  GaussianHmm.fit(returns, { initial, startProbabilities });
  const seconds: number[] = [];
  let last;
  for (let i = 0; i < REPS; i++) {
    const t0 = performance.now();
    last = GaussianHmm.fit(returns, { initial, startProbabilities });
    seconds.push((performance.now() - t0) / 1000);
  }
  return { seconds: median(seconds), logLikelihood: last!.logLikelihood, iterations: last!.iterations };
}

const stationary = timeOurs('stationary');
const estimated = timeOurs('estimate');

const py = spawnSync('/usr/bin/python3', [resolve(here, '../scripts/hmm-fit-timing.py')], {
  input: JSON.stringify({ returns, start, reps: REPS, emIter: 50 }),
  encoding: 'utf8',
  maxBuffer: 1 << 24,
});
let sm: { default: { seconds: number[]; llf: number }; tight: { seconds: number[]; llf: number } } | undefined;
if (py.status === 0) sm = JSON.parse(py.stdout) as typeof sm;
else console.log(`statsmodels skipped: ${py.error?.message ?? py.stderr.trim().split('\n').at(-1)}`);

const row = (name: string, seconds: number, ll: number, note = ''): void =>
  console.log(`${name.padEnd(44)} ${(seconds * 1000).toFixed(1).padStart(9)} ms   log L ${ll.toFixed(6)}${note}`);
console.log(`GaussianHmm.fit, 2 states, ${returns.length} S&P 500 daily returns, medians of ${REPS}`);
row('ours, stationary start (statsmodels\' model)', stationary.seconds, stationary.logLikelihood, `   ${stationary.iterations} EM iterations`);
row('ours, estimated start (Baum-Welch)', estimated.seconds, estimated.logLikelihood, `   ${estimated.iterations} EM iterations`);
if (sm) {
  const smDefault = median(sm.default.seconds);
  const smTight = median(sm.tight.seconds);
  row('statsmodels fit(em_iter=50), BFGS defaults', smDefault, sm.default.llf);
  row('statsmodels fit(em_iter=50), gtol=1e-12', smTight, sm.tight.llf);
  console.log(`ratio statsmodels (defaults) / ours (stationary): ${(smDefault / stationary.seconds).toFixed(1)}x`);
  console.log(`ratio statsmodels (gtol=1e-12) / ours (stationary): ${(smTight / stationary.seconds).toFixed(1)}x`);
}

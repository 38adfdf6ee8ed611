/** Test helpers: reads the committed fixtures (not exported from the package). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const fixture = (name: string): string => readFileSync(fileURLToPath(new URL(`./${name}`, import.meta.url)), 'utf8');

/** Daily simple returns close[t]/close[t-1] - 1 of the GOOG fixture (1046 values). */
export function googReturns(): number[] {
  const lines = fixture('goog.csv').split('\n').filter((l) => l && !l.startsWith('#'));
  const header = lines[0]!.split(',');
  const col = header.indexOf('Close');
  const closes = lines.slice(1).map((l) => Number(l.split(',')[col]));
  return closes.slice(1).map((c, i) => c / closes[i]! - 1);
}

/** EDHEC monthly returns as one array per column. */
export function edhecColumns(): number[][] {
  const lines = fixture('edhec.csv').split('\n').filter((l) => l && !l.startsWith('#'));
  const rows = lines.slice(1).map((l) => l.split(',').slice(1).map(Number));
  return rows[0]!.map((_, j) => rows.map((r) => r[j]!));
}

/** The JSON reference written by scripts/portfolio-var-reference.py. */
export function portfolioReference(): {
  mean: number[];
  covariance: number[][];
  rows: number;
  cases: Array<{ weights: string; w: number[]; p: number; withMean: boolean; sd: number; var: number; es: number; components: number[] }>;
} {
  return JSON.parse(fixture('portfolio-var-reference.json'));
}

/** Test-only loaders of edhec.csv as a returns matrix and of the optimizer reference fixtures (provenance in README.md beside this file). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** EDHEC monthly returns, 1997-01 to 2021-05, as rows (one per month) of the first `columns` indices. */
export function edhecReturnRows(columns = 13): Float64Array[] {
  const text = readFileSync(fileURLToPath(new URL('./edhec.csv', import.meta.url)), 'utf8');
  return text
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => Float64Array.from(line.split(',').slice(1, 1 + columns), Number));
}

/** Reads a JSON fixture beside this file (`optimizers-quadprog-reference.json`, `optimizers-python-reference.json`). */
export function readOptimizerFixture<T>(name: string): T {
  return JSON.parse(readFileSync(fileURLToPath(new URL(`./${name}`, import.meta.url)), 'utf8')) as T;
}

/** Test-only loader of goog.csv (see README.md beside it for provenance). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The Close column of goog.csv, oldest first (1047 values). */
export function googCloses(): Float64Array {
  const text = readFileSync(fileURLToPath(new URL('./goog.csv', import.meta.url)), 'utf8');
  const lines = text.trim().split('\n');
  const header = lines[0]!.split(',');
  const close = header.indexOf('Close');
  return Float64Array.from(lines.slice(1), (line) => Number(line.split(',')[close]));
}

/** Helpers of the live node's tests: temp journal dirs, a GOOG instrument and its bars, a waiting helper. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineInstrument } from '@rxtrade/core';
import { readBarsCsv } from '../../../read-bars-csv';

const dirs: string[] = [];

/** A fresh temporary directory for a journal; {@link removeTempDirs} deletes them all. */
export function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rxtrade-node-'));
  dirs.push(dir);
  return path.join(dir, 'journal');
}

export function removeTempDirs(): void {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

export const goog = defineInstrument({ symbol: 'GOOG', venue: 'NASDAQ', assetClass: 'stock', base: 'GOOG', quote: 'USD', tickSize: '0.01', lotSize: '1' });

export const googCsv = fileURLToPath(new URL('../../../../../../examples/sma-crossover/fixtures/goog.csv', import.meta.url));

/** The GOOG daily bars of the SMA crossover example (1,047 bars). */
export const googBars = readBarsCsv(googCsv, { instrumentId: goog.id }).bars;

/** Resolves once `condition()` holds, polling every few ms; rejects after `timeoutMs`. */
export async function until(condition: () => boolean, timeoutMs = 2_000, what = 'a condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

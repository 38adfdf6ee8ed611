/**
 * `hashTrainingData`: a sha256 fingerprint of the feature rows a model was trained on, over a canonical
 * byte encoding, so that two trainings on the same data, on any machine, carry the same hash and a
 * registry entry says exactly what data made it.
 *
 * The encoding (version 1): the ASCII bytes `rxtrade-features-v1\n`; the number of feature names as a
 * uint32 little-endian; each name as a uint32 LE byte length and its UTF-8 bytes; the number of rows as
 * a uint32 LE; then each row's `ts` and its values as IEEE 754 float64 LE, with -0 written as 0 and
 * every NaN as the quiet NaN 0x7ff8000000000000. Checked against Python's hashlib
 * (`packages/ml/scripts/drift-reference.py`).
 */
import { createHash } from 'node:crypto';
import { ValidationError } from '@rxtrade/core';

/** A row of training data: a time and one value per feature. */
export interface TrainingRow {
  readonly ts: number;
  readonly values: ArrayLike<number>;
}

const MAGIC = new TextEncoder().encode('rxtrade-features-v1\n');
const CANONICAL_NAN = 0x7ff8000000000000n;

/**
 * The sha256 of the canonical encoding of `rows` under `names`, as `sha256:<64 hex digits>`.
 *
 * @param names the feature names, in the order of each row's values.
 * @param rows the rows, in training order; each must hold `names.length` values.
 * @example
 * ```ts
 * const hash = hashTrainingData(['ret1', 'z20'], [{ ts: 0, values: [0.01, -1.2] }, { ts: 60_000, values: [0.02, -0.4] }]);
 * // 'sha256:…', the same on every machine
 * ```
 */
export function hashTrainingData(names: readonly string[], rows: Iterable<TrainingRow>): string {
  const hash = createHash('sha256');
  const encoder = new TextEncoder();
  const u32 = (n: number): Uint8Array => {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, n, true);
    return b;
  };
  hash.update(MAGIC);
  hash.update(u32(names.length));
  for (const name of names) {
    const raw = encoder.encode(name);
    hash.update(u32(raw.length));
    hash.update(raw);
  }
  const width = names.length;
  // The row count comes first: an array is hashed in one pass, any other iterable is buffered.
  const list = Array.isArray(rows) ? (rows as readonly TrainingRow[]) : [...rows];
  hash.update(u32(list.length));
  let count = 0;
  const rowBytes = new Uint8Array(8 * (width + 1));
  const view = new DataView(rowBytes.buffer);
  const put = (offset: number, v: number): void => {
    if (Number.isNaN(v)) view.setBigUint64(offset, CANONICAL_NAN, true);
    else view.setFloat64(offset, v === 0 ? 0 : v, true);
  };
  for (const row of list) {
    if (row.values.length !== width) {
      throw new ValidationError([{ path: ['rows', count, 'values'], message: `must hold ${width} values (one per name), got ${row.values.length}` }]);
    }
    put(0, row.ts);
    for (let k = 0; k < width; k++) put(8 * (k + 1), row.values[k]!);
    hash.update(rowBytes);
    count++;
  }
  return `sha256:${hash.digest('hex')}`;
}

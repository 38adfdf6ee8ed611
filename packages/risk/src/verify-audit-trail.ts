/**
 * Verifies a hash-chained audit trail written by {@link AuditLog}: every line must parse, carry the
 * next sequence number, name the previous line's hash as `prev`, and hash to its own `hash`.
 */
import { auditHash, GENESIS_HASH, type AuditKey, type AuditRecord } from './audit-log';

/** Outcome of {@link verifyAuditTrail}. */
export interface AuditVerification {
  readonly valid: boolean;
  /** Records checked (up to the first bad one). */
  readonly count: number;
  /** Hash of the last good record. */
  readonly head: string;
  /** The first problem: 0-based line index and what is wrong. */
  readonly error?: { readonly index: number; readonly reason: string };
}

const HASH_SUFFIX = /,"hash":"([0-9a-f]{64})"\}$/;

/**
 * Checks a whole trail (lines, or the text of a JSONL file).
 *
 * @param expected head hash and/or record count kept elsewhere (`engine.auditHead`), to detect records
 * cut off the end; and the `key` of a keyed trail (without it a keyed trail does not verify).
 * @example
 * ```ts
 * const result = verifyAuditTrail(readFileSync('risk-audit.jsonl', 'utf8'), { ...engine.auditHead, key: process.env.RISK_AUDIT_KEY });
 * if (!result.valid) console.error(`audit trail broken at line ${result.error!.index + 1}: ${result.error!.reason}`);
 * ```
 */
export function verifyAuditTrail(
  trail: string | Iterable<string>,
  expected: { readonly head?: string; readonly hash?: string; readonly count?: number; readonly key?: string | Uint8Array | AuditKey } = {},
): AuditVerification {
  const head = expected.head ?? expected.hash;
  const lines = typeof trail === 'string' ? trail.split('\n').filter((l) => l.length > 0) : [...trail];
  let prev = GENESIS_HASH;
  let count = 0;
  const fail = (index: number, reason: string): AuditVerification => ({ valid: false, count, head: prev, error: { index, reason } });
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const m = HASH_SUFFIX.exec(line);
    if (!m) return fail(i, 'no hash field at the end of the line');
    let record: AuditRecord;
    try {
      record = JSON.parse(line) as AuditRecord;
    } catch {
      return fail(i, 'not valid JSON');
    }
    if (record.seq !== i) return fail(i, `sequence number ${String(record.seq)} where ${i} was expected (a record was removed, inserted or moved)`);
    if (record.prev !== prev) return fail(i, 'prev does not match the hash of the previous record (a record was removed or reordered)');
    const body = line.slice(0, m.index);
    if (auditHash(prev, body, expected.key) !== m[1]) return fail(i, expected.key === undefined ? 'hash does not match the record (the record was edited)' : 'hash does not match the record under the key (the record was edited, or the key is not the one the trail was written with)');
    prev = m[1]!;
    count++;
  }
  if (expected.count !== undefined && count !== expected.count) return fail(count, `${count} records where ${expected.count} were expected (records were cut off)`);
  if (head !== undefined && prev !== head) return fail(count, 'the last hash does not match the expected head (records were cut off or replaced)');
  return { valid: true, count, head: prev };
}

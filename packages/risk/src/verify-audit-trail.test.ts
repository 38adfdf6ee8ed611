import { describe, expect, it } from 'vitest';
import { AuditLog, GENESIS_HASH } from './audit-log';
import { verifyAuditTrail } from './verify-audit-trail';

function trail(n: number): string[] {
  const log = new AuditLog();
  for (let i = 0; i < n; i++) log.append(1_700_000_000_000 + i, 'decision', { i, approved: i % 2 === 0, note: `order ${i}` });
  return [...log.lines()];
}

describe('verifyAuditTrail', () => {
  it('accepts an intact trail, given as lines or as JSONL text, and returns its head', () => {
    const lines = trail(5);
    const ok = verifyAuditTrail(lines);
    expect(ok.valid).toBe(true);
    expect(ok.count).toBe(5);
    expect(verifyAuditTrail(lines.join('\n') + '\n')).toEqual(ok);
    expect(verifyAuditTrail([]).head).toBe(GENESIS_HASH);
  });

  it('detects an edited record', () => {
    const lines = trail(5);
    lines[2] = lines[2]!.replace('"approved":true', '"approved":false');
    expect(verifyAuditTrail(lines)).toMatchObject({ valid: false, count: 2, error: { index: 2, reason: expect.stringMatching(/edited/) } });
  });

  it('detects an edited record whose hash was recomputed, at the next record', () => {
    const forged = new AuditLog();
    const lines = trail(4);
    // A forger rebuilds record 1 with a new body and a valid hash, but record 2 still names the old one.
    const first = JSON.parse(lines[0]!);
    forged.append(first.ts, first.kind, first.data);
    forged.append(1, 'decision', { forged: true });
    const tampered = [lines[0]!, forged.lines()[1]!, ...lines.slice(2)];
    expect(verifyAuditTrail(tampered)).toMatchObject({ valid: false, error: { index: 2 } });
  });

  it('detects a removed record', () => {
    const lines = trail(5);
    lines.splice(1, 1);
    expect(verifyAuditTrail(lines)).toMatchObject({ valid: false, error: { index: 1, reason: expect.stringMatching(/sequence number/) } });
  });

  it('detects reordered records', () => {
    const lines = trail(5);
    [lines[1], lines[2]] = [lines[2]!, lines[1]!];
    expect(verifyAuditTrail(lines)).toMatchObject({ valid: false, error: { index: 1 } });
  });

  it('detects records cut off the end against an expected head or count', () => {
    const lines = trail(5);
    const full = verifyAuditTrail(lines);
    expect(verifyAuditTrail(lines.slice(0, 4)).valid).toBe(true);
    expect(verifyAuditTrail(lines.slice(0, 4), { head: full.head }).valid).toBe(false);
    expect(verifyAuditTrail(lines.slice(0, 4), { count: 5 }).valid).toBe(false);
  });

  it('rejects a line that is not a record', () => {
    expect(verifyAuditTrail(['{"seq":0}'])).toMatchObject({ valid: false, error: { index: 0, reason: expect.stringMatching(/no hash/) } });
  });
});

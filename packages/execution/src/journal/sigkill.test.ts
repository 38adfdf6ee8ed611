/**
 * The proof that a SIGKILL never loses an acknowledged record: a child appends with fsync 'always' and
 * prints every acknowledged sequence number; it is killed at 64 moments (seeded random delays, some
 * during its own recovery, and a dozen in the middle of a frame write), and after each kill the journal
 * must hold every acknowledged record, no gap, no duplicate, and at most the one record in flight.
 *
 * The child is bundled once (see `nodeArgsFor`) so that each start costs a plain Node start.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it, afterAll } from 'vitest';
import { FileJournal } from './file-journal';
import { fillEntry } from './__fixtures__/journal-entries';
import { canon, nodeArgsFor, tempDir, removeTempDirs } from './__fixtures__/journal-test-kit';

const childSource = path.join(path.dirname(fileURLToPath(import.meta.url)), '__fixtures__', 'append-child.ts');
let child: { args: string[]; cwd: string };

beforeAll(async () => {
  child = await nodeArgsFor(childSource);
});

/** mulberry32: a small seeded generator, so every run kills at the same moments. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type KillPlan = { after: 'spawn' | 'ready'; delayMs: number } | { after: 'half'; frames: number };

interface Victim {
  readonly acked: number[];
  readonly ready: number | undefined;
  readonly half: boolean;
}

/** Starts a child on `dir`, kills it as planned, and resolves once it is gone and its output read. */
function runVictim(dir: string, plan: KillPlan): Promise<Victim> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, JOURNAL_DIR: dir, ...(plan.after === 'half' ? { JOURNAL_HALF_WRITE_AFTER: String(plan.frames) } : {}) };
    const victim = spawn(process.execPath, child.args, { cwd: child.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const acked: number[] = [];
    let ready: number | undefined;
    let half = false;
    let pending = '';
    let stderr = '';
    let killed = false;
    const kill = (): void => {
      if (!killed) victim.kill('SIGKILL');
      killed = true;
    };
    const guard = setTimeout(kill, 10_000);
    if (plan.after === 'spawn') setTimeout(kill, plan.delayMs);
    victim.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    victim.stdout.on('data', (d: Buffer) => {
      pending += d.toString();
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) {
        if (line.startsWith('READY ')) {
          ready = Number(line.slice(6));
          if (plan.after === 'ready') setTimeout(kill, plan.delayMs);
        } else if (line === 'HALF') {
          half = true;
          kill();
        } else acked.push(Number(line));
      }
    });
    victim.on('error', reject);
    victim.on('close', (code, signal) => {
      clearTimeout(guard);
      if (signal !== 'SIGKILL') reject(new Error(`child ended with code ${code} signal ${signal}: ${stderr}`));
      else resolve({ acked, ready, half });
    });
  });
}

/** Kills one child after another on one journal, checking it after each kill. */
async function lane(seed: number, plans: readonly KillPlan[]): Promise<{ kills: number; records: number; torn: number; midWrite: number }> {
  const dir = tempDir(`sigkill-${seed}`);
  let known = 0; // records proven present so far
  let torn = 0;
  let midWrite = 0;
  for (const plan of plans) {
    const v = await runVictim(dir, plan);
    if (v.ready !== undefined) expect(v.ready).toBeGreaterThanOrEqual(known);
    // Acknowledged numbers continue the journal one by one.
    expect(v.acked).toEqual(Array.from({ length: v.acked.length }, (_, i) => (v.ready ?? 0) + 1 + i));
    const maxAcked = Math.max(known, ...v.acked);
    // Read-only: the next child performs the repair, so kills also land in the middle of a recovery.
    const j = await FileJournal.open({ dir, readOnly: true });
    const last = j.recovery.lastSeq;
    expect(last, 'an acknowledged record was lost').toBeGreaterThanOrEqual(maxAcked);
    expect(last, 'more than the one record in flight appeared').toBeLessThanOrEqual(maxAcked + 1);
    if (v.half) {
      midWrite++;
      expect(j.recovery.tornTail, 'the half-written frame is seen as a torn tail').toBeDefined();
      expect(last).toBe(maxAcked);
    }
    if (j.recovery.tornTail) torn++;
    let expected = Math.max(1, known - 2);
    for await (const r of j.replay(expected)) {
      expect(r.seq).toBe(expected++);
      expect(canon(r)).toStrictEqual(canon({ seq: r.seq, ...fillEntry(r.seq) }));
    }
    expect(expected - 1).toBe(last);
    known = last;
  }
  // Finally a writer recovers the last victim's journal and everything is still there.
  const j = await FileJournal.open({ dir });
  expect(j.recovery.lastSeq).toBe(known);
  expect(await j.append(fillEntry(known + 1))).toBe(known + 1);
  await j.close();
  return { kills: plans.length, records: known, torn, midWrite };
}

function plansFor(seed: number): KillPlan[] {
  const rand = seeded(seed);
  const plans: KillPlan[] = [];
  for (let i = 0; i < 32; i++) {
    if (i % 5 === 4) plans.push({ after: 'half', frames: Math.floor(rand() * 40) });
    else if (i % 8 === 3) plans.push({ after: 'spawn', delayMs: 40 + Math.floor(rand() * 120) }); // often during open and recovery
    else plans.push({ after: 'ready', delayMs: Math.floor(rand() * 40) });
  }
  return plans;
}

afterAll(removeTempDirs);

describe('FileJournal under SIGKILL', () => {
  it('never loses an acknowledged record, never duplicates or skips one, across 64 kills', async () => {
    const started = Date.now();
    const results = await Promise.all([lane(20240102, plansFor(20240102)), lane(7, plansFor(7))]);
    const kills = results.reduce((s, r) => s + r.kills, 0);
    const midWrite = results.reduce((s, r) => s + r.midWrite, 0);
    expect(kills).toBe(64);
    expect(midWrite).toBe(12);
    expect(results.every((r) => r.records > 100)).toBe(true);
    console.log(`sigkill: ${kills} kills, ${results.map((r) => r.records).join(' + ')} records, ${results.reduce((s, r) => s + r.torn, 0)} torn tails seen, ${Date.now() - started} ms`);
  }, 60_000);
});

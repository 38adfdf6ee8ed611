/**
 * The proof that a recorder with a spool loses and doubles nothing across a SIGKILL: a child process
 * records a seeded session into a Parquet catalog and is killed at seeded points (in the middle of a
 * catalog write, or between events), under each fsync policy. After every kill, a copy of its catalog
 * and spool is recovered by a new recorder: the catalog then holds exactly the first k events of the
 * session, each once and in replay order, with k past every event the child had reported recorded.
 * The next child resumes the feed a few events back (as a venue resends after a reconnect) on the
 * original folders; at the end the catalog holds the whole session exactly once.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childNodeArgs } from '../../../../../tooling/test-kit/bundle-child';
import { ParquetCatalog } from '../parquet-catalog';
import { CatalogRecorder } from './catalog-recorder';
import { readAll, replayOrder, seeded, session } from './__fixtures__/recorder-kit';

const here = dirname(fileURLToPath(import.meta.url));
const temp = mkdtempSync(join(tmpdir(), 'rxtrade-recorder-sigkill-'));
const children = new Set<ReturnType<typeof spawn>>();
let childArgs: string[] = [];

beforeAll(async () => {
  // DuckDB's native binding cannot be bundled: it is loaded from the package, as the source loads it.
  childArgs = await childNodeArgs(join(here, '__fixtures__', 'recorder-child.ts'), temp, { external: ['@duckdb/*'] });
}, 60_000);

afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(temp, { recursive: true, force: true });
});

const TOTAL = 4_000;
const SEED = 5;

interface Run {
  /** The highest event index the child reported recorded (-1: none). */
  acked: number;
  /** Whether it ran to the end and stopped. */
  done: boolean;
  output: string[];
}

/**
 * Runs a child from event `from`; kills it once `kill` says so (given the line just read), or lets it
 * finish when `kill` is undefined.
 */
function runChild(dirs: { catalog: string; spool: string }, from: number, fsync: string, kill?: (line: string, run: Run) => number | undefined): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...childArgs, dirs.catalog, dirs.spool, String(from), String(TOTAL), String(SEED), fsync], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    const run: Run = { acked: -1, done: false, output: [] };
    let buffer = '';
    let stderr = '';
    let killing = false;
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      buffer += d.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop()!;
      for (const line of lines) {
        run.output.push(line);
        if (line.startsWith('A ')) run.acked = Number(line.slice(2));
        if (line.startsWith('D ')) run.done = true;
        if (killing || kill === undefined) continue;
        const delay = kill(line, run);
        if (delay === undefined) continue;
        killing = true;
        if (delay === 0) child.kill('SIGKILL');
        else setTimeout(() => child.kill('SIGKILL'), delay);
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      children.delete(child);
      if (signal === 'SIGKILL' || code === 0) resolve(run);
      else reject(new Error(`the recorder child exited with ${code}: ${stderr.slice(-2000)}\n${run.output.slice(-5).join('\n')}`));
    });
  });
}

/** Recovers a copy of the folders with a new recorder and returns the events its catalog then holds. */
async function recoverCopy(dirs: { catalog: string; spool: string }, round: number) {
  const copy = { catalog: join(temp, `check-${round}`, 'catalog'), spool: join(temp, `check-${round}`, 'spool') };
  cpSync(dirs.catalog, copy.catalog, { recursive: true });
  cpSync(dirs.spool, copy.spool, { recursive: true });
  const catalog = await ParquetCatalog.open(copy.catalog, { threads: 1 });
  const recorder = new CatalogRecorder(catalog, { spool: { dir: copy.spool } });
  const recovered = await recorder.start();
  await recorder.stop();
  const stored = await readAll(catalog);
  catalog.close();
  return { stored, recovered };
}

describe('a recorder killed with SIGKILL', () => {
  it('loses and doubles nothing recorded before the kill, in the middle of a catalog write or between events, under every fsync policy', async () => {
    const events = session(TOTAL, SEED);
    const rand = seeded(SEED);
    const dirs = { catalog: join(temp, 'catalog'), spool: join(temp, 'spool') };
    const plans = [
      { fsync: 'always', at: 'write' },
      { fsync: 'interval', at: 'write' },
      { fsync: 'never', at: 'ack' },
      { fsync: 'always', at: 'ack' },
    ] as const;
    let from = 0;
    let kills = 0;
    for (const [round, plan] of plans.entries()) {
      // The n-th write of this child (the first is often recovery's or a small one), then 0-12 ms into it;
      // or the m-th event recorded.
      const nthWrite = 2 + Math.floor(rand() * 2);
      const delay = Math.floor(rand() * 13);
      const nthAck = 100 + Math.floor(rand() * 300);
      let writes = 0;
      let acks = 0;
      const run = await runChild(dirs, from, plan.fsync, (line) => {
        if (plan.at === 'write' && line === 'W' && ++writes === nthWrite) return delay === 0 ? 0 : delay;
        if (plan.at === 'ack' && line.startsWith('A ') && ++acks === nthAck) return 0;
        return undefined;
      });
      if (run.done) throw new Error(`round ${round}: the child finished before the kill (${plan.at} ${plan.at === 'write' ? nthWrite : nthAck}, from ${from})`);
      kills++;
      const { stored, recovered } = await recoverCopy(dirs, round);
      const k = stored.length;
      if (process.env['RXTRADE_DEBUG_SIGKILL']) console.log(round, plan, { from, acked: run.acked, k, recovered });
      expect(k, `round ${round}: events stored after recovery`).toBeGreaterThan(run.acked);
      // Exactly the first k events: none lost before them, none twice, none invented.
      expect(stored, `round ${round}`).toEqual(replayOrder(events.slice(0, k)));
      expect(recovered.torn).toBeLessThanOrEqual(1);
      // The venue resends a few events after the reconnect.
      from = Math.max(0, k - 7);
    }
    expect(kills).toBe(plans.length);
    const last = await runChild(dirs, from, 'interval');
    expect(last.done).toBe(true);
    const catalog = await ParquetCatalog.open(dirs.catalog, { threads: 1 });
    expect(await readAll(catalog)).toEqual(replayOrder(events));
    catalog.close();
  }, 120_000);
});

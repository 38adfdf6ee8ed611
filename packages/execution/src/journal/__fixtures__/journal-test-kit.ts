/** Helpers of the journal tests: temporary directories, exact comparison, a counting file system. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Decimal } from '@rxtrade/core';
import { nodeJournalFs, type JournalFs } from '../journal-fs';
import type { JournalRecord } from '../journal-codec';
import type { FileJournal } from '../file-journal';
import { childNodeArgs } from '../../../../../tooling/test-kit/bundle-child';

const created: string[] = [];

/** A fresh empty directory under the system temporary directory (removed by {@link removeTempDirs}). */
export function tempDir(label: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `rxtrade-journal-${label}-`));
  created.push(dir);
  return dir;
}

/** Removes every directory {@link tempDir} created (call it from `afterAll`). */
export function removeTempDirs(): void {
  for (const dir of created.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * A value with every Decimal replaced by `{ decimal: '<exact string>' }` (and a check that it is a
 * Decimal instance), so `toStrictEqual` compares digits and keeps undefined-valued keys significant.
 */
export function canon(v: unknown): unknown {
  if (v instanceof Decimal) return { decimal: v.toString() };
  if (Array.isArray(v)) return v.map(canon);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, canon(x)]));
  return v;
}

/** Every record of a journal, replayed from `from`. */
export async function replayAll(journal: FileJournal, from?: number): Promise<JournalRecord[]> {
  const out: JournalRecord[] = [];
  for await (const r of journal.replay(from)) out.push(r);
  return out;
}

/** Node's file system with counters of fsync and fdatasync calls. */
export function countingFs(): { fs: JournalFs; counts: { fsync: number; fdatasync: number; writes: number } } {
  const counts = { fsync: 0, fdatasync: 0, writes: 0 };
  return {
    counts,
    fs: {
      ...nodeJournalFs,
      fsync: (fd) => (counts.fsync++, nodeJournalFs.fsync(fd)),
      fdatasync: (fd) => (counts.fdatasync++, nodeJournalFs.fdatasync(fd)),
      write: (fd, b, o, l, p) => (counts.writes++, nodeJournalFs.write(fd, b, o, l, p)),
    },
  };
}

/** The single segment file of a journal directory. */
export function segmentFiles(dir: string): string[] {
  return fs.readdirSync(dir).filter((n) => n.endsWith('.rxj')).sort().map((n) => path.join(dir, n));
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../..');

/**
 * Node arguments that run the TypeScript file `source` in a child process. The file is bundled once
 * with esbuild (the copy tsx runs on, as this package does not depend on esbuild) so that each start
 * costs a plain Node start (~0.1 s) instead of compiling the sources again (~1 s under tsx); without
 * esbuild the child runs under tsx.
 */
export async function nodeArgsFor(source: string): Promise<{ args: string[]; cwd: string }> {
  return { args: await childNodeArgs(source, tempDir('bundle')), cwd: repoRoot };
}

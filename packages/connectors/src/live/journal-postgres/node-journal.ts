/**
 * The live node's `journal` setting: a `FileJournal` directory (`{ dir, fsync }`, the default kind) or
 * a PostgreSQL journal (`{ postgres: { … } }`), with what the node does with either (`recordMarketData`,
 * `snapshotEvery`), and the one function that opens whichever is configured as a `Journal`.
 */
import { z } from 'zod';
import { FileJournal, type Journal, type JournalFs } from '@rxtrade/execution';
import { PostgresJournal, PostgresJournalConfigSchema } from './postgres-journal';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/**
 * Schema of the live node's `journal`: exactly one of `dir` (a `FileJournal`) and `postgres` (a
 * {@link PostgresJournal}); `fsync` and `fs` belong to a file journal. Strict: an unknown key is an
 * error naming it.
 *
 * @example
 * ```ts
 * parseWith(NodeJournalConfigSchema, { dir: 'var/journal', fsync: 'always' }, 'journal');
 * parseWith(NodeJournalConfigSchema, { postgres: { connectionString: 'postgres://rxtrade@db/trading', name: 'node-1' }, snapshotEvery: 5_000 }, 'journal');
 * ```
 */
export const NodeJournalConfigSchema = z
  .strictObject({
    /** A `FileJournal` directory. */
    dir: z.string().min(1).optional(),
    /** File journal only: durability of each append (default `'always'`: each record synced before it is acted on). */
    fsync: z.enum(['always', 'batch', 'never']).optional(),
    /** File journal only: file system calls (tests inject faults through it). */
    fs: z.custom<JournalFs>((v) => isObject(v) && typeof v['fdatasync'] === 'function', 'must be a JournalFs').optional(),
    /** A PostgreSQL journal: connection, journal name, schema (see `PostgresJournalConfigSchema`). */
    postgres: PostgresJournalConfigSchema.optional(),
    /**
     * Journal every market event before the pipeline sees it (default true), so the session can be
     * re-simulated from the journal. The node does not wait for these records to be durable.
     */
    recordMarketData: z.boolean().default(true),
    /** Write a snapshot of the node's state after this many records (default 10,000), and on stop; start-up replays only the records after the latest. */
    snapshotEvery: z.number().int().positive().default(10_000),
  })
  .superRefine((j, ctx) => {
    if ((j.dir === undefined) === (j.postgres === undefined)) {
      ctx.addIssue({ code: 'custom', path: [j.dir === undefined ? 'dir' : 'postgres'], message: 'give exactly one of dir (a file journal) and postgres (a PostgreSQL journal)' });
    }
    if (j.postgres !== undefined) {
      for (const key of ['fsync', 'fs'] as const) if (j[key] !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: 'applies to a file journal (dir), not to postgres' });
      if (j.postgres.readOnly) ctx.addIssue({ code: 'custom', path: ['postgres', 'readOnly'], message: 'must be false: the node writes its journal' });
    }
  })
  .transform((j) => (j.postgres === undefined ? { ...j, fsync: j.fsync ?? ('always' as const) } : j));
/**
 * The live node's `journal` setting, as given.
 *
 * @example
 * ```ts
 * const journal: NodeJournalConfig = { postgres: { connectionString: process.env.RXTRADE_JOURNAL_URL!, name: 'node-1' } };
 * ```
 */
export type NodeJournalConfig = z.input<typeof NodeJournalConfigSchema>;

/**
 * Opens the journal a parsed node `journal` setting names: a `FileJournal` or a {@link PostgresJournal}.
 *
 * @example
 * ```ts
 * const journal = await openNodeJournal(parseWith(NodeJournalConfigSchema, { dir: 'var/journal' }, 'journal'));
 * ```
 */
export function openNodeJournal(c: z.output<typeof NodeJournalConfigSchema>): Promise<Journal> {
  if (c.postgres !== undefined) return PostgresJournal.open(c.postgres);
  return FileJournal.open({ dir: c.dir!, ...(c.fsync !== undefined ? { fsync: c.fsync } : {}), ...(c.fs !== undefined ? { fs: c.fs } : {}) });
}

/** How the node names its journal in messages: the directory, or the PostgreSQL journal's name. @example `nodeJournalName(c.journal) // 'var/journal'` */
export function nodeJournalName(c: z.output<typeof NodeJournalConfigSchema>): string {
  return c.postgres !== undefined ? `"${c.postgres.name}" (PostgreSQL)` : c.dir!;
}

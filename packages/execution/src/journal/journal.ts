/**
 * What the live node and the replay of a session need of a journal, whatever stores it: `FileJournal`
 * (a directory of segment files, the default) or a database-backed journal such as the PostgreSQL one
 * in `@rxtrade/connectors`. Every implementation gives the same guarantees: records numbered 1, 2, 3, …
 * without gaps in the order of the appends, a durable append resolves only once its record is stored
 * durably, replay returns exactly what was stored (a gap or a record that does not decode is a
 * `JournalCorruptionError`, never skipped), snapshots never get ahead of the records, and one writer at
 * a time.
 */
import type { JournalEntry, JournalRecord } from './journal-codec';
import type { JournalSnapshot } from './file-journal';

/**
 * A journal the live node writes and rebuilds from: append-only records, snapshots that bound the
 * replay, one writer at a time.
 *
 * @example
 * ```ts
 * import * as fs from 'node:fs';
 * import * as os from 'node:os';
 * import * as path from 'node:path';
 * import { FileJournal, type Journal, type JournalRecord } from '@rxtrade/execution';
 *
 * async function rebuild(journal: Journal, apply: (r: JournalRecord) => void): Promise<number> {
 *   const snapshot = await journal.latestSnapshot();
 *   for await (const record of journal.replay(snapshot === undefined ? undefined : snapshot.seq + 1)) apply(record);
 *   return journal.lastSeq;
 * }
 *
 * const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'journal-'));
 * const journal: Journal = await FileJournal.open({ dir });
 * await journal.append({ ts: 1, kind: 'marker', payload: { type: 'NodeStarted', nodeId: 'n1' } });
 * console.log(await rebuild(journal, (r) => console.log(r.seq, r.kind))); // 1 marker, then 1
 * await journal.close();
 * fs.rmSync(dir, { recursive: true });
 * ```
 */
export interface Journal {
  /** Sequence number of the last record appended (handed out; with a pending append, it may not be stored yet). */
  readonly lastSeq: number;
  /**
   * Appends a record and resolves with its sequence number once it is stored durably; with
   * `{ durable: false }` once it is stored in its place without waiting for durability of its own (it
   * becomes durable with the next durable append). After a failed write every append fails.
   */
  append(entry: JournalEntry, options?: { readonly durable?: boolean }): Promise<number>;
  /** The records from `fromSeq` (default: the first stored) up to the last one stored when the call was made, in order, read with bounded memory. */
  replay(fromSeq?: number): AsyncIterable<JournalRecord>;
  /** The newest snapshot, checked, or undefined when there is none. */
  latestSnapshot(): Promise<JournalSnapshot | undefined>;
  /** Stores `state` (as JSON) as the state after record `seq`, atomically, once every record up to `seq` is durable. */
  writeSnapshot(seq: number, state: unknown): Promise<void>;
  /** Waits for pending appends, then releases the journal (and its writer's lock). Calling it again does nothing. */
  close(): Promise<void>;
}

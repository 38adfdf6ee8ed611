/**
 * The file-system calls the journal makes, as an interface so that tests can count fsyncs or stop a
 * write halfway. {@link nodeJournalFs} is the real one (Node's `fs` on file descriptors).
 */
import * as fs from 'node:fs';

/**
 * File-system operations of a journal. Every method mirrors the Node `fs` call of the same name.
 *
 * @example
 * ```ts
 * let syncs = 0;
 * const counting: JournalFs = { ...nodeJournalFs, fdatasync: (fd) => (syncs++, nodeJournalFs.fdatasync(fd)) };
 * ```
 */
export interface JournalFs {
  open(path: string, flags: string): Promise<number>;
  close(fd: number): Promise<void>;
  read(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): Promise<number>;
  write(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): Promise<number>;
  /** Flushes data and metadata (used for directories and new files). */
  fsync(fd: number): Promise<void>;
  /** Flushes data and the metadata needed to read it back, such as the file size (used per append). */
  fdatasync(fd: number): Promise<void>;
  ftruncate(fd: number, length: number): Promise<void>;
  fileSize(fd: number): Promise<number>;
  readdir(path: string): Promise<string[]>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  mkdir(path: string): Promise<void>;
}

function cb<T>(run: (done: (err: NodeJS.ErrnoException | null, value: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => run((err, value) => (err ? reject(err) : resolve(value))));
}

/**
 * The journal's file system on Node's `fs`.
 *
 * @example
 * ```ts
 * const journal = await FileJournal.open({ dir, fs: nodeJournalFs });
 * ```
 */
export const nodeJournalFs: JournalFs = Object.freeze({
  open: (path: string, flags: string) => cb<number>((d) => fs.open(path, flags, 0o644, d)),
  close: (fd: number) => cb<void>((d) => fs.close(fd, (e) => d(e, undefined))),
  read: (fd: number, buffer: Uint8Array, offset: number, length: number, position: number) => cb<number>((d) => fs.read(fd, buffer, offset, length, position, (e, n) => d(e, n))),
  write: (fd: number, buffer: Uint8Array, offset: number, length: number, position: number) => cb<number>((d) => fs.write(fd, buffer, offset, length, position, (e, n) => d(e, n))),
  fsync: (fd: number) => cb<void>((d) => fs.fsync(fd, (e) => d(e, undefined))),
  fdatasync: (fd: number) => cb<void>((d) => fs.fdatasync(fd, (e) => d(e, undefined))),
  ftruncate: (fd: number, length: number) => cb<void>((d) => fs.ftruncate(fd, length, (e) => d(e, undefined))),
  fileSize: (fd: number) => cb<number>((d) => fs.fstat(fd, (e, s) => d(e, s?.size ?? 0))),
  readdir: (path: string) => cb<string[]>((d) => fs.readdir(path, d)),
  rename: (from: string, to: string) => cb<void>((d) => fs.rename(from, to, (e) => d(e, undefined))),
  unlink: (path: string) => cb<void>((d) => fs.unlink(path, (e) => d(e, undefined))),
  mkdir: (path: string) => cb<void>((d) => fs.mkdir(path, { recursive: true }, (e) => d(e, undefined))),
});

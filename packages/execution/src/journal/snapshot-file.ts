/**
 * Snapshot files: `snap-<seq, 20 digits>.rxs`, written atomically (a temporary file is written and
 * fsynced, renamed into place, and the directory fsynced), so a reader sees either the previous
 * snapshot or the complete new one. Layout (little-endian):
 *
 *   0  8  magic "RXSNAPSH"
 *   8  4  format version (1)
 *  12  8  sequence number of the last record the snapshot includes
 *  20  4  body length
 *  24  4  CRC-32 of the body
 *  28  4  CRC-32 of bytes 0..27
 *  32  n  body: UTF-8 JSON of the state
 */
import * as path from 'node:path';
import { crc32 } from './crc32';
import { FORMAT_VERSION } from './frame';
import type { JournalFs } from './journal-fs';
import { JournalCorruptionError } from './journal-errors';

export const SNAPSHOT_MAGIC = 'RXSNAPSH';
export const SNAPSHOT_HEADER_BYTES = 32;
const MAGIC_BYTES = new TextEncoder().encode(SNAPSHOT_MAGIC);
const SNAPSHOT_NAME = /^snap-(\d{20})\.rxs$/;
export const SNAPSHOT_TEMP_SUFFIX = '.tmp';

/** The file name of the snapshot at `seq`. */
export function snapshotName(seq: number): string {
  return `snap-${String(seq).padStart(20, '0')}.rxs`;
}

/** The sequence number in a snapshot file name, or undefined for other files. */
export function snapshotSeqOf(name: string): number | undefined {
  const m = SNAPSHOT_NAME.exec(name);
  return m ? Number(m[1]) : undefined;
}

/** Encodes a snapshot file. */
export function encodeSnapshot(seq: number, body: Uint8Array): Buffer {
  const b = Buffer.alloc(SNAPSHOT_HEADER_BYTES + body.length);
  b.set(MAGIC_BYTES, 0);
  b.writeUInt32LE(FORMAT_VERSION, 8);
  b.writeBigUInt64LE(BigInt(seq), 12);
  b.writeUInt32LE(body.length, 20);
  b.writeUInt32LE(crc32(body), 24);
  b.writeUInt32LE(crc32(b, 0, 28), 28);
  b.set(body, SNAPSHOT_HEADER_BYTES);
  return b;
}

/** Writes `bytes` to `file` atomically: temp file, fsync, rename, fsync of the directory. */
export async function writeFileAtomically(fs: JournalFs, dir: string, name: string, bytes: Uint8Array): Promise<void> {
  const final = path.join(dir, name);
  const temp = final + SNAPSHOT_TEMP_SUFFIX;
  const fd = await fs.open(temp, 'w');
  try {
    let done = 0;
    while (done < bytes.length) done += await fs.write(fd, bytes, done, bytes.length - done, done);
    await fs.fsync(fd);
  } finally {
    await fs.close(fd);
  }
  await fs.rename(temp, final);
  await fsyncDir(fs, dir);
}

/** Makes a directory's entries (created, renamed, deleted files) durable. */
export async function fsyncDir(fs: JournalFs, dir: string): Promise<void> {
  // Windows cannot open a directory as a file; NTFS journals its directory entries itself.
  if (process.platform === 'win32') return;
  const fd = await fs.open(dir, 'r');
  try {
    await fs.fsync(fd);
  } finally {
    await fs.close(fd);
  }
}

/** Reads and checks the snapshot file `file`, expected to hold `seq`. */
export async function readSnapshotFile(fs: JournalFs, file: string, seq: number): Promise<{ seq: number; state: unknown }> {
  const fd = await fs.open(file, 'r');
  try {
    const size = await fs.fileSize(fd);
    const bytes = Buffer.alloc(size);
    let got = 0;
    while (got < size) {
      const n = await fs.read(fd, bytes, got, size - got, got);
      if (n === 0) break;
      got += n;
    }
    if (got < SNAPSHOT_HEADER_BYTES) throw new JournalCorruptionError(file, 0, `snapshot is ${got} bytes, shorter than its header`);
    if (!MAGIC_BYTES.every((m, i) => bytes[i] === m)) throw new JournalCorruptionError(file, 0, `bad magic (expected "${SNAPSHOT_MAGIC}")`);
    if (bytes.readUInt32LE(28) !== crc32(bytes, 0, 28)) throw new JournalCorruptionError(file, 0, 'snapshot header checksum mismatch');
    const version = bytes.readUInt32LE(8);
    if (version !== FORMAT_VERSION) throw new JournalCorruptionError(file, 8, `unsupported format version ${version}`);
    const headerSeq = Number(bytes.readBigUInt64LE(12));
    if (headerSeq !== seq) throw new JournalCorruptionError(file, 12, `header says seq ${headerSeq}, file name says ${seq}`);
    const length = bytes.readUInt32LE(20);
    if (SNAPSHOT_HEADER_BYTES + length !== got) throw new JournalCorruptionError(file, SNAPSHOT_HEADER_BYTES, `body is ${got - SNAPSHOT_HEADER_BYTES} bytes, header says ${length}`);
    if (crc32(bytes, SNAPSHOT_HEADER_BYTES, got) !== bytes.readUInt32LE(24)) throw new JournalCorruptionError(file, SNAPSHOT_HEADER_BYTES, 'snapshot body checksum mismatch');
    return { seq, state: JSON.parse(bytes.toString('utf8', SNAPSHOT_HEADER_BYTES, got)) as unknown };
  } finally {
    await fs.close(fd);
  }
}

/**
 * Reads the frames of one segment file in order through a bounded buffer, so that reading a journal
 * needs memory for one chunk (or one record, when a record is larger), never for a whole file.
 */
import type { JournalFs } from './journal-fs';
import { FRAME_HEADER_BYTES, isValidFrameAt, readFrameHeader } from './frame';
import { crc32 } from './crc32';

/** What {@link SegmentReader.next} found at the current offset. */
export type SegmentItem =
  | { readonly type: 'frame'; readonly offset: number; readonly seq: number; readonly body: Buffer }
  | { readonly type: 'end'; readonly offset: number }
  | { readonly type: 'bad'; readonly offset: number; readonly reason: string };

const CHUNK_BYTES = 1 << 20;

/** Sequential frame reader over `[start, end)` of an open file. */
export class SegmentReader {
  private buf = Buffer.alloc(CHUNK_BYTES);
  /** File offset of buf[0]. */
  private bufStart: number;
  private bufLen = 0;
  private pos: number;

  constructor(
    private readonly fs: JournalFs,
    private readonly fd: number,
    start: number,
    private readonly end: number,
    private readonly maxBodyBytes: number,
  ) {
    this.bufStart = start;
    this.pos = start;
  }

  /** Makes `n` bytes from the current position available in the buffer; false when the range ends first. */
  private async ensure(n: number): Promise<boolean> {
    if (this.pos + n > this.end) return false;
    if (this.pos + n <= this.bufStart + this.bufLen) return true;
    const keepFrom = this.pos - this.bufStart;
    const kept = this.bufLen - keepFrom;
    if (n > this.buf.length) {
      const bigger = Buffer.alloc(Math.max(n, this.buf.length * 2));
      this.buf.copy(bigger, 0, keepFrom, this.bufLen);
      this.buf = bigger;
    } else {
      this.buf.copy(this.buf, 0, keepFrom, this.bufLen);
    }
    this.bufStart = this.pos;
    this.bufLen = kept;
    while (this.bufLen < n) {
      const want = Math.min(this.buf.length - this.bufLen, this.end - (this.bufStart + this.bufLen));
      const got = await this.fs.read(this.fd, this.buf, this.bufLen, want, this.bufStart + this.bufLen);
      if (got === 0) return false; // the file is shorter than the range: the caller's size was stale
      this.bufLen += got;
    }
    return true;
  }

  /** The next frame, the end of the range, or the first problem (which stops the reader). */
  async next(): Promise<SegmentItem> {
    const offset = this.pos;
    if (offset === this.end) return { type: 'end', offset };
    if (!(await this.ensure(FRAME_HEADER_BYTES))) return { type: 'bad', offset, reason: `incomplete frame header (${this.end - offset} bytes before the end of the file)` };
    const at = offset - this.bufStart;
    const h = readFrameHeader(this.buf, at);
    if (!h.valid) return { type: 'bad', offset, reason: 'frame header checksum mismatch' };
    if (h.bodyLength > this.maxBodyBytes) return { type: 'bad', offset, reason: `frame length ${h.bodyLength} exceeds the record limit ${this.maxBodyBytes}` };
    const total = FRAME_HEADER_BYTES + h.bodyLength;
    if (!(await this.ensure(total))) return { type: 'bad', offset, reason: `incomplete frame (${total} bytes, ${this.end - offset} before the end of the file)` };
    const bodyAt = offset - this.bufStart + FRAME_HEADER_BYTES;
    if (crc32(this.buf, bodyAt, bodyAt + h.bodyLength) !== h.bodyCrc) return { type: 'bad', offset, reason: 'frame body checksum mismatch' };
    this.pos = offset + total;
    return { type: 'frame', offset, seq: h.seq, body: Buffer.from(this.buf.subarray(bodyAt, bodyAt + h.bodyLength)) };
  }
}

/**
 * True when a complete, valid frame starts anywhere in `(from, end)`: the damage at `from` is then
 * followed by good data, so it is corruption, not a write that a crash cut short. Reads the rest of the
 * file (bounded by the segment size).
 */
export async function validFrameAfter(fs: JournalFs, fd: number, from: number, end: number, maxBodyBytes: number): Promise<boolean> {
  const length = end - from - 1;
  if (length < FRAME_HEADER_BYTES) return false;
  const rest = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const n = await fs.read(fd, rest, got, length - got, from + 1 + got);
    if (n === 0) break;
    got += n;
  }
  const view = rest.subarray(0, got);
  for (let i = 0; i + FRAME_HEADER_BYTES <= view.length; i++) if (isValidFrameAt(view, i, maxBodyBytes)) return true;
  return false;
}

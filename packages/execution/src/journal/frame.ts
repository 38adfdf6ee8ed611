/**
 * The byte layout of journal segments (all integers little-endian):
 *
 * Segment header, 24 bytes:
 *   0  8  magic "RXJOURNL"
 *   8  4  format version (1)
 *  12  8  sequence number of the segment's first record
 *  20  4  CRC-32 of bytes 0..19
 *
 * Frame, 20 bytes + body:
 *   0  4  body length in bytes
 *   4  8  sequence number
 *  12  4  CRC-32 of bytes 0..11 (protects the length: a damaged length is never followed blindly)
 *  16  4  CRC-32 of the body
 *  20  n  body: UTF-8 JSON of { ts, kind, payload }
 */
import { crc32 } from './crc32';

export const SEGMENT_MAGIC = 'RXJOURNL';
export const FORMAT_VERSION = 1;
export const SEGMENT_HEADER_BYTES = 24;
export const FRAME_HEADER_BYTES = 20;

const MAGIC_BYTES = new TextEncoder().encode(SEGMENT_MAGIC);

/** Encodes a segment header for a segment whose first record is `firstSeq`. */
export function encodeSegmentHeader(firstSeq: number): Buffer {
  const b = Buffer.alloc(SEGMENT_HEADER_BYTES);
  b.set(MAGIC_BYTES, 0);
  b.writeUInt32LE(FORMAT_VERSION, 8);
  b.writeBigUInt64LE(BigInt(firstSeq), 12);
  b.writeUInt32LE(crc32(b, 0, 20), 20);
  return b;
}

/** Decodes a segment header: its first sequence number, or why it is invalid. */
export function decodeSegmentHeader(b: Uint8Array): { firstSeq: number } | { problem: string } {
  if (b.length < SEGMENT_HEADER_BYTES) return { problem: `segment header is ${b.length} bytes, expected ${SEGMENT_HEADER_BYTES}` };
  const buf = Buffer.from(b.buffer, b.byteOffset, SEGMENT_HEADER_BYTES);
  if (!MAGIC_BYTES.every((m, i) => buf[i] === m)) return { problem: `bad magic (expected "${SEGMENT_MAGIC}")` };
  if (buf.readUInt32LE(20) !== crc32(buf, 0, 20)) return { problem: 'segment header checksum mismatch' };
  const version = buf.readUInt32LE(8);
  if (version !== FORMAT_VERSION) return { problem: `unsupported format version ${version} (this build reads version ${FORMAT_VERSION})` };
  return { firstSeq: Number(buf.readBigUInt64LE(12)) };
}

/**
 * Writes one frame in place: `json` encoded as UTF-8 at `at + FRAME_HEADER_BYTES` (`bodyBytes` long,
 * `Buffer.byteLength(json)`), then the header before it. The same bytes as {@link encodeFrame}, without a
 * buffer of its own.
 */
export function writeFrame(b: Buffer, at: number, seq: number, json: string, bodyBytes: number): number {
  const body = at + FRAME_HEADER_BYTES;
  b.write(json, body, bodyBytes, 'utf8');
  b.writeUInt32LE(bodyBytes, at);
  // The 64-bit sequence number as two 32-bit halves (little-endian), without a BigInt per frame.
  b.writeUInt32LE(seq % 2 ** 32, at + 4);
  b.writeUInt32LE(Math.floor(seq / 2 ** 32), at + 8);
  b.writeUInt32LE(crc32(b, at, at + 12), at + 12);
  b.writeUInt32LE(crc32(b, body, body + bodyBytes), at + 16);
  return FRAME_HEADER_BYTES + bodyBytes;
}

/** Encodes one frame around `body`. */
export function encodeFrame(seq: number, body: Uint8Array): Buffer {
  const b = Buffer.allocUnsafe(FRAME_HEADER_BYTES + body.length);
  b.writeUInt32LE(body.length, 0);
  b.writeBigUInt64LE(BigInt(seq), 4);
  b.writeUInt32LE(crc32(b, 0, 12), 12);
  b.writeUInt32LE(crc32(body), 16);
  b.set(body, FRAME_HEADER_BYTES);
  return b;
}

/** A frame header read from bytes; `valid` is false when its checksum fails. */
export interface FrameHeader {
  readonly bodyLength: number;
  readonly seq: number;
  readonly bodyCrc: number;
  readonly valid: boolean;
}

/** Reads the frame header at `at` (the caller guarantees FRAME_HEADER_BYTES are there). */
export function readFrameHeader(b: Buffer, at: number): FrameHeader {
  return {
    bodyLength: b.readUInt32LE(at),
    seq: Number(b.readBigUInt64LE(at + 4)),
    bodyCrc: b.readUInt32LE(at + 16),
    valid: b.readUInt32LE(at + 12) === crc32(b, at, at + 12),
  };
}

/** True when a complete, checksummed frame starts at `at` in `b` (used to tell a torn tail from corruption). */
export function isValidFrameAt(b: Buffer, at: number, maxBodyBytes: number): boolean {
  if (at + FRAME_HEADER_BYTES > b.length) return false;
  const h = readFrameHeader(b, at);
  if (!h.valid || h.bodyLength > maxBodyBytes) return false;
  const end = at + FRAME_HEADER_BYTES + h.bodyLength;
  return end <= b.length && crc32(b, at + FRAME_HEADER_BYTES, end) === h.bodyCrc;
}

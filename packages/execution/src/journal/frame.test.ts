import { describe, expect, it } from 'vitest';
import { encodeFrame, FRAME_HEADER_BYTES, readFrameHeader, writeFrame } from './frame';

describe('writeFrame', () => {
  it.each([1, 2 ** 32 - 1, 2 ** 32 + 7, Number.MAX_SAFE_INTEGER])('writes the bytes encodeFrame encodes (seq %d), in place', (seq) => {
    const json = JSON.stringify({ ts: 1, kind: 'marker', payload: { type: 'NodeStarted', nodeId: 'nœud-€' } });
    const body = new TextEncoder().encode(json);
    const b = Buffer.alloc(7 + FRAME_HEADER_BYTES + body.length + 5, 0xaa);
    const n = writeFrame(b, 7, seq, json, Buffer.byteLength(json));
    expect(n).toBe(FRAME_HEADER_BYTES + body.length);
    expect(b.subarray(7, 7 + n).equals(encodeFrame(seq, body))).toBe(true);
    // Nothing outside the frame is touched.
    expect([...b.subarray(0, 7), ...b.subarray(7 + n)].every((x) => x === 0xaa)).toBe(true);
    expect(readFrameHeader(b, 7)).toMatchObject({ valid: true, bodyLength: body.length, seq });
  });
});

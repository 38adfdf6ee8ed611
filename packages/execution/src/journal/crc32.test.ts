import * as zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32, crc32Portable } from './crc32';

describe('crc32', () => {
  it('gives the CRC-32/ISO-HDLC check value for "123456789"', () => {
    const check = new TextEncoder().encode('123456789');
    expect(crc32Portable(check)).toBe(0xcbf43926);
    expect(crc32(check)).toBe(0xcbf43926);
    expect(crc32Portable(new Uint8Array(0))).toBe(0);
  });

  it('matches zlib on random buffers and sub-ranges', () => {
    const native = (zlib as { crc32?: (d: Uint8Array) => number }).crc32;
    let seed = 12345;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 0xff;
    for (let n = 0; n < 200; n++) {
      const b = Uint8Array.from({ length: n * 7 + 1 }, rand);
      const start = n % 5;
      const end = Math.max(start, b.length - (n % 3));
      expect(crc32(b, start, end)).toBe(crc32Portable(b, start, end));
      if (native) expect(crc32Portable(b)).toBe(native(b) >>> 0);
    }
  });
});

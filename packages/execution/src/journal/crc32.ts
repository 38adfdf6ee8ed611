/**
 * CRC-32 (ISO-HDLC, the polynomial of zlib, gzip and PNG: reflected 0xEDB88320, initial value and final
 * XOR 0xFFFFFFFF; check value of "123456789" is 0xCBF43926). Node's native `zlib.crc32` computes the
 * same function and is used when present (Node 20.15 and later); the table version below is the
 * fallback, and the tests hold the two against each other and the check value.
 */
import * as zlib from 'node:zlib';

const TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 of `bytes[start, end)` by table lookup, one byte at a time. */
export function crc32Portable(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const native = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

/** CRC-32 of `bytes[start, end)`, natively where Node offers it. */
export function crc32(bytes: Uint8Array, start = 0, end = bytes.length): number {
  if (native === undefined) return crc32Portable(bytes, start, end);
  return native(start === 0 && end === bytes.length ? bytes : bytes.subarray(start, end)) >>> 0;
}

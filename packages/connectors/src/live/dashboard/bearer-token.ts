/**
 * Bearer token checks for the kill switch. Both sides are hashed with SHA-256 before
 * `crypto.timingSafeEqual`, so the comparison takes the same time whatever the length or content of the
 * guess (comparing raw buffers would leak the token's length, and `===` its matching prefix).
 */
import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/** Holds a token's digest and tells whether an `Authorization` header carries it. */
export class BearerToken {
  readonly #digest: Buffer;

  constructor(token: string) {
    this.#digest = digest(token);
  }

  /** Whether `authorization` is `Bearer <the token>` (the scheme case-insensitive, as RFC 6750 allows). */
  matches(authorization: string | undefined): boolean {
    const m = /^Bearer +(\S+) *$/i.exec(authorization ?? '');
    // Hash even a missing credential, so a request without one takes as long as a wrong one.
    return timingSafeEqual(digest(m?.[1] ?? ''), this.#digest) && m !== null;
  }

  /** Keeps the token out of `console.log`, `util.inspect` and `JSON.stringify`. */
  toJSON(): string {
    return '[redacted]';
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return 'BearerToken [redacted]';
  }
}

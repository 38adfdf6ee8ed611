import { describe, expect, it } from 'vitest';
import { FailedAttempts } from './failed-attempts';

describe('FailedAttempts', () => {
  it('locks an address after max failures within the window, until the oldest of them leaves it', () => {
    let now = 1_000;
    const attempts = new FailedAttempts(3, 60_000, () => now);
    attempts.fail('a');
    now += 10_000;
    attempts.fail('a');
    expect(attempts.retryAfterMs('a')).toBe(0);
    now += 10_000;
    attempts.fail('a'); // failures at 1,000, 11,000 and 21,000
    expect(attempts.retryAfterMs('a')).toBe(40_000); // the first leaves the window at 61,000
    expect(attempts.retryAfterMs('b')).toBe(0);
    now = 61_000;
    expect(attempts.retryAfterMs('a')).toBe(0);
    attempts.fail('a'); // 11,000, 21,000 and 61,000
    expect(attempts.retryAfterMs('a')).toBe(10_000);
  });

  it('forgets addresses whose failures left the window, and tracks at most maxAddresses', () => {
    let now = 0;
    const attempts = new FailedAttempts(2, 1_000, () => now, 100);
    for (let i = 0; i < 500; i++) attempts.fail(`10.0.${i >> 8}.${i & 255}`);
    expect(attempts.size).toBe(100);
    // The most recent addresses are the ones kept.
    attempts.fail('10.0.1.243');
    expect(attempts.retryAfterMs('10.0.1.243')).toBe(1_000);
    now = 2_000;
    expect(attempts.retryAfterMs('10.0.1.243')).toBe(0);
    expect(attempts.size).toBe(99);
  });
});

import { describe, expect, it } from 'vitest';
import { backoffDelay, seededRandom } from './backoff';

describe('backoffDelay', () => {
  const policy = { initialDelayMs: 100, maxDelayMs: 1000, multiplier: 2, jitter: 0 };

  it('doubles from the first wait up to the cap', () => {
    expect([0, 1, 2, 3, 4, 5, 10].map((n) => backoffDelay(n, policy, 0.99))).toEqual([100, 200, 400, 800, 1000, 1000, 1000]);
  });

  it('takes at most the jitter fraction off, at random', () => {
    const jittered = { ...policy, jitter: 0.5 };
    expect(backoffDelay(0, jittered, 0)).toBe(100);
    expect(backoffDelay(0, jittered, 0.5)).toBe(75);
    expect(backoffDelay(2, jittered, 0.999)).toBe(200); // 400 × (1 − 0.4995) = 200.2
    expect(backoffDelay(9, { ...policy, jitter: 1 }, 0.25)).toBe(750);
  });
});

describe('seededRandom', () => {
  it('draws the mulberry32 sequence', () => {
    // Reference: the same generator written in Python (32-bit arithmetic masked by hand).
    const r42 = seededRandom(42);
    expect([r42(), r42(), r42(), r42(), r42()]).toEqual([0.6011037519201636, 0.44829055899754167, 0.8524657934904099, 0.6697340414393693, 0.17481389874592423]);
    const r7 = seededRandom(7);
    expect([r7(), r7(), r7(), r7()]).toEqual([0.011704753153026104, 0.06195825757458806, 0.97690763277933, 0.6990287057124078]);
  });

  it('stays in [0, 1)', () => {
    const r = seededRandom(-5);
    for (let i = 0; i < 10_000; i++) {
      const x = r();
      expect(x >= 0 && x < 1).toBe(true);
    }
  });
});

import { ValidationError } from '@rxtrade/core';
import { describe, expect, it } from 'vitest';
import { participationCap } from './participation';

describe('participationCap', () => {
  it('returns the largest lot multiple at most maxParticipation x volume', () => {
    // 10% of 12345 = 1234.5 -> 123 lots of 10 = 1230.
    expect(participationCap(12_345, 0.1, 10)).toBe(1230);
    // 20% of 7.5 = 1.5 -> 1500 lots of 0.001 = 1.5.
    expect(participationCap(7.5, 0.2, 0.001)).toBe(1.5);
    // 100% of 999 = 999 -> 9 lots of 100 = 900.
    expect(participationCap(999, 1, 100)).toBe(900);
  });

  it('counts exact lots despite binary rounding', () => {
    // 30% of 1 = 0.3 = 3 lots of 0.1 (0.3 / 0.1 is 2.9999999999999996 in binary).
    expect(participationCap(1, 0.3, 0.1)).toBe(0.3);
  });

  it('returns 0 when not one lot fits or the bar has no volume', () => {
    expect(participationCap(50, 0.01, 1)).toBe(0);
    expect(participationCap(0, 0.5, 1)).toBe(0);
  });

  it('refuses a participation outside (0, 1], naming the argument', () => {
    expect(() => participationCap(100, 0, 1)).toThrow(ValidationError);
    expect(() => participationCap(100, 1.5, 1)).toThrow(/maxParticipation: must be in \(0, 1\], got 1.5/);
    expect(() => participationCap(100, Number.NaN, 1)).toThrow(/maxParticipation/);
    expect(() => participationCap(100, 0.5, 0)).toThrow(/lotSize/);
    expect(() => participationCap(-1, 0.5, 1)).toThrow(/volume/);
  });
});

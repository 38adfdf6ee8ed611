import { Decimal } from '@rxtrade/core';
import { describe, expect, it } from 'vitest';
import { isUnitMultiplier } from './unit-multiplier';

describe('isUnitMultiplier', () => {
  it('is true for 1 written any way, false for any other value, and the same on every call', () => {
    const cases: [Decimal, boolean][] = [
      [new Decimal(1), true],
      [new Decimal('1.000'), true],
      [new Decimal('0.1').mul(10), true],
      [new Decimal(10), false],
      [new Decimal('0.01'), false],
      [new Decimal('1.0000000001'), false],
      [new Decimal(-1), false],
    ];
    for (const [d, want] of cases) for (let i = 0; i < 3; i++) expect(isUnitMultiplier(d)).toBe(want);
  });
});

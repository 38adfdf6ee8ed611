import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RollingExtreme } from './rolling-extreme';

/** Brute force: extreme of the last `period` values and how many pushes ago its latest occurrence was. */
function bruteForce(values: readonly number[], period: number, kind: 'max' | 'min'): { value: number; age: number } {
  const window = values.slice(-period);
  const value = kind === 'max' ? Math.max(...window) : Math.min(...window);
  return { value, age: window.length - 1 - window.lastIndexOf(value) };
}

describe('RollingExtreme', () => {
  it.each(['max', 'min'] as const)('tracks the rolling %s and the age of its latest occurrence, through pushes and undos', (kind) => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        // Small integers so that ties are common; each step pushes, and sometimes undoes and pushes again.
        fc.array(fc.record({ x: fc.integer({ min: 0, max: 6 }), revise: fc.option(fc.integer({ min: 0, max: 6 }), { nil: undefined }) }), { minLength: 1, maxLength: 60 }),
        (period, steps) => {
          const ext = new RollingExtreme(period, kind);
          const values: number[] = [];
          for (const { x, revise } of steps) {
            ext.push(x);
            values.push(x);
            expect({ value: ext.value, age: ext.age }).toEqual(bruteForce(values, period, kind));
            if (revise !== undefined) {
              ext.undo();
              if (values.length > 1) expect({ value: ext.value, age: ext.age }).toEqual(bruteForce(values.slice(0, -1), period, kind));
              ext.push(revise);
              values[values.length - 1] = revise;
              expect({ value: ext.value, age: ext.age }).toEqual(bruteForce(values, period, kind));
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('forgets everything on reset', () => {
    const max = new RollingExtreme(3, 'max');
    [9, 8, 7].forEach((x) => max.push(x));
    max.reset();
    max.push(1);
    expect(max.value).toBe(1);
    expect(max.age).toBe(0);
  });
});

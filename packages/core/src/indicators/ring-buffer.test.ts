import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RingBuffer } from './ring-buffer';

describe('RingBuffer', () => {
  it('holds the last `capacity` values, returns what falls out and undoes its latest push', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.record({ x: fc.double({ noNaN: true, min: -1e6, max: 1e6 }), undo: fc.boolean() }), { maxLength: 40 }),
        (capacity, steps) => {
          const ring = new RingBuffer(capacity);
          const values: number[] = [];
          for (const { x, undo } of steps) {
            const dropped = ring.push(x);
            values.push(x);
            expect(dropped).toBe(values.length > capacity ? values[values.length - 1 - capacity] : 0);
            if (undo) {
              ring.undo();
              values.pop();
            }
            const window = values.slice(-capacity);
            expect(ring.size).toBe(window.length);
            expect(ring.isFull).toBe(window.length === capacity);
            for (let k = 0; k < window.length; k++) expect(ring.ago(k)).toBe(window[window.length - 1 - k]);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

import { describe, expect, it } from 'vitest';
import { recordFactory } from './record-factory';

describe('recordFactory', () => {
  it('builds objects with the keys in order for every key count, the written-out ones and the loop', () => {
    for (let n = 1; n <= 11; n++) {
      const keys = Array.from({ length: n }, (_, i) => `k${i}`);
      const values = keys.map((_, i) => i * 10);
      const make = recordFactory(keys);
      const out = make(values);
      expect(Object.keys(out)).toEqual(keys);
      expect(Object.values(out)).toEqual(values);
      expect(make(values)).not.toBe(out); // a fresh object per call
    }
  });
});

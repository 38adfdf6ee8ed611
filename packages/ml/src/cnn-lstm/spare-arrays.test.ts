import { describe, expect, it } from 'vitest';
import { giveBack, takeArray } from './spare-arrays';

describe('takeArray and giveBack', () => {
  it('hand out an array given back, by length, and new arrays otherwise', () => {
    const a = takeArray(1237);
    expect(a).toBeInstanceOf(Float32Array);
    expect(a.length).toBe(1237);
    a[5] = 42;
    giveBack([a]);
    expect(takeArray(1238)).not.toBe(a);
    const again = takeArray(1237);
    expect(again).toBe(a);
    expect(again[5]).toBe(42); // stale values: users overwrite them
    expect(takeArray(1237)).not.toBe(a);
  });

  it('keep at most eight arrays of one length', () => {
    const arrays = Array.from({ length: 10 }, () => new Float32Array(1239));
    giveBack(arrays);
    const taken = new Set(Array.from({ length: 10 }, () => takeArray(1239)));
    expect(arrays.filter((x) => taken.has(x))).toHaveLength(8);
  });
});

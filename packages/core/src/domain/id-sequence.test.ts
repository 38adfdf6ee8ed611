import { describe, expect, it } from 'vitest';
import { IdSequence } from './id-sequence';

describe('IdSequence', () => {
  it('gives the ids a template of the prefix and the counter gives, across every carry up to a million', () => {
    const ids = new IdSequence('sma-');
    for (let n = 1; n <= 1_000_000; n++) {
      const id = ids.next();
      if (id !== `sma-${n}`) expect(id).toBe(`sma-${n}`);
    }
    expect(ids.count).toBe(1_000_000);
  });

  it('takes any prefix, an empty one included, and starts at 1', () => {
    const bare = new IdSequence('');
    expect(bare.count).toBe(0);
    expect([bare.next(), bare.next()]).toEqual(['1', '2']);
    const long = new IdSequence('a-rather-long-strategy-name-');
    for (let n = 1; n < 12; n++) long.next();
    expect(long.next()).toBe('a-rather-long-strategy-name-12');
    expect(long.prefix).toBe('a-rather-long-strategy-name-');
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IdTable } from './id-table';

type Op = { readonly kind: 'set' | 'delete' | 'get'; readonly id: string };

/** Ids mostly of one counter form (in order, with gaps, repeated, out of order), some of other forms. */
const idArb = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 0, max: 3000 }).map((n) => `s-${n}`) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 50 }).map((n) => `other-${n}`) },
  { weight: 1, arbitrary: fc.constantFrom('s-01', 's-', 's', '-1', 's-1x', 's--1', 'S-1', 'x', 's-1234567890123456', '') },
);

/**
 * A run the fast path can keep: increasing counters with gaps, deletions of old and new entries.
 * `sliding`: nearly every deletion takes the oldest entry, as orders that close in turn do, so that
 * the table drops its empty front again and again.
 */
function increasingOps(rng: () => number, count: number, sliding = false): Op[] {
  const ops: Op[] = [];
  let n = 1;
  const live: number[] = [];
  for (let k = 0; k < count; k++) {
    const r = rng();
    if (r < 0.5) {
      n += rng() < 0.9 ? 1 : 1 + Math.floor(rng() * 40);
      live.push(n);
      ops.push({ kind: 'set', id: `run-${n}` });
    } else if (r < (sliding ? 0.95 : 0.8) && live.length > 0) {
      const at = rng() < (sliding ? 0.98 : 0.7) ? 0 : Math.floor(rng() * live.length);
      ops.push({ kind: 'delete', id: `run-${live.splice(at, 1)[0]!}` });
    } else if (r < 0.9 && live.length > 0) {
      ops.push({ kind: 'set', id: `run-${live[Math.floor(rng() * live.length)]!}` });
    } else {
      ops.push({ kind: 'get', id: `run-${Math.floor(rng() * (n + 2))}` });
    }
  }
  return ops;
}

/** Applies the ops to a table and to a Map, comparing every answer and the whole content after each. */
function replay(ops: readonly Op[]): void {
  const table = new IdTable<number>();
  const map = new Map<string, number>();
  // expect() is called on a difference only: hundreds of thousands of steps stay fast.
  const same = (actual: unknown, expected: unknown, what: string): void => {
    if (actual !== expected) expect(actual, what).toBe(expected);
  };
  ops.forEach((op, k) => {
    if (op.kind === 'set') {
      table.set(op.id, k);
      map.set(op.id, k);
    } else if (op.kind === 'delete') {
      same(table.delete(op.id), map.delete(op.id), `delete ${op.id} at ${k}`);
    }
    same(table.get(op.id), map.get(op.id), `get ${op.id} at ${k}`);
    same(table.has(op.id), map.has(op.id), `has ${op.id} at ${k}`);
    same(table.size, map.size, `size at ${k}`);
  });
  expect([...table.values()]).toEqual([...map.values()]);
}

describe('IdTable', () => {
  it('answers as a Map does, values in insertion order included, for any ids and operations', () => {
    const opArb = fc.record({ kind: fc.constantFrom<Op['kind']>('set', 'set', 'delete', 'get'), id: idArb });
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 120 }), (ops) => {
        replay(ops);
      }),
      { numRuns: 400 },
    );
  });

  it('answers as a Map does when several tables take turns on the same ids, each with its own prefix or none yet', () => {
    // The tables share the parse of the last id read: one table's read must not change another's answer.
    const tablesArb = fc.array(fc.record({ table: fc.integer({ min: 0, max: 2 }), kind: fc.constantFrom<Op['kind']>('set', 'set', 'delete', 'get'), id: idArb }), { maxLength: 150 });
    fc.assert(
      fc.property(tablesArb, (ops) => {
        const tables = [new IdTable<number>(), new IdTable<number>(), new IdTable<number>()];
        const maps = [new Map<string, number>(), new Map<string, number>(), new Map<string, number>()];
        ops.forEach((op, k) => {
          const table = tables[op.table]!;
          const map = maps[op.table]!;
          if (op.kind === 'set') {
            table.set(op.id, k);
            map.set(op.id, k);
          } else if (op.kind === 'delete') expect(table.delete(op.id)).toBe(map.delete(op.id));
          for (let t = 0; t < 3; t++) expect(tables[t]!.get(op.id)).toBe(maps[t]!.get(op.id));
        });
        for (let t = 0; t < 3; t++) expect([...tables[t]!.values()]).toEqual([...maps[t]!.values()]);
      }),
      { numRuns: 300 },
    );
  });

  it('answers as a Map does on long runs of counter ids with gaps, replacements and deletions', () => {
    fc.assert(
      // Uniform draws in [0, 1), at most three an operation: fast-check's doubles are spread over their
      // bit patterns (mostly tiny values) and its integers biased towards the ends, either of which
      // would make nearly every draw a set.
      fc.property(fc.noBias(fc.array(fc.integer({ min: 0, max: 2 ** 30 - 1 }), { minLength: 27_000, maxLength: 27_000 })), (draws) => {
        let k = 0;
        const rng = (): number => draws[k++]! / 2 ** 30;
        replay(increasingOps(rng, 3000));
        replay(increasingOps(rng, 6000, true));
      }),
      // Shrinking thousands of generated draws would take longer than reading the first failure.
      { numRuns: 20, endOnFailure: true },
    );
  });

  it('keeps values in insertion order when an out-of-order id moves it to a map', () => {
    const table = new IdTable<string>();
    for (const id of ['b-1', 'b-2', 'b-5', 'b-3', 'b-6', 'x', 'b-4']) table.set(id, id);
    expect([...table.values()]).toEqual(['b-1', 'b-2', 'b-5', 'b-3', 'b-6', 'x', 'b-4']);
    expect(table.get('b-5')).toBe('b-5');
    expect(table.get('b-7')).toBeUndefined();
  });

  it('holds memory in proportion to its live entries when one old entry stays among many deleted ones', () => {
    const table = new IdTable<number>();
    table.set('k-1', 1);
    for (let n = 2; n < 100_000; n++) {
      table.set(`k-${n}`, n);
      table.delete(`k-${n}`);
    }
    expect(table.size).toBe(1);
    expect(table.get('k-1')).toBe(1);
    // The dense part was given up for a map once it was mostly empty: a Map of one entry.
    const dense = (table as unknown as { dense: unknown[] }).dense;
    expect(dense.length).toBeLessThanOrEqual(4096 + 1);
    expect([...table.values()]).toEqual([1]);
  });

  it('does not grow when every entry is deleted soon after it is added', () => {
    const table = new IdTable<number>();
    for (let n = 1; n < 100_000; n++) {
      table.set(`k-${n}`, n);
      if (n > 3) table.delete(`k-${n - 3}`);
    }
    expect(table.size).toBe(3);
    expect((table as unknown as { dense: unknown[]; map: unknown }).map).toBeUndefined();
    expect((table as unknown as { dense: unknown[] }).dense.length).toBeLessThanOrEqual(2 * 1024 + 8);
    expect([...table.values()]).toEqual([99_997, 99_998, 99_999]);
  });

  it('answers for the id it read last as for any other: another prefix, a repeated lookup, a lookup before the first id', () => {
    const table = new IdTable<number>();
    expect(table.get('a-1')).toBeUndefined(); // read before the table has a prefix
    table.set('b-1', 1);
    expect(table.get('a-1')).toBeUndefined(); // the same digits under another prefix
    expect(table.get('a-1')).toBeUndefined();
    expect(table.get('b-1')).toBe(1);
    expect(table.get('b-1')).toBe(1);
    table.set('b-2', 2);
    expect(table.get('b-2')).toBe(2);
    expect(table.delete('b-2')).toBe(true);
    expect(table.get('b-2')).toBeUndefined();
    expect(table.has('b-2')).toBe(false);
    table.set('b-2', 3);
    expect(table.get('b-2')).toBe(3);
    table.set('a-1', 4); // another prefix: the table becomes a map
    expect(table.get('a-1')).toBe(4);
    expect(table.get('b-1')).toBe(1);
    expect([...table.values()]).toEqual([1, 3, 4]);
  });
});

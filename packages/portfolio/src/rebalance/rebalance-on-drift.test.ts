import { ValidationError, type InstrumentId } from '@rxtrade/core';
import { from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { rebalanceOnDrift } from './rebalance-on-drift';
import type { TargetWeights } from './target-weights';

const A = 'A.X' as InstrumentId;
const B = 'B.X' as InstrumentId;
const run = async (targets: TargetWeights[], current: Record<string, number>[], bands: { absolute?: number; relative?: number }): Promise<number[]> => {
  let i = 0;
  const out = await lastValueFrom(from(targets).pipe(rebalanceOnDrift({ ...bands, current: () => current[i++]! }), toArray()));
  return out.map((t) => t.ts);
};

describe('rebalanceOnDrift', () => {
  const policy = (ts: number): TargetWeights => ({ ts, weights: { [A]: 0.6, [B]: 0.4 } });

  it('passes a target only when a weight is outside the absolute band', async () => {
    const current = [{}, { [A]: 0.62, [B]: 0.38 }, { [A]: 0.66, [B]: 0.34 }, { [A]: 0.55, [B]: 0.45 }];
    expect(await run([0, 1, 2, 3].map(policy), current, { absolute: 0.05 })).toEqual([0, 2]); // 0: empty portfolio; 2: 6 points off
  });

  it('uses a band relative to the target, and either band triggers under the 5/25 rule', async () => {
    const t = (ts: number): TargetWeights => ({ ts, weights: { [A]: 0.9, [B]: 0.1 } });
    const current = [{ [A]: 0.88, [B]: 0.12 }, { [A]: 0.87, [B]: 0.13 }, { [A]: 0.84, [B]: 0.16 }];
    expect(await run([0, 1, 2].map(t), current, { relative: 0.25 })).toEqual([1, 2]); // B: 0.03 > 0.025
    expect(await run([0, 1, 2].map(t), current.slice(), { absolute: 0.05, relative: 0.5 })).toEqual([2]);
  });

  it('counts a holding missing from the target as drift from zero', async () => {
    expect(await run([policy(0)], [{ [A]: 0.6, [B]: 0.3, ['C.X']: 0.1 }], { absolute: 0.05 })).toEqual([0]);
  });

  it('requires at least one band, naming the field', () => {
    try {
      rebalanceOnDrift({ current: () => ({}) });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).field).toBe('rebalanceOnDrift.absolute');
    }
  });
});

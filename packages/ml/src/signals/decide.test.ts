import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { BacktestClock, instrumentId, WorkTracker, type InstrumentId } from '@rxtrade/core';
import { decide, type DecideConfig, type Decision, type MemberFailure } from './decide';
import type { Direction, Signal } from './signal';

const X = instrumentId('X.SIM');
interface Input { readonly instrumentId: InstrumentId; readonly ts: number; readonly price: number }
const vote = (model: string, direction: Direction, confidence: number, extra: Partial<Signal> = {}) => (input: Input): Signal => ({ instrumentId: input.instrumentId, ts: input.ts, direction, confidence, model, version: 'v1', ...extra });

/** Runs decide on inputs outside a runner: a subject, a work tracker and a virtual clock. */
async function run(config: Omit<DecideConfig<Input>, 'clock' | 'work'>, inputs: Input[], clock = new BacktestClock(0), between?: () => void): Promise<Decision[]> {
  const work = new WorkTracker();
  const subject = new Subject<Input>();
  const out: Decision[] = [];
  subject.pipe(decide({ ...config, clock, work })).subscribe((d) => out.push(d));
  for (const input of inputs) {
    subject.next(input);
    between?.();
    await work.whenIdle();
  }
  subject.complete();
  return out;
}

const input = (ts: number, price = 100): Input => ({ instrumentId: X, ts, price });

describe('decide', () => {
  it('combines votes as the confidence-weighted mean of directions, and applies the threshold', async () => {
    const members = [
      { name: 'a', signal: vote('a', 'long', 0.8, { target: 120, stop: 90, sizeHint: 0.5 }) },
      { name: 'b', signal: vote('b', 'short', 0.4) },
      { name: 'c', signal: async (i: Input) => vote('c', 'flat', 0.9)(i) },
      { name: 'quiet', signal: () => undefined }, // abstains: no vote, no weight
    ];
    const [d] = await run({ members }, [input(1)]);
    // (0.8 - 0.4 + 0) / 3
    expect(d!.direction).toBe('long');
    expect(d!.confidence).toBeCloseTo(0.4 / 3, 15);
    expect(d).toMatchObject({ instrumentId: X, ts: 1, model: 'decide', version: 'a@v1 b@v1 c@v1', target: 120, stop: 90, sizeHint: 0.5, failures: [] });
    expect(d!.votes.map((v) => [v.model, v.direction, v.weight])).toEqual([['a', 'long', 1], ['b', 'short', 1], ['c', 'flat', 1]]);
    expect(await run({ members, threshold: 0.2 }, [input(1)])).toEqual([]);
    const [flat] = await run({ members, threshold: 0.2, belowThreshold: 'flat', name: 'ensemble' }, [input(1)]);
    expect(flat).toMatchObject({ direction: 'flat', model: 'ensemble' });
    expect(flat!.confidence).toBeCloseTo(0.4 / 3, 15);
    expect(flat!.target).toBeUndefined();
  });

  it('lets the fallback vote in place of a member that fails', async () => {
    const failures: MemberFailure[] = [];
    const [d] = await run(
      {
        members: [{ name: 'deep', signal: () => Promise.reject(new Error('session closed')) }, { name: 'trees', signal: vote('trees', 'long', 0.6) }],
        fallback: { name: 'sma', signal: vote('sma', 'short', 0.3) },
        onFailure: (f) => failures.push(f),
      },
      [input(1)],
    );
    expect(d!.confidence).toBeCloseTo(0.15, 15); // (0.6 - 0.3) / 2
    expect(d!.votes.map((v) => [v.model, v.fallback])).toEqual([['trees', false], ['sma', true]]);
    expect(d!.failures.map((f) => [f.model, f.reason, (f.error as Error).message])).toEqual([['deep', 'error', 'session closed']]);
    expect(failures.map((f) => f.model)).toEqual(['deep']);
    // Without failures the fallback is not asked.
    let asked = 0;
    await run({ members: [{ name: 'trees', signal: vote('trees', 'long', 0.6) }], fallback: { name: 'sma', signal: (i) => (asked++, vote('sma', 'short', 0.3)(i)) } }, [input(1)]);
    expect(asked).toBe(0);
  });

  it('gives up on a member after timeoutMs on the clock and uses the fallback', async () => {
    const clock = new BacktestClock(1_000);
    const never = new Promise<Signal>(() => {});
    const decisions = await run(
      { members: [{ name: 'remote', signal: () => never }], fallback: { name: 'sma', signal: vote('sma', 'long', 0.5) }, timeoutMs: 250 },
      [input(1)],
      clock,
      () => {
        // The stage is waiting on the remote model: time passes.
        queueMicrotask(() => clock.advanceTo(1_249));
        setImmediate(() => clock.advanceTo(1_250));
      },
    );
    expect(decisions).toHaveLength(1);
    expect(decisions[0]!.failures).toEqual([{ model: 'remote', reason: 'timeout' }]);
    expect(decisions[0]!.votes.map((v) => v.model)).toEqual(['sma']);
  });

  it('weights members by their recent accuracy, (hits + 1) / (calls + 2), resolved horizon inputs later', async () => {
    // Prices rise every step: the member that always says long is always right, the other always wrong.
    const inputs = Array.from({ length: 8 }, (_, k) => input(k, 100 + k));
    const decisions = await run(
      {
        members: [{ name: 'bull', signal: vote('bull', 'long', 0.5) }, { name: 'bear', signal: vote('bear', 'short', 0.5) }],
        accuracy: { price: (i) => i.price, horizon: 1, window: 5 },
      },
      inputs,
    );
    // At input k, min(k, 5) calls of each have resolved: weights (n + 1) / (n + 2) and 1 / (n + 2).
    expect(decisions.map((d) => d.ts)).toEqual([1, 2, 3, 4, 5, 6, 7]); // at k = 0 the weights are equal: balanced, no decision
    decisions.forEach((d) => {
      const n = Math.min(d.ts, 5);
      const [wBull, wBear] = [(n + 1) / (n + 2), 1 / (n + 2)];
      expect(d.votes.map((v) => v.weight)).toEqual([wBull, wBear]);
      expect(d.direction).toBe('long');
      expect(d.confidence).toBeCloseTo((0.5 * (wBull - wBear)) / (wBull + wBear), 15);
    });
  });

  it('refuses bad configuration, naming the field', () => {
    const clock = new BacktestClock(0);
    const work = new WorkTracker();
    const m = { name: 'a', signal: vote('a', 'long', 1) };
    expect(() => decide({ members: [], clock, work })).toThrow(/decide\.members/);
    expect(() => decide({ members: [m, m], clock, work })).toThrow(/member names must be distinct/);
    expect(() => decide({ members: [m], clock, work, threshhold: 0.2 } as never)).toThrow(/decide\.threshhold: unknown option; did you mean "threshold"\?/);
    expect(() => decide({ members: [m], clock: {} as never, work })).toThrow(/decide\.clock: must be a Clock/);
  });
});

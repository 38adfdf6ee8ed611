import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors';
import { LogReturns } from '../features/log-returns';
import { Returns } from '../features/returns';
import { Momentum } from './momentum';
import { Roc } from './roc';

describe('LaggedChange indicators', () => {
  it('compare the newest input with the one period inputs back, from input period + 1', () => {
    const inputs = [100, 110, 99, 121];
    expect(inputs.map(((m) => (x: number) => m.update(x))(new Momentum(2)))).toEqual([undefined, undefined, -1, 11]);
    expect(inputs.map(((r) => (x: number) => r.update(x))(new Roc(1)))).toEqual([undefined, (110 / 100 - 1) * 100, (99 / 110 - 1) * 100, (121 / 99 - 1) * 100]);
    expect(inputs.map(((r) => (x: number) => r.update(x))(new Returns(3)))).toEqual([undefined, undefined, undefined, 121 / 100 - 1]);
  });

  it('leave their state unchanged when the formula refuses an input, in update and in replace', () => {
    const r = new Returns(1);
    r.update(0);
    expect(() => r.update(5)).toThrow(ValidationError);
    expect(() => r.update(5)).toThrow(/Returns\(1\) input: the base value is 0/);
    r.replace(2); // the base is now 2
    expect(r.update(3)).toBe(0.5);
    expect(() => r.replace(Number.NaN)).toThrow(/must be a finite number/);
    expect(r.value).toBe(0.5);
    const z = new Returns(1);
    z.update(4);
    z.update(0);
    // Revising the 0 is fine; a following update over a 0 base throws and keeps the ring as it was.
    expect(() => z.update(1)).toThrow(ValidationError);
    expect(z.replace(8)).toBe(1);
  });

  it('LogReturns names a non-positive input and keeps its state', () => {
    const l = new LogReturns(1);
    l.update(100);
    expect(() => l.update(-1)).toThrow(/LogReturns\(1\) input: must be a finite positive number, got -1/);
    expect(l.update(110)).toBe(Math.log(1.1));
  });
});

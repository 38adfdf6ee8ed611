import { describe, expect, it } from 'vitest';
import { BacktestClock } from '@rxtrade/core';
import { Progress } from './progress';

const sink = (isTTY: boolean) => {
  const out: string[] = [];
  return { out, isTTY, columns: 100, write: (t: string) => out.push(t) };
};

describe('Progress', () => {
  it('writes a plain line at each tenth of the work when the sink is not a terminal', () => {
    const s = sink(false);
    const p = new Progress({ label: 'sweep', total: 20, sink: s, clock: new BacktestClock(0) });
    for (let i = 0; i < 20; i++) p.tick();
    p.done();
    expect(s.out).toHaveLength(10);
    expect(s.out[0]).toBe('sweep: 2/20\n');
    expect(s.out[9]).toBe('sweep: 20/20\n');
  });

  it('redraws one line in place on a terminal, with the rate and the time left', () => {
    const s = sink(true);
    const clock = new BacktestClock(0);
    const p = new Progress({ label: 'sweep', total: 10, sink: s, clock });
    clock.advanceTo(2000);
    p.tick(4);
    expect(p.line()).toMatch(/^sweep █+░+ 4\/10  40%  2\.0\/s  3s left$/);
    for (let i = 0; i < 6; i++) p.tick();
    p.done();
    expect(s.out.every((t) => t.startsWith('\r') || t === '\n')).toBe(true);
    expect(s.out[s.out.length - 2]).toMatch(/10\/10 100%/);
    expect(s.out[s.out.length - 1]).toBe('\n');
  });

  it('writes nothing when silent', () => {
    const s = sink(true);
    const p = new Progress({ label: 'x', total: 3, sink: s, clock: new BacktestClock(0), silent: true });
    p.tick(3);
    p.done();
    expect(s.out).toEqual([]);
  });
});

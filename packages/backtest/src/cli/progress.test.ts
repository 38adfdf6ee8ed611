import { stripVTControlCharacters } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Progress } from './progress';

const sink = (isTTY: boolean) => {
  const out: string[] = [];
  return { out, isTTY, columns: 100, write: (t: string) => out.push(t) };
};

/** What a terminal shows on the bar's line after every write so far (escape sequences removed). */
const lastLine = (out: readonly string[]): string => {
  const drawn = out.map((t) => stripVTControlCharacters(t)).filter((t) => t.trim() !== '');
  return drawn.at(-1) ?? '';
};

afterEach(() => {
  vi.useRealTimers();
});

describe('Progress', () => {
  it('writes a plain line at each tenth of the work when the sink is not a terminal', () => {
    const s = sink(false);
    const p = new Progress({ label: 'sweep', total: 20, sink: s });
    for (let i = 0; i < 20; i++) p.tick();
    p.done();
    expect(s.out).toHaveLength(10);
    expect(s.out[0]).toBe('sweep: 2/20\n');
    expect(s.out[9]).toBe('sweep: 20/20\n');
  });

  it('draws one line in place on a terminal, with the rate, the elapsed time and the time left', () => {
    vi.useFakeTimers({ now: 0 });
    const s = sink(true);
    const p = new Progress({ label: 'sweep', total: 10, sink: s });
    vi.advanceTimersByTime(2000);
    p.tick(4);
    // Drawn at the next frame (a tenth of a second later): 4 done in 2.1 s is 1.9 a second; the time
    // left is estimated when the work is counted, 4 in 2 s, so the 6 left take 3 s.
    vi.advanceTimersByTime(100);
    expect(lastLine(s.out)).toMatch(/^sweep █{12}░{18} 4\/10 {2}40% {2}1\.9\/s {2}2s elapsed {2}3s left$/);
    expect(s.out.join('')).not.toContain('\n');
    p.done();
  });

  it('keeps redrawing while a slow task runs, so the elapsed time moves', () => {
    vi.useFakeTimers({ now: 0 });
    const s = sink(true);
    const p = new Progress({ label: 'walk-forward folds', total: 4, sink: s });
    vi.advanceTimersByTime(1000);
    p.tick();
    const writes = s.out.length;
    vi.advanceTimersByTime(30_000);
    expect(s.out.length).toBeGreaterThan(writes);
    expect(lastLine(s.out)).toMatch(/ 1\/4 {2}25% .* 31s elapsed/);
    p.done();
  });

  it('ends with the full count and a newline, and leaves no timer behind', () => {
    vi.useFakeTimers({ now: 0 });
    const s = sink(true);
    const p = new Progress({ label: 'sweep', total: 3, sink: s });
    for (let i = 0; i < 3; i++) {
      vi.advanceTimersByTime(500);
      p.tick();
    }
    p.done();
    expect(lastLine(s.out)).toMatch(/^sweep █+ 3\/3 100% {2}2\.0\/s {2}1s elapsed$/);
    expect(s.out.at(-1)).toBe('\n');
    expect(vi.getTimerCount()).toBe(0);
    const after = s.out.length;
    p.tick();
    p.done();
    expect(s.out).toHaveLength(after);
  });

  it('cuts the line to the width of the terminal', () => {
    vi.useFakeTimers({ now: 0 });
    const s = { ...sink(true), columns: 40 };
    const p = new Progress({ label: 'a rather long label for a narrow terminal', total: 5, sink: s });
    p.tick();
    for (const t of s.out) expect(stripVTControlCharacters(t).length).toBeLessThanOrEqual(40);
    p.done();
  });

  it('writes nothing when silent', () => {
    const s = sink(true);
    const p = new Progress({ label: 'x', total: 3, sink: s, silent: true });
    p.tick(3);
    p.done();
    expect(s.out).toEqual([]);
  });
});

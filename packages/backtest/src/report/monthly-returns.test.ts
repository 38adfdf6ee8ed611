import { describe, expect, it } from 'vitest';
import { monthlyReturns } from './monthly-returns';

const day = (y: number, m: number, d: number): number => Date.UTC(y, m, d);

describe('monthlyReturns', () => {
  it('measures each month from the previous month-end and the first month from the first point', () => {
    const ts = [day(2023, 11, 28), day(2023, 11, 29), day(2024, 0, 2), day(2024, 0, 31), day(2024, 2, 1)];
    const eq = [100, 105, 110, 126, 94.5];
    const { months, years } = monthlyReturns(ts, eq);
    expect(months.map((m) => [m.year, m.month])).toEqual([
      [2023, 11],
      [2024, 0],
      [2024, 2],
    ]);
    expect(months[0]!.value).toBeCloseTo(0.05, 12);
    expect(months[1]!.value).toBeCloseTo(126 / 105 - 1, 12);
    expect(months[2]!.value).toBeCloseTo(94.5 / 126 - 1, 12);
    expect(years).toHaveLength(2);
    expect(years[1]!.value).toBeCloseTo(94.5 / 105 - 1, 12);
  });

  it('compounds months to the whole-period return', () => {
    const ts: number[] = [];
    const eq: number[] = [];
    let e = 1000;
    for (let i = 0; i < 800; i++) {
      ts.push(day(2020, 0, 1) + i * 86_400_000);
      e *= 1 + Math.sin(i) * 0.01;
      eq.push(e);
    }
    const { months, years } = monthlyReturns(ts, eq);
    const compounded = months.reduce((w, m) => w * (1 + m.value), 1);
    expect(compounded).toBeCloseTo(eq[eq.length - 1]! / eq[0]!, 10);
    expect(years.reduce((w, y) => w * (1 + y.value), 1)).toBeCloseTo(compounded, 10);
  });

  it('returns nothing for an empty curve', () => {
    expect(monthlyReturns([], [])).toEqual({ months: [], years: [] });
  });
});

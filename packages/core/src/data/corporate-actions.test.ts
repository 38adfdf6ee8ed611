import { from, lastValueFrom, Subject, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors';
import { instrumentId } from '../domain/ids';
import type { Bar } from '../domain/market-data';
import { adjustBars, adjustBarsForward, type CorporateAction } from './corporate-actions';

const ID = instrumentId('XYZ.NYSE');
const day = (d: string) => Date.parse(`${d}T00:00:00Z`);
const bar = (d: string, close: number, volume = 1000, id = ID): Bar => ({ type: 'Bar', instrumentId: id, ts: day(d), open: close, high: close + 1, low: close - 1, close, volume });

// Hand-computed: a dividend of 2 goes ex on the 3rd (close before: 102), a 2-for-1 split on the 4th.
const BARS = [bar('2024-01-01', 100), bar('2024-01-02', 102), bar('2024-01-03', 99), bar('2024-01-04', 50, 2000), bar('2024-01-05', 51, 2000)];
const ACTIONS: CorporateAction[] = [
  { date: '2024-01-03', instrumentId: ID, dividend: 2 },
  { date: '2024-01-04', instrumentId: ID, split: 2 },
];

describe('adjustBars', () => {
  it('back-adjusts: bars before an ex-date x (1 - D / previous close), before a split x 1/ratio and volume x ratio; the last bar keeps its prices', () => {
    const out = adjustBars(BARS, ACTIONS);
    // Factors: dividend 1 - 2/102 = 100/102; split 1/2. Bars 1-2: 100/102 x 1/2 = 50/102; bar 3: 1/2; bars 4-5: 1.
    const closes = [100 * (50 / 102), 50, 49.5, 50, 51];
    out.forEach((b, i) => expect(b.close).toBeCloseTo(closes[i]!, 12));
    expect(out.map((b) => b.volume)).toEqual([2000, 2000, 2000, 2000, 2000]);
    expect(out[0]!.high).toBeCloseTo(101 * (50 / 102), 12);
    expect(out[4]).toEqual(BARS[4]);
    // The return across the dividend's ex-date is C / (C_before - D) - 1 = 99 / 100 - 1.
    expect(out[2]!.close / out[1]!.close - 1).toBeCloseTo(-0.01, 14);
  });

  it('forward-adjusts: the first bar keeps its prices, later bars are divided by the factors (backward / their product)', () => {
    const out = adjustBars(BARS, ACTIONS, { mode: 'forward' });
    const closes = [100, 102, 99 * 1.02, 50 * 2.04, 51 * 2.04];
    out.forEach((b, i) => expect(b.close).toBeCloseTo(closes[i]!, 12));
    expect(out.map((b) => b.volume)).toEqual([1000, 1000, 1000, 1000, 1000]);
    expect(out[0]).toEqual(BARS[0]);
  });

  it('puts a split and a dividend of one day together, the dividend per post-split share', () => {
    const out = adjustBars(BARS, [{ date: '2024-01-04', instrumentId: ID, split: 2, dividend: 1 }]);
    // Close before: 99 (pre-split), i.e. 49.5 a post-split share: factor (1/2) x (1 - 1/49.5).
    expect(out[2]!.close).toBeCloseTo(99 * 0.5 * (1 - 1 / 49.5), 12);
  });

  it('applies an action dated on a day without a bar from the next bar, and ignores actions outside the bars or of other instruments', () => {
    const weekend = adjustBars(BARS, [{ date: '2023-12-30', instrumentId: ID, split: 2 }, { date: '2024-01-02', instrumentId: 'ABC.NYSE', split: 10 }, { date: '2024-02-01', instrumentId: ID, dividend: 5 }]);
    expect(weekend).toEqual(BARS);
    const gap = [bar('2024-01-05', 100), bar('2024-01-08', 60)]; // a Friday and a Monday; the split goes ex on Saturday
    expect(adjustBars(gap, [{ date: '2024-01-06', instrumentId: ID, split: 2 }])[0]!.close).toBe(50);
  });

  it("reads a bar's date in the exchange's time zone", () => {
    // 2024-01-03T02:00Z is still the 2nd in New York: the ex-date of the 3rd starts at the next bar.
    const bars = [bar('2024-01-02', 100), { ...bar('2024-01-02', 100), ts: Date.parse('2024-01-03T02:00:00Z') }, bar('2024-01-04', 50)];
    const split: CorporateAction[] = [{ date: '2024-01-03', instrumentId: ID, split: 2 }];
    expect(adjustBars(bars, split, { timeZone: 'America/New_York' }).map((b) => b.close)).toEqual([50, 50, 50]);
    expect(adjustBars(bars, split).map((b) => b.close)).toEqual([50, 100, 50]);
  });

  it('streams forward adjustment with adjustBarsForward, bit for bit as adjustBars in forward mode', async () => {
    const streamed = await lastValueFrom(from(BARS).pipe(adjustBarsForward({ actions: ACTIONS }), toArray()));
    expect(streamed).toEqual(adjustBars(BARS, ACTIONS, { mode: 'forward' }));
  });

  it('validates the table and names the field', () => {
    const err = (actions: unknown) => {
      try {
        adjustBars(BARS, actions as CorporateAction[]);
      } catch (e) {
        expect(e).toBeInstanceOf(ValidationError);
        return (e as ValidationError).message;
      }
      return 'no error';
    };
    expect(err([{ date: '2024-02-30', instrumentId: ID, split: 2 }])).toMatch(/corporateActions\[0\]\.date: must be a calendar date/);
    expect(() => adjustBars([], [{ date: '2024-1-3', instrumentId: ID, split: 2 }])).toThrow(/corporateActions\[0\]\.date/); // checked without bars too
    expect(err([{ date: '2024-01-03', instrumentId: ID, split: 0 }])).toMatch(/corporateActions\[0\]\.split/);
    expect(err([{ date: '2024-01-03', instrumentId: ID, dividend: -1 }])).toMatch(/corporateActions\[0\]\.dividend/);
    expect(err([{ date: '2024-01-03', instrumentId: ID }])).toMatch(/corporateActions\[0\]\.split: give split, dividend or both/);
    expect(err([{ date: '2024-01-03', instrumentId: ID, split: 2, ratio: 2 }])).toMatch(/corporateActions\[0\]\.ratio: unknown option/);
    expect(err([ACTIONS[0], { ...ACTIONS[0] }])).toMatch(/corporateActions\[1\]\.date: XYZ\.NYSE already has an action on 2024-01-03 \(row 0\)/);
    expect(err([{ date: '2024-01-03', instrumentId: ID, dividend: 102 }])).toMatch(/corporateActions\[0\]\.dividend: 102 per share is not below the close before the ex-date \(102\)/);
  });

  it('checks the bars and the options, naming the field', () => {
    expect(() => adjustBars([BARS[1]!, BARS[0]!], ACTIONS)).toThrow(/bars\[1\]\.ts: bars must be in strictly increasing time order/);
    expect(() => adjustBars([BARS[0]!, bar('2024-01-02', 10, 1, instrumentId('ABC.NYSE'))], ACTIONS)).toThrow(/bars\[1\]\.instrumentId/);
    expect(() => adjustBars([{ ...BARS[0]!, close: Number.NaN }], ACTIONS)).toThrow(/bars\[0\]\.close/);
    expect(() => adjustBars(BARS, ACTIONS, { timeZone: 'Mars/Olympus' })).toThrow(/options\.timeZone: must be an IANA time zone/);
    expect(() => adjustBars(BARS, ACTIONS, { mode: 'backwards' as never })).toThrow(/options\.mode/);
    const errors: unknown[] = [];
    const input = new Subject<Bar>();
    input.pipe(adjustBarsForward({ actions: ACTIONS })).subscribe({ error: (e: unknown) => errors.push(e) });
    input.next(BARS[1]!);
    input.next(BARS[0]!);
    expect((errors[0] as ValidationError).field).toBe('bar[1].ts');
    expect(() => adjustBarsForward({ actions: ACTIONS, mode: 'forward' } as never)).toThrow(/adjustBarsForward\.mode: unknown option/);
  });
});

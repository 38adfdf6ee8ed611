import { from, lastValueFrom, share, Subject, toArray } from 'rxjs';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { StateError, ValidationError } from '../errors';
import type { Indicator } from '../indicators/indicator';
import { Sma } from '../indicators/sma';
import { instrumentId } from '../domain/ids';
import type { Bar } from '../domain/market-data';
import { bar, flat, sp500 } from './__fixtures__/bars';
import { withIndicators } from './with-indicators';

/** A bar-input indicator: the mean true range of the last `period` bars (enough to test bar feeds). */
class MeanRange implements Indicator<Bar, { mean: number; last: number }> {
  readonly warmup: number;
  private readonly ranges: number[] = [];
  value: { mean: number; last: number } | undefined;
  constructor(private readonly period: number) {
    this.warmup = period;
  }
  get isReady() {
    return this.value !== undefined;
  }
  update(b: Bar) {
    this.ranges.push(b.high - b.low);
    if (this.ranges.length > this.period) this.ranges.shift();
    return this.compute();
  }
  replace(b: Bar) {
    this.ranges[this.ranges.length - 1] = b.high - b.low;
    return this.compute();
  }
  reset() {
    this.ranges.length = 0;
    this.value = undefined;
  }
  private compute() {
    this.value = this.ranges.length < this.period ? undefined : { mean: this.ranges.reduce((a, b) => a + b, 0) / this.period, last: this.ranges.at(-1)! };
    return this.value;
  }
}

const run = <T>(bars: Bar[], op: (s: ReturnType<typeof from<Bar[]>>) => import('rxjs').Observable<T>) => lastValueFrom(op(from(bars)).pipe(toArray()));

describe('withIndicators', () => {
  it('attaches each indicator value to its bar, matching a naive mean over real S&P 500 closes', async () => {
    const bars = sp500().slice(0, 300);
    const out = await run(bars, (s) => s.pipe(withIndicators({ fast: new Sma(10), slow: new Sma(30) })));
    expect(out).toHaveLength(bars.length);
    for (let t = 0; t < bars.length; t++) {
      expect(out[t]!.bar).toBe(bars[t]); // wrapped, not copied
      const mean = (p: number) => (t + 1 < p ? undefined : bars.slice(t + 1 - p, t + 1).reduce((a, b) => a + b.close, 0) / p);
      const { fast, slow } = out[t]!.indicators;
      if (mean(10) === undefined) expect(fast).toBeUndefined();
      else expect(fast).toBeCloseTo(mean(10)!, 9);
      if (mean(30) === undefined) expect(slow).toBeUndefined();
      else expect(slow).toBeCloseTo(mean(30)!, 9);
    }
  });

  it('types each key by its indicator output type', () => {
    const op = withIndicators({ sma: new Sma(3), range: { indicator: new MeanRange(2), input: (b: Bar) => b } });
    type Out = typeof op extends import('rxjs').OperatorFunction<Bar, infer O> ? O : never;
    expectTypeOf<Out['indicators']['sma']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<Out['indicators']['range']>().toEqualTypeOf<{ mean: number; last: number } | undefined>();
    expectTypeOf<Out['bar']>().toEqualTypeOf<Bar>();
    // @ts-expect-error a bar-input indicator must say how it is fed: a bare entry gets the close
    withIndicators({ range: new MeanRange(2) });
    // @ts-expect-error a bar field feeds numbers, not the bar this indicator takes
    withIndicators({ range: { indicator: new MeanRange(2), input: 'high' } });
    // @ts-expect-error the input function must return what the indicator takes
    withIndicators({ sma: { indicator: new Sma(2), input: (b: Bar) => b } });
  });

  it('feeds a named bar field or the whole bar to an entry that says so', async () => {
    const bars = [bar(1, 10, 12, 9, 11, 100), bar(2, 11, 15, 10, 14, 300), bar(3, 14, 14, 8, 9, 200)];
    const out = await run(bars, (s) =>
      s.pipe(withIndicators({ highs: { indicator: new Sma(2), input: 'high' }, vol: { indicator: new Sma(1), input: 'volume' }, range: { indicator: new MeanRange(2), input: (b) => b } })),
    );
    expect(out.map((o) => o.indicators.highs)).toEqual([undefined, 13.5, 14.5]);
    expect(out.map((o) => o.indicators.vol)).toEqual([100, 300, 200]);
    expect(out.map((o) => o.indicators.range)).toEqual([undefined, { mean: 4, last: 5 }, { mean: 5.5, last: 6 }]);
  });

  it('revises the last input when a bar repeats the previous ts (a forming bar), instead of adding one', async () => {
    const bars = [flat(0, 1), flat(60, 2), flat(60, 4), flat(60, 6), flat(120, 9)];
    const out = await run(bars, (s) => s.pipe(withIndicators({ sma: new Sma(2) })));
    // (1+2)/2, then the ts-60 bar revised to 4 and to 6, then (6+9)/2.
    expect(out.map((o) => o.indicators.sma)).toEqual([undefined, 1.5, 2.5, 3.5, 7.5]);
  });

  it('errors with a ValidationError naming the field when a close is NaN', async () => {
    const bars = [flat(0, 1), bar(1, 1, 1, 1, Number.NaN)];
    const err = await run(bars, (s) => s.pipe(withIndicators({ sma: new Sma(2) }))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).field).toBe('bar.close');
    expect((err as ValidationError).message).toMatch(/withIndicators: bar\.close: must be a finite number, got NaN/);
  });

  it('errors naming the key when an input function returns a non-finite number', async () => {
    const err = await run([flat(0, 1)], (s) => s.pipe(withIndicators({ ratio: { indicator: new Sma(1), input: (b) => b.close / 0 } }))).catch((e: unknown) => e);
    expect((err as ValidationError).field).toBe('indicators.ratio.input');
  });

  it('rejects a bad spec with a ValidationError naming the key', () => {
    expect(() => withIndicators({})).toThrow(/needs at least one indicator/);
    expect(() => withIndicators({ bad: 42 as unknown as Sma })).toThrow(ValidationError);
    const sma = new Sma(2);
    expect(() => withIndicators({ a: sma, b: sma })).toThrow(/withIndicators\.b/);
  });

  it('errors on bars out of time order and on a second instrument in the stream', async () => {
    const back = await run([flat(5, 1), flat(4, 1)], (s) => s.pipe(withIndicators({ sma: new Sma(2) }))).catch((e: unknown) => e);
    expect((back as ValidationError).field).toBe('bar.ts');
    const other = await run([flat(5, 1), bar(6, 1, 1, 1, 1, 1, instrumentId('X'))], (s) => s.pipe(withIndicators({ sma: new Sma(2) }))).catch((e: unknown) => e);
    expect((other as ValidationError).field).toBe('bar.instrumentId');
  });

  it('refuses a second concurrent subscriber, whose indicators would be shared, but allows share()', () => {
    const input = new Subject<Bar>();
    const op = input.pipe(withIndicators({ sma: new Sma(1) }));
    const a: number[] = [];
    const sub = op.subscribe((v) => a.push(v.indicators.sma!));
    const errors: unknown[] = [];
    op.subscribe({ error: (e: unknown) => errors.push(e) });
    expect(errors[0]).toBeInstanceOf(StateError);
    input.next(flat(0, 3));
    expect(a).toEqual([3]);
    sub.unsubscribe();
    const shared = input.pipe(withIndicators({ sma: new Sma(1) }), share());
    const b: number[] = [];
    shared.subscribe((v) => b.push(v.indicators.sma!));
    shared.subscribe((v) => b.push(v.indicators.sma!));
    input.next(flat(1, 4));
    expect(b).toEqual([4, 4]);
  });
});

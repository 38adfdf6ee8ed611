/**
 * The contract every indicator keeps (see indicator.ts), checked for all of them on random bars:
 * - `replace(x)` after N updates equals a fresh indicator fed the first N - 1 inputs and then x, bit for
 *   bit, at every N through the warm-up and beyond, and again when the same bar is replaced twice;
 * - the first value appears exactly at input `warmup`, and `isReady` / `value` agree with `update`;
 * - a bad input (NaN, Infinity, high < low, negative volume) throws a `ValidationError` that names the
 *   indicator and the field, and leaves the state as it was: the next good input gives the value of an
 *   indicator that never saw the bad one;
 * - `reset()` gives back a fresh indicator;
 * - multi-output indicators give the same values, bit for bit, when written into a caller's object
 *   (`update(x, into)`, `replace(x, into)`), and a fresh value never changes once returned.
 * Prices are rounded to a 0.25 tick so that ties (equal closes, equal highs) occur.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors';
import {
  Adx,
  Aroon,
  Atr,
  BollingerBands,
  Cci,
  Dema,
  Donchian,
  Ema,
  GarmanKlass,
  Kama,
  Keltner,
  Macd,
  Mfi,
  Momentum,
  Natr,
  Obv,
  ParabolicSar,
  RealizedVolatility,
  Roc,
  Rsi,
  Sma,
  StdDev,
  Stochastic,
  StochasticRsi,
  Tema,
  TrueRange,
  VolumeRoc,
  Vwap,
  WilliamsR,
  Wma,
  ZScore,
  type Indicator,
} from './index';
import { periodConfigSchema } from './config';

interface TestBar {
  ts: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

type AnyIndicator = Indicator<TestBar, unknown>;

/** Adapts a close-only indicator to bars. */
const onClose = (make: () => Indicator<number, unknown>) => (): AnyIndicator => {
  const inner = make();
  return {
    get value() { return inner.value; },
    get isReady() { return inner.isReady; },
    warmup: inner.warmup,
    update: (bar: TestBar) => inner.update(bar.close),
    replace: (bar: TestBar) => inner.replace(bar.close),
    reset: () => inner.reset(),
  };
};

/** Which fields an indicator reads (bad values are only injected there). */
type Fields = readonly ('open' | 'high' | 'low' | 'close' | 'volume' | 'ts')[];
const C: Fields = ['close'];
const HL: Fields = ['high', 'low'];
const HLC: Fields = ['high', 'low', 'close'];

const INDICATORS: { name: string; label: string; make: () => AnyIndicator; fields: Fields }[] = [
  { name: 'Sma', label: 'Sma(5)', make: onClose(() => new Sma(5)), fields: C },
  { name: 'Ema', label: 'Ema(5)', make: onClose(() => new Ema(5)), fields: C },
  { name: 'Wma', label: 'Wma(5)', make: onClose(() => new Wma(5)), fields: C },
  { name: 'Dema', label: 'Dema(5)', make: onClose(() => new Dema(5)), fields: C },
  { name: 'Tema', label: 'Tema(4)', make: onClose(() => new Tema(4)), fields: C },
  { name: 'Kama', label: 'Kama(6)', make: onClose(() => new Kama(6)), fields: C },
  { name: 'Rsi', label: 'Rsi(5)', make: onClose(() => new Rsi(5)), fields: C },
  { name: 'Macd', label: 'Macd(3,6,4)', make: onClose(() => new Macd({ fast: 3, slow: 6, signal: 4 })), fields: C },
  { name: 'BollingerBands', label: 'BollingerBands(5,2)', make: onClose(() => new BollingerBands({ period: 5 })), fields: C },
  { name: 'Atr', label: 'Atr(5)', make: () => new Atr(5), fields: HLC },
  { name: 'Natr', label: 'Natr(5)', make: () => new Natr(5), fields: HLC },
  { name: 'TrueRange', label: 'TrueRange', make: () => new TrueRange(), fields: HLC },
  { name: 'Obv', label: 'Obv', make: () => new Obv(), fields: ['close', 'volume'] },
  { name: 'Stochastic', label: 'Stochastic(5,3,2)', make: () => new Stochastic({ kPeriod: 5, kSmoothing: 3, dPeriod: 2 }), fields: HLC },
  { name: 'StochasticRsi', label: 'StochasticRsi(4,3,2)', make: onClose(() => new StochasticRsi({ rsiPeriod: 4, kPeriod: 3, dPeriod: 2 })), fields: C },
  { name: 'Adx', label: 'Adx(4)', make: () => new Adx(4), fields: HLC },
  { name: 'Cci', label: 'Cci(5)', make: () => new Cci(5), fields: HLC },
  { name: 'Mfi', label: 'Mfi(5)', make: () => new Mfi(5), fields: ['high', 'low', 'close', 'volume'] },
  { name: 'WilliamsR', label: 'WilliamsR(5)', make: () => new WilliamsR(5), fields: HLC },
  { name: 'Roc', label: 'Roc(4)', make: onClose(() => new Roc(4)), fields: C },
  { name: 'Momentum', label: 'Momentum(4)', make: onClose(() => new Momentum(4)), fields: C },
  { name: 'Aroon', label: 'Aroon(5)', make: () => new Aroon(5), fields: HL },
  { name: 'ParabolicSar', label: 'ParabolicSar(0.02,0.2)', make: () => new ParabolicSar(), fields: HL },
  { name: 'Donchian', label: 'Donchian(5)', make: () => new Donchian(5), fields: HL },
  { name: 'Keltner', label: 'Keltner(5,2)', make: () => new Keltner({ period: 5 }), fields: HLC },
  { name: 'StdDev', label: 'StdDev(5)', make: onClose(() => new StdDev(5)), fields: C },
  { name: 'ZScore', label: 'ZScore(5)', make: onClose(() => new ZScore(5)), fields: C },
  { name: 'Vwap session', label: 'Vwap(session 3600000ms)', make: () => new Vwap({ mode: 'session', sessionMs: 3_600_000 }), fields: ['high', 'low', 'close', 'volume', 'ts'] },
  { name: 'Vwap rolling', label: 'Vwap(rolling 5)', make: () => new Vwap({ mode: 'rolling', period: 5 }), fields: ['high', 'low', 'close', 'volume'] },
  { name: 'VolumeRoc', label: 'VolumeRoc(3)', make: () => new VolumeRoc(3), fields: ['volume'] },
  { name: 'GarmanKlass', label: 'GarmanKlass(5)', make: () => new GarmanKlass({ period: 5 }), fields: ['open', 'high', 'low', 'close'] },
  { name: 'RealizedVolatility', label: 'RealizedVolatility(5)', make: onClose(() => new RealizedVolatility({ period: 5 })), fields: C },
];

/** Deterministic random bars: a random walk on a 0.25 tick, with 15-minute timestamps. */
function randomBars(seed: number, n: number): TestBar[] {
  let s = seed >>> 0 || 1;
  const rand = () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
  const tick = (x: number) => Math.max(0.25, Math.round(x * 4) / 4);
  const bars: TestBar[] = [];
  let price = 100;
  for (let i = 0; i < n; i++) {
    const open = tick(price);
    const close = tick(open + (rand() - 0.5) * 3);
    const high = tick(Math.max(open, close) + rand() * 1.5);
    const low = Math.max(0.25, tick(Math.min(open, close) - rand() * 1.5));
    const volume = rand() < 0.1 ? 0 : Math.round(rand() * 1000);
    bars.push({ ts: 1_700_000_000_000 + i * 900_000, open, high, low, close, volume });
    price = close;
  }
  return bars;
}

function feed(make: () => AnyIndicator, bars: readonly TestBar[]): AnyIndicator {
  const ind = make();
  for (const b of bars) ind.update(b);
  return ind;
}

describe.each(INDICATORS)('$name keeps the indicator contract', ({ make, fields, label }) => {
  it('replace equals a fresh indicator fed the revised input, at every length', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 }), fc.integer({ min: 0, max: 2 ** 31 }), (seed, seed2) => {
        const bars = randomBars(seed, 40);
        const revisions = randomBars(seed2, 40);
        const ind = make();
        for (let n = 1; n <= bars.length; n++) {
          ind.update(bars[n - 1]!);
          const x = { ...revisions[n - 1]!, ts: bars[n - 1]!.ts };
          const fresh = feed(make, [...bars.slice(0, n - 1), x]);
          expect(ind.replace(x)).toEqual(fresh.value);
          expect(ind.value).toEqual(fresh.value);
          expect(ind.isReady).toBe(fresh.isReady);
          // Replacing again (the candle keeps forming) and then with the original bar goes back exactly.
          ind.replace(bars[n - 1]!);
          expect(ind.value).toEqual(feed(make, bars.slice(0, n)).value);
        }
        // And the series continues as if no replace had happened.
        const more = randomBars(seed2 + 1, 5);
        const reference = feed(make, [...bars, ...more]);
        for (const b of more) ind.update(b);
        expect(ind.value).toEqual(reference.value);
      }),
      { numRuns: 8 },
    );
  });

  it('gives its first value exactly at input `warmup`', () => {
    const ind = make();
    const bars = randomBars(7, ind.warmup + 10);
    bars.forEach((bar, i) => {
      const out = ind.update(bar);
      expect(out === undefined).toBe(i + 1 < ind.warmup);
      expect(ind.isReady).toBe(i + 1 >= ind.warmup);
      expect(ind.value).toEqual(out);
    });
  });

  it('rejects a bad input with a ValidationError naming the field and keeps its state', () => {
    const bars = randomBars(11, 30);
    const bad: { bar: TestBar; field: string }[] = [];
    for (const field of fields) {
      for (const v of [NaN, Infinity, -Infinity]) bad.push({ bar: { ...bars[0]!, [field]: v }, field });
    }
    if (fields.includes('high') && fields.includes('low')) bad.push({ bar: { ...bars[0]!, high: 95, low: 96 }, field: 'high' });
    if (fields.includes('volume')) bad.push({ bar: { ...bars[0]!, volume: -5 }, field: 'volume' });
    for (const at of [0, 3, 25]) {
      for (const { bar, field } of bad) {
        const ind = feed(make, bars.slice(0, at));
        const before = ind.value;
        let error: unknown;
        try {
          ind.update(bar);
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(ValidationError);
        const message = (error as ValidationError).message;
        expect((error as ValidationError).code).toBe('VALIDATION');
        expect(message).toContain(`${label} input`);
        if (field === 'close' && fields.length === 1) expect(message).toMatch(/must be a finite number|must be > 0/);
        else expect(message).toContain(`.${field}`);
        expect(ind.value).toEqual(before);
        // replace with a bad bar is rejected too, and changes nothing.
        if (at > 0) expect(() => ind.replace(bar)).toThrow(ValidationError);
        // The next good input gives what an indicator that never saw the bad one gives.
        ind.update(bars[at]!);
        expect(ind.value).toEqual(feed(make, bars.slice(0, at + 1)).value);
      }
    }
  });

  it('reset forgets every input', () => {
    const bars = randomBars(5, 30);
    const ind = feed(make, bars);
    ind.reset();
    expect(ind.value).toBeUndefined();
    expect(ind.isReady).toBe(false);
    const other = randomBars(6, 30);
    for (const b of other) ind.update(b);
    expect(ind.value).toEqual(feed(make, other).value);
  });
});

/** The multi-output indicators, each with the input it takes from a bar. */
interface MultiOutput {
  readonly fields: readonly string[];
  readonly value: object | undefined;
  update(input: never, into?: object): object | undefined;
  replace(input: never, into?: object): object | undefined;
}
const MULTI: { name: string; make: () => MultiOutput; input: (bar: TestBar) => unknown }[] = [
  { name: 'Macd', make: () => new Macd({ fast: 3, slow: 6, signal: 4 }), input: (b) => b.close },
  { name: 'BollingerBands', make: () => new BollingerBands({ period: 5 }), input: (b) => b.close },
  { name: 'Stochastic', make: () => new Stochastic({ kPeriod: 5, kSmoothing: 3, dPeriod: 2 }), input: (b) => b },
  { name: 'StochasticRsi', make: () => new StochasticRsi({ rsiPeriod: 4, kPeriod: 3, dPeriod: 2 }), input: (b) => b.close },
  { name: 'Adx', make: () => new Adx(4), input: (b) => b },
  { name: 'Aroon', make: () => new Aroon(5), input: (b) => b },
  { name: 'Donchian', make: () => new Donchian(5), input: (b) => b },
  { name: 'Keltner', make: () => new Keltner({ period: 5 }), input: (b) => b },
];

describe.each(MULTI)('$name writes into a caller\'s object', ({ make, input }) => {
  it('with the same values as fresh objects, through warm-up and replace', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 }), fc.integer({ min: 0, max: 2 ** 31 }), (seed, seed2) => {
        const bars = randomBars(seed, 40);
        const revisions = randomBars(seed2, 40);
        const fresh = make();
        const reused = make();
        const into: Record<string, number> = {};
        for (const k of fresh.fields) into[k] = -1;
        const call = (ind: MultiOutput, method: 'update' | 'replace', bar: TestBar, out?: object) =>
          (ind[method] as (x: unknown, o?: object) => object | undefined)(input(bar), out);
        bars.forEach((bar, i) => {
          for (const [method, b] of [['update', bar], ['replace', { ...revisions[i]!, ts: bar.ts }]] as const) {
            const before = { ...into };
            const expected = call(fresh, method, b);
            const got = call(reused, method, b, into);
            if (expected === undefined) {
              expect(got).toBeUndefined();
              expect(into).toEqual(before); // left as it was while warming up
            } else {
              expect(got).toBe(into);
              expect({ ...into }).toEqual(expected);
              expect(reused.value).toEqual(expected);
              expect(reused.value).not.toBe(into);
            }
          }
        });
      }),
      { numRuns: 8 },
    );
  });

  it('never changes a fresh value once returned', () => {
    const bars = randomBars(3, 40);
    const ind = make();
    const kept: { value: object; copy: object }[] = [];
    for (const bar of bars) {
      const v = (ind.update as (x: unknown) => object | undefined)(input(bar));
      if (v !== undefined) kept.push({ value: v, copy: { ...v } });
      (ind.replace as (x: unknown) => object | undefined)(input({ ...bar, close: bar.low }));
    }
    expect(kept.length).toBeGreaterThan(10);
    for (const { value, copy } of kept) expect(value).toEqual(copy);
    expect(ind.value).not.toBe(ind.value);
  });
});

describe('error messages', () => {
  it('name the indicator, the field and the values', () => {
    const atr = new Atr(14);
    expect(() => atr.update({ high: 95, low: 96, close: 95.5 })).toThrow('Atr(14) input.high: 95 is below low 96');
    expect(() => new Obv().update({ close: 10, volume: -1 })).toThrow('Obv input.volume: must be >= 0, got -1');
    expect(() => new Sma(3).update(NaN)).toThrow('Sma(3) input: must be a finite number, got NaN');
  });

  it('do not reject finite values whose sum overflows', () => {
    const huge = { high: 1e308, low: 1e308, close: 1e308 };
    expect(() => new Atr(2).update(huge)).not.toThrow();
    expect(() => new Adx(2).update(huge)).not.toThrow();
  });

  it('reject bad settings with the field named', () => {
    expect(() => new Sma(0)).toThrow(/Sma\.period/);
    expect(() => new Rsi(1.5)).toThrow(/Rsi\.period/);
    expect(() => new Macd({ fast: 26, slow: 12 })).toThrow(/Macd\.fast: must be below slow/);
    expect(() => new ParabolicSar({ acceleration: 0.3, maximum: 0.2 })).toThrow(/ParabolicSar\.acceleration/);
    expect(() => new Vwap({ mode: 'rolling', period: 0 })).toThrow(/Vwap\.period/);
    expect(() => new BollingerBands({ period: 20, multiplier: -1 })).toThrow(/BollingerBands\.multiplier/);
  });

  it('share one compiled period schema per minimum, which still applies its own minimum', () => {
    // A sweep builds indicators by the thousand: a schema built per constructor call is compiled again
    // by zod on its first parse each time.
    expect(periodConfigSchema(2)).toBe(periodConfigSchema(2));
    expect(periodConfigSchema(1)).not.toBe(periodConfigSchema(2));
    expect(periodConfigSchema(1).safeParse({ period: 1 }).success).toBe(true);
    expect(periodConfigSchema(2).safeParse({ period: 1 }).success).toBe(false);
    expect(periodConfigSchema(2).safeParse({ period: 2, extra: 1 }).success).toBe(false);
  });
});

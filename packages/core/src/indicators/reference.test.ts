/**
 * Every indicator that TA-Lib or R's TTR defines, checked against them over the whole of two real
 * daily series (GOOG 2004-2008, 1047 bars; S&P 500 2000-2020, 5104 bars): the values must agree to
 * 1e-9 relative error at every bar after the warm-up, and be undefined exactly where the reference has
 * no value. The fixtures come from packages/core/scripts/generate-indicator-fixtures.mjs (TA-Lib C 0.6
 * via npm talib 2.0.5) and packages/core/scripts/generate-ttr-fixtures.R (R TTR 0.24.3).
 *
 * Known convention differences, and how the references are called so that they compare:
 * - TTR's `stoch()` is on a 0..1 scale and its `fastD` is the slow %K (`slowD` the slow %D); the
 *   generator scales it by 100. TTR's stoch() and RSI() give NaN on a zero range or an unchanged window
 *   where TA-Lib gives 0, so TTR checks them on the real series only.
 * - TTR's `MACD()` seeds the fast EMA with the mean of the first `fast` inputs; TA-Lib (and we) seed it
 *   with the mean of inputs slow - fast + 1 .. slow, so only TA-Lib is the reference for Macd.
 * - TTR's `volatility(calc = "close")` counts closes in `n`; RealizedVolatility counts returns, so
 *   RealizedVolatility({ period: 20 }) is compared with TTR's n = 21.
 * - TTR's `runSD` defaults to the sample deviation; StdDev and ZScore use the population deviation as
 *   TA-Lib does, so TTR is called with sample = FALSE.
 * - Donchian's bounds are checked against TTR's DonchianChannel and against TA-Lib's MAX/MIN.
 * - Session-anchored VWAP has no reference function: it is compared with cumulative sums per week
 *   computed in R (weeks starting Monday 00:00 UTC).
 */
import { describe, expect, it } from 'vitest';
import type { Bar } from '../domain/market-data';
import { loadBars, loadReference, type Dataset } from './__fixtures__/load';
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

const RELATIVE_TOLERANCE = 1e-9;

interface Case {
  /** Our indicator and how it is configured. */
  readonly name: string;
  readonly make: () => Indicator<Bar, unknown>;
  /** Reference column per output field (`value` for number-valued indicators). */
  readonly columns: Record<string, string>;
  readonly reference: 'talib' | 'ttr';
  /**
   * The field whose reference warm-up must match ours exactly (default: every field). Other fields may
   * have a shorter warm-up in the reference (TA-Lib's +DI starts before its ADX, TTR's Keltner middle
   * before its ATR, TTR's slow %K before its %D); they are compared wherever we give a value.
   */
  readonly primary?: string;
  /**
   * Values near zero make relative error ill-conditioned: the tolerance is 1e-9 x max(|ours|, |ref|,
   * floor). Only comparisons with TTR need it, where the two computations round differently:
   * - ZScore: z = (x - mean) / sd loses the digits of x - mean when x is within 1e-6 sd of the mean;
   *   floor 1, the scale of z.
   * - StdDev: on a flat window TTR gives 1.4e-14 where TA-Lib and we give 0; floor 1 (price units).
   * - GarmanKlass: on a window of flat bars the true value is 0, which we give, but TTR's running sum
   *   keeps ~1e-17 of rounding that the square root turns into ~1.7e-8; floor 100, i.e. 1e-7 absolute
   *   on an annualised volatility.
   */
  readonly floor?: number;
  /** The data sets to check on (default: all). */
  readonly datasets?: readonly Dataset[];
}

const close = <O>(make: () => Indicator<number, O>) => (): Indicator<Bar, O> => {
  const inner = make();
  return {
    get value() { return inner.value; },
    get isReady() { return inner.isReady; },
    warmup: inner.warmup,
    update: (bar: Bar) => inner.update(bar.close),
    replace: (bar: Bar) => inner.replace(bar.close),
    reset: () => inner.reset(),
  };
};

const bands = (prefix: string) => ({ upper: `${prefix}_upper`, middle: `${prefix}_middle`, lower: `${prefix}_lower` });

const CASES: Case[] = [
  { name: 'Sma(20)', make: close(() => new Sma(20)), columns: { value: 'SMA_20' }, reference: 'talib' },
  { name: 'Sma(5)', make: close(() => new Sma(5)), columns: { value: 'SMA_5' }, reference: 'talib' },
  { name: 'Ema(20)', make: close(() => new Ema(20)), columns: { value: 'EMA_20' }, reference: 'talib' },
  { name: 'Ema(5)', make: close(() => new Ema(5)), columns: { value: 'EMA_5' }, reference: 'talib' },
  { name: 'Wma(20)', make: close(() => new Wma(20)), columns: { value: 'WMA_20' }, reference: 'talib' },
  { name: 'Dema(20)', make: close(() => new Dema(20)), columns: { value: 'DEMA_20' }, reference: 'talib' },
  { name: 'Tema(20)', make: close(() => new Tema(20)), columns: { value: 'TEMA_20' }, reference: 'talib' },
  { name: 'Kama(10)', make: close(() => new Kama(10)), columns: { value: 'KAMA_10' }, reference: 'talib' },
  { name: 'Kama(30)', make: close(() => new Kama(30)), columns: { value: 'KAMA_30' }, reference: 'talib' },
  { name: 'Rsi(14)', make: close(() => new Rsi(14)), columns: { value: 'RSI_14' }, reference: 'talib' },
  { name: 'Rsi(5)', make: close(() => new Rsi(5)), columns: { value: 'RSI_5' }, reference: 'talib' },
  {
    name: 'Macd(12,26,9)',
    make: close(() => new Macd({ fast: 12, slow: 26, signal: 9 })),
    columns: { macd: 'MACD_12_26_9_macd', signal: 'MACD_12_26_9_signal', histogram: 'MACD_12_26_9_hist' },
    reference: 'talib',
  },
  { name: 'BollingerBands(20,2)', make: close(() => new BollingerBands({ period: 20, multiplier: 2 })), columns: bands('BBANDS_20_2'), reference: 'talib' },
  { name: 'Atr(14)', make: () => new Atr(14), columns: { value: 'ATR_14' }, reference: 'talib' },
  { name: 'Atr(14) vs TTR', make: () => new Atr(14), columns: { value: 'ATR_14' }, reference: 'ttr' },
  { name: 'Natr(14)', make: () => new Natr(14), columns: { value: 'NATR_14' }, reference: 'talib' },
  { name: 'TrueRange', make: () => new TrueRange(), columns: { value: 'TRANGE' }, reference: 'talib' },
  { name: 'Obv', make: () => new Obv(), columns: { value: 'OBV' }, reference: 'talib' },
  // TTR's RSI and stoch() are NaN where TA-Lib's (and ours) are 0 (no change over the window, zero
  // range): the synthetic series has such windows, so TTR is a second reference on the real series only.
  { name: 'Rsi(14) vs TTR', make: close(() => new Rsi(14)), columns: { value: 'RSI_14' }, reference: 'ttr', datasets: ['goog', 'sp500'] },
  {
    name: 'Stochastic(14,3,3) vs TTR',
    make: () => new Stochastic({ kPeriod: 14, kSmoothing: 3, dPeriod: 3 }),
    columns: { k: 'STOCH_14_3_3_k', d: 'STOCH_14_3_3_d' },
    reference: 'ttr',
    primary: 'd',
    datasets: ['goog', 'sp500'],
  },
  { name: 'Stochastic(14,3,3)', make: () => new Stochastic({ kPeriod: 14, kSmoothing: 3, dPeriod: 3 }), columns: { k: 'STOCH_14_3_3_k', d: 'STOCH_14_3_3_d' }, reference: 'talib' },
  {
    name: 'StochasticRsi(14,5,3)',
    make: close(() => new StochasticRsi({ rsiPeriod: 14, kPeriod: 5, dPeriod: 3 })),
    columns: { k: 'STOCHRSI_14_5_3_k', d: 'STOCHRSI_14_5_3_d' },
    reference: 'talib',
  },
  { name: 'Adx(14)', make: () => new Adx(14), columns: { adx: 'ADX_14', plusDi: 'PLUS_DI_14', minusDi: 'MINUS_DI_14' }, reference: 'talib', primary: 'adx' },
  { name: 'Cci(20)', make: () => new Cci(20), columns: { value: 'CCI_20' }, reference: 'talib' },
  { name: 'Mfi(14)', make: () => new Mfi(14), columns: { value: 'MFI_14' }, reference: 'talib' },
  { name: 'WilliamsR(14)', make: () => new WilliamsR(14), columns: { value: 'WILLR_14' }, reference: 'talib' },
  { name: 'Roc(10)', make: close(() => new Roc(10)), columns: { value: 'ROC_10' }, reference: 'talib' },
  { name: 'Momentum(10)', make: close(() => new Momentum(10)), columns: { value: 'MOM_10' }, reference: 'talib' },
  { name: 'Aroon(14)', make: () => new Aroon(14), columns: { up: 'AROON_14_up', down: 'AROON_14_down' }, reference: 'talib' },
  { name: 'ParabolicSar(0.02,0.2)', make: () => new ParabolicSar({ acceleration: 0.02, maximum: 0.2 }), columns: { value: 'SAR' }, reference: 'talib' },
  { name: 'StdDev(20)', make: close(() => new StdDev(20)), columns: { value: 'STDDEV_20' }, reference: 'talib' },
  { name: 'StdDev(20) vs TTR', make: close(() => new StdDev(20)), columns: { value: 'STDDEV_20' }, reference: 'ttr', floor: 1 },
  { name: 'ZScore(20)', make: close(() => new ZScore(20)), columns: { value: 'ZSCORE_20' }, reference: 'talib' },
  { name: 'ZScore(20) vs TTR', make: close(() => new ZScore(20)), columns: { value: 'ZSCORE_20' }, reference: 'ttr', floor: 1 },
  { name: 'Donchian(20) vs TA-Lib MAX/MIN', make: () => new Donchian(20), columns: { upper: 'MAX_HIGH_20', lower: 'MIN_LOW_20' }, reference: 'talib' },
  { name: 'Donchian(20)', make: () => new Donchian(20), columns: bands('DONCHIAN_20'), reference: 'ttr' },
  { name: 'Keltner(20,2)', make: () => new Keltner({ period: 20, multiplier: 2 }), columns: bands('KELTNER_20_2'), reference: 'ttr', primary: 'upper' },
  { name: 'VolumeRoc(10)', make: () => new VolumeRoc(10), columns: { value: 'VOLUME_ROC_10' }, reference: 'talib' },
  { name: 'Vwap(rolling 20)', make: () => new Vwap({ mode: 'rolling', period: 20 }), columns: { value: 'VWAP_ROLLING_20' }, reference: 'ttr' },
  {
    name: 'Vwap(weekly session)',
    make: () => new Vwap({ mode: 'session', sessionMs: 7 * 86_400_000, offsetMs: 4 * 86_400_000 }),
    columns: { value: 'VWAP_WEEKLY' },
    reference: 'ttr',
  },
  { name: 'GarmanKlass(10,252)', make: () => new GarmanKlass({ period: 10, annualization: 252 }), columns: { value: 'GARMAN_KLASS_10_252' }, reference: 'ttr', floor: 100 },
  {
    name: 'RealizedVolatility(20,252)',
    make: close(() => new RealizedVolatility({ period: 20, annualization: 252 })),
    columns: { value: 'REALIZED_VOL_20_252' },
    reference: 'ttr',
  },
];

/** Relative error, with both sides exactly equal (including both zero) counting as 0. */
function relativeError(ours: number, ref: number, floor: number): number {
  if (ours === ref) return 0;
  return Math.abs(ours - ref) / Math.max(Math.abs(ours), Math.abs(ref), floor);
}

const DATA: Record<Dataset, { bars: Bar[]; talib: Map<string, Float64Array>; ttr: Map<string, Float64Array> }> = {
  goog: { bars: loadBars('goog'), talib: loadReference('talib', 'goog'), ttr: loadReference('ttr', 'goog') },
  sp500: { bars: loadBars('sp500'), talib: loadReference('talib', 'sp500'), ttr: loadReference('ttr', 'sp500') },
  synthetic: { bars: loadBars('synthetic'), talib: loadReference('talib', 'synthetic'), ttr: loadReference('ttr', 'synthetic') },
};

describe.each(['goog', 'sp500', 'synthetic'] as const)('indicators equal the references on %s', (dataset) => {
  const { bars, talib, ttr } = DATA[dataset];

  it.each(CASES.filter((c) => !c.datasets || c.datasets.includes(dataset)))('$name', ({ name, make, columns, reference, primary, floor = 0 }) => {
    const ref = reference === 'talib' ? talib : ttr;
    const indicator = make();
    const fields = Object.entries(columns).map(([field, column]) => {
      const values = ref.get(column);
      if (!values) throw new Error(`fixture ${reference}-${dataset} has no column ${column}`);
      return { field, column, values };
    });
    let compared = 0;
    let worst = 0;
    let firstDefined = -1;
    for (let i = 0; i < bars.length; i++) {
      const out = indicator.update(bars[i]!);
      if (out !== undefined && firstDefined < 0) firstDefined = i;
      for (const { field, column, values } of fields) {
        const expected = values[i]!;
        const strict = primary === undefined || primary === field;
        if (Number.isNaN(expected)) {
          // The reference has no value yet (warm-up): neither do we.
          if (out !== undefined) expect.fail(`${column}[${i}]: reference has no value, we gave ${JSON.stringify(out)}`);
          continue;
        }
        if (out === undefined) {
          if (strict) expect.fail(`${column}[${i}]: reference ${expected}, we gave undefined`);
          continue;
        }
        const ours = field === 'value' ? (out as number) : (out as Record<string, number>)[field]!;
        const err = relativeError(ours, expected, floor);
        if (err > RELATIVE_TOLERANCE) expect.fail(`${column}[${i}]: ours ${ours}, reference ${expected}, relative error ${err}`);
        worst = Math.max(worst, err);
        compared++;
      }
    }
    // The series is long enough that most of it was compared, and the first value came at `warmup`.
    expect(compared).toBeGreaterThan((bars.length - 100) * fields.length);
    expect(compared).toBeGreaterThan(0);
    expect(firstDefined + 1).toBe(indicator.warmup);
    expect(worst).toBeLessThanOrEqual(RELATIVE_TOLERANCE);
    if (process.env.REPORT_WORST) console.log(`worst relative error ${dataset} ${name}: ${worst.toExponential(2)} over ${compared} values`);
  });
});

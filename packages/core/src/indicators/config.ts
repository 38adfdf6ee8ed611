/**
 * Configuration of the indicators: one zod schema per configurable indicator (`XxxConfigSchema`) and
 * its inferred type (`XxxConfig`). Constructors parse their configuration with core's `parseWith`, so
 * a bad setting fails with a `ValidationError` that names the indicator and the field.
 */
import { z } from 'zod';

const period = (min: number) => z.number().int().min(min);

const periodSchemas = new Map<number, ReturnType<typeof makePeriodConfigSchema>>();
const makePeriodConfigSchema = (min: number) => z.strictObject({ period: period(min) });

/**
 * Schema of a single `period` setting; `min` is the smallest period the indicator accepts. The same
 * `min` gives the same schema object: indicators are built by the thousand in a parameter sweep, and
 * zod compiles a schema's checks on its first use, which costs far more than a parse.
 *
 * @example
 * ```ts
 * parseWith(periodConfigSchema(2), { period: 14 }, 'Rsi');
 * ```
 */
export function periodConfigSchema(min: number) {
  let schema = periodSchemas.get(min);
  if (schema === undefined) periodSchemas.set(min, (schema = makePeriodConfigSchema(min)));
  return schema;
}

/**
 * Schema of {@link MacdConfig}: fast and slow EMA periods (fast < slow) and the signal EMA period.
 *
 * @example
 * ```ts
 * MacdConfigSchema.parse({}); // { fast: 12, slow: 26, signal: 9 }
 * ```
 */
export const MacdConfigSchema = z
  .strictObject({ fast: period(2).default(12), slow: period(2).default(26), signal: period(1).default(9) })
  .refine((c) => c.fast < c.slow, { path: ['fast'], message: 'must be below slow' });
/**
 * Settings of `Macd`.
 *
 * @example
 * ```ts
 * const config: MacdConfig = { fast: 12, slow: 26, signal: 9 };
 * ```
 */
export type MacdConfig = z.input<typeof MacdConfigSchema>;

/**
 * Schema of {@link BollingerBandsConfig}: the SMA period and the band width in standard deviations.
 *
 * @example
 * ```ts
 * BollingerBandsConfigSchema.parse({ period: 20 }); // { period: 20, multiplier: 2 }
 * ```
 */
export const BollingerBandsConfigSchema = z.strictObject({ period: period(2).default(20), multiplier: z.number().positive().finite().default(2) });
/**
 * Settings of `BollingerBands`.
 *
 * @example
 * ```ts
 * const config: BollingerBandsConfig = { period: 20, multiplier: 2 };
 * ```
 */
export type BollingerBandsConfig = z.input<typeof BollingerBandsConfigSchema>;

/**
 * Schema of {@link KeltnerConfig}: the EMA and ATR period and the band width in ATRs.
 *
 * @example
 * ```ts
 * KeltnerConfigSchema.parse({}); // { period: 20, multiplier: 2 }
 * ```
 */
export const KeltnerConfigSchema = z.strictObject({ period: period(1).default(20), multiplier: z.number().positive().finite().default(2) });
/**
 * Settings of `Keltner`.
 *
 * @example
 * ```ts
 * const config: KeltnerConfig = { period: 20, multiplier: 1.5 };
 * ```
 */
export type KeltnerConfig = z.input<typeof KeltnerConfigSchema>;

/**
 * Schema of {@link StochasticConfig}: the %K look-back, the %K smoothing (SMA) and the %D period (SMA).
 *
 * @example
 * ```ts
 * StochasticConfigSchema.parse({}); // { kPeriod: 14, kSmoothing: 3, dPeriod: 3 }
 * ```
 */
export const StochasticConfigSchema = z.strictObject({ kPeriod: period(1).default(14), kSmoothing: period(1).default(3), dPeriod: period(1).default(3) });
/**
 * Settings of `Stochastic`.
 *
 * @example
 * ```ts
 * const config: StochasticConfig = { kPeriod: 14, kSmoothing: 3, dPeriod: 3 };
 * ```
 */
export type StochasticConfig = z.input<typeof StochasticConfigSchema>;

/**
 * Schema of {@link StochasticRsiConfig}: the RSI period, the stochastic look-back over RSI values (%K)
 * and the %D period (SMA of %K).
 *
 * @example
 * ```ts
 * StochasticRsiConfigSchema.parse({}); // { rsiPeriod: 14, kPeriod: 14, dPeriod: 3 }
 * ```
 */
export const StochasticRsiConfigSchema = z.strictObject({ rsiPeriod: period(2).default(14), kPeriod: period(1).default(14), dPeriod: period(1).default(3) });
/**
 * Settings of `StochasticRsi`.
 *
 * @example
 * ```ts
 * const config: StochasticRsiConfig = { rsiPeriod: 14, kPeriod: 14, dPeriod: 3 };
 * ```
 */
export type StochasticRsiConfig = z.input<typeof StochasticRsiConfigSchema>;

/**
 * Schema of {@link ParabolicSarConfig}: the acceleration factor step and its maximum.
 *
 * @example
 * ```ts
 * ParabolicSarConfigSchema.parse({}); // { acceleration: 0.02, maximum: 0.2 }
 * ```
 */
export const ParabolicSarConfigSchema = z
  .strictObject({ acceleration: z.number().positive().finite().default(0.02), maximum: z.number().positive().finite().default(0.2) })
  .refine((c) => c.acceleration <= c.maximum, { path: ['acceleration'], message: 'must not exceed maximum' });
/**
 * Settings of `ParabolicSar`.
 *
 * @example
 * ```ts
 * const config: ParabolicSarConfig = { acceleration: 0.02, maximum: 0.2 };
 * ```
 */
export type ParabolicSarConfig = z.input<typeof ParabolicSarConfigSchema>;

/**
 * Which price a VWAP weighs: the typical price (high + low + close) / 3 or the close.
 *
 * @example
 * ```ts
 * new Vwap({ mode: 'rolling', period: 20, price: VwapPrice.CLOSE });
 * ```
 */
export const VwapPrice = { TYPICAL: 'typical', CLOSE: 'close' } as const;
export type VwapPrice = (typeof VwapPrice)[keyof typeof VwapPrice];

/**
 * Schema of {@link VwapConfig}. `session` mode accumulates from the start of each session: sessions are
 * `sessionMs` long and start at `offsetMs` past the epoch (so `{ sessionMs: 86_400_000, offsetMs: 0 }`
 * restarts at 00:00 UTC each day, and `offsetMs: 14.5 * 3_600_000` at 14:30 UTC), or, when `sessionKey`
 * is given, a new session starts whenever `sessionKey(ts)` changes (for sessions that follow a local
 * time zone with daylight saving). `rolling` mode weighs the last `period` bars.
 *
 * @example
 * ```ts
 * VwapConfigSchema.parse({ mode: 'rolling', period: 20 }); // { mode: 'rolling', period: 20, price: 'typical' }
 * ```
 */
export const VwapConfigSchema = z.discriminatedUnion('mode', [
  z.strictObject({
    mode: z.literal('session'),
    sessionMs: z.number().int().positive().default(86_400_000),
    offsetMs: z.number().int().default(0),
    /** Maps a bar's `ts` to its session's key (for example its exchange-local trading date); overrides sessionMs/offsetMs. */
    sessionKey: z.custom<(ts: number) => number>((v) => typeof v === 'function', { message: 'must be a function (ts) => session key' }).optional(),
    price: z.enum(['typical', 'close']).default('typical'),
  }),
  z.strictObject({ mode: z.literal('rolling'), period: period(1), price: z.enum(['typical', 'close']).default('typical') }),
]);
/**
 * Settings of `Vwap`.
 *
 * @example
 * ```ts
 * const config: VwapConfig = { mode: 'session', sessionMs: 86_400_000, offsetMs: 13.5 * 3_600_000 };
 * ```
 */
export type VwapConfig = z.input<typeof VwapConfigSchema>;

/**
 * Schema of {@link VolatilityConfig}: the window and the number of periods per year used to annualise.
 *
 * @example
 * ```ts
 * VolatilityConfigSchema.parse({ period: 10 }); // { period: 10, annualization: 252 }
 * ```
 */
export const VolatilityConfigSchema = z.strictObject({ period: period(2).default(20), annualization: z.number().positive().finite().default(252) });
/**
 * Settings of `GarmanKlass` and `RealizedVolatility`.
 *
 * @example
 * ```ts
 * const config: VolatilityConfig = { period: 20, annualization: 365 }; // crypto trades every day
 * ```
 */
export type VolatilityConfig = z.input<typeof VolatilityConfigSchema>;

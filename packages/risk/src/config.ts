/**
 * Configuration of the {@link RiskEngine}: zod schemas and their inferred types. Money values (limits,
 * notionals) and ratios may be given as strings, numbers or Decimals and become Decimals; every gate is
 * off unless its limit is set, and each may be set or switched off (`null`) per venue, instrument and
 * strategy in `overrides` (the most specific wins: strategy over instrument over venue over `limits`).
 */
import { Decimal, type Clock, type DecimalLike, type Instrument } from '@rxtrade/core';
import { z } from 'zod';
import { AuditKey } from './audit-log';

const decimalInput = z.union([z.string(), z.number(), z.instanceof(Decimal as unknown as new (...args: never[]) => Decimal)]);
const decimalValue = (check: (d: Decimal) => boolean, what: string) =>
  decimalInput.transform((v, ctx) => {
    let d: Decimal;
    try {
      d = new Decimal(v as DecimalLike);
    } catch {
      ctx.addIssue({ code: 'custom', message: `must be ${what}, got ${JSON.stringify(v)}` });
      return z.NEVER;
    }
    if (!d.isFinite() || !check(d)) {
      ctx.addIssue({ code: 'custom', message: `must be ${what}, got ${String(v)}` });
      return z.NEVER;
    }
    return d;
  });
/** A positive amount (money or quantity). */
const positive = decimalValue((d) => d.gt(0), 'a positive number');
/** A fraction in (0, 1]. */
const fraction = decimalValue((d) => d.gt(0) && d.lte(1), 'a fraction in (0, 1]');
const rate = z.strictObject({ count: z.number().int().min(1), windowMs: z.number().int().min(1) });

/**
 * Schema of {@link RiskLimits}: every field optional; `null` switches a gate off in an override.
 *
 * @example
 * ```ts
 * const limits = parseWith(RiskLimitsSchema, { maxOrderNotional: '50000', maxLeverage: 2 }, 'limits');
 * ```
 */
export const RiskLimitsSchema = z
  .object({
    /** Tick size, lot size and min notional of the instrument (on unless false). */
    instrumentRules: z.boolean().optional(),
    /** Largest quantity of one order. */
    maxOrderQuantity: positive.nullable().optional(),
    /** Largest notional (price x quantity x multiplier) of one order. */
    maxOrderNotional: positive.nullable().optional(),
    /** Largest absolute position per instrument, counting open orders on the same side. */
    maxPosition: positive.nullable().optional(),
    /** Largest sum of absolute exposures (positions and open orders, worst case per instrument). */
    maxGrossExposure: positive.nullable().optional(),
    /** Largest absolute net exposure: signed position exposures plus every open order on the new order's side, as if all filled. */
    maxNetExposure: positive.nullable().optional(),
    /** Largest gross exposure / equity. */
    maxLeverage: positive.nullable().optional(),
    /** Largest share of equity in one instrument. */
    maxConcentration: fraction.nullable().optional(),
    /** Largest share of equity in the instruments of one tag (sector, country, asset class…). */
    maxTagConcentration: fraction.nullable().optional(),
    /** Fat-finger collar: a limit or trigger price may deviate at most this fraction from the reference. */
    priceCollar: z.strictObject({ maxDeviation: fraction, reference: z.enum(['last', 'mid']).default('last') }).nullable().optional(),
    /** Largest number of open orders (account-wide). */
    maxOpenOrders: z.number().int().min(1).nullable().optional(),
    /** At most `count` submits in any sliding window of `windowMs` (account-wide). */
    maxSubmitRate: rate.nullable().optional(),
    /** At most `count` modifies in any sliding window of `windowMs` (account-wide). */
    maxModifyRate: rate.nullable().optional(),
    /** Loss since the start of the trading day beyond which only reducing orders pass. */
    dailyLoss: positive.nullable().optional(),
    /** Drawdown from peak equity (a fraction) beyond which only reducing orders pass. */
    maxDrawdown: fraction.nullable().optional(),
    /** SEC Rule 15c3-5 style capital threshold: position exposure + open order notional + this order. */
    capitalThreshold: positive.nullable().optional(),
    /** Deny every order (an instrument, venue or strategy on the restricted list). */
    restricted: z.boolean().optional(),
    /** Deny an order identical to an open one, or reusing an open order's id (on unless false). */
    duplicateOrders: z.boolean().optional(),
    /** Largest portfolio VaR (money, positive) after the order; needs `varModel`. */
    maxVar: positive.nullable().optional(),
  })
  .strict();
/** Limits of the risk gates; see {@link RiskLimitsSchema}. */
export type RiskLimits = z.input<typeof RiskLimitsSchema>;
/** Parsed limits (Decimals). */
export type ParsedRiskLimits = z.output<typeof RiskLimitsSchema>;

const breakerBase = {
  /** State the engine goes to when the breaker trips. */
  action: z.enum(['REDUCING', 'HALTED']).default('HALTED'),
  /** Time after tripping during which the breaker cannot be reset (ms). */
  coolDownMs: z.number().int().min(0).default(15 * 60_000),
  /** Reset by itself at the end of the cool-down (it trips again if the condition still holds). */
  autoReset: z.boolean().default(false),
};

/**
 * Schema of the circuit breakers; each is off unless configured.
 *
 * @example
 * ```ts
 * const breakers: BreakersConfig = { loss: { limit: '5000', action: 'REDUCING', coolDownMs: 3_600_000 }, venueErrors: { maxConsecutive: 5 } };
 * ```
 */
export const BreakersConfigSchema = z
  .object({
    /** Trips when an instrument's log return over `windowMs` exceeds `k` standard deviations. */
    volatility: z
      .object({
        ...breakerBase,
        windowMs: z.number().int().min(1),
        k: z.number().positive(),
        /** Number of one-step returns the standard deviation is estimated from. */
        lookback: z.number().int().min(2).default(100),
        /** Returns needed before the breaker can trip. */
        minObservations: z.number().int().min(2).default(20),
        /** Instruments watched; all when omitted. */
        instruments: z.array(z.string()).optional(),
      })
      .strict()
      .optional(),
    /** Trips when the loss since the start of the day exceeds `limit` (money). */
    loss: z.object({ ...breakerBase, limit: positive }).strict().optional(),
    /** Trips when the drawdown from peak equity exceeds `limit` (a fraction). */
    drawdown: z.object({ ...breakerBase, limit: fraction }).strict().optional(),
    /** Trips after `maxConsecutive` venue rejections in a row (a fill or acceptance resets the count). */
    venueErrors: z.object({ ...breakerBase, maxConsecutive: z.number().int().min(1) }).strict().optional(),
  })
  .strict();
/** Configuration of the circuit breakers. */
export type BreakersConfig = z.input<typeof BreakersConfigSchema>;

const isClock = (v: unknown): v is Clock =>
  typeof v === 'object' && v !== null && typeof (v as Clock).now === 'function' && typeof (v as Clock).setTimer === 'function';
const isInstrument = (v: unknown): v is Instrument =>
  typeof v === 'object' && v !== null && typeof (v as Instrument).id === 'string' && (v as Instrument).tickSize instanceof Decimal && (v as Instrument).lotSize instanceof Decimal;
const isTimeZone = (tz: string): boolean => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

/**
 * Schema of {@link RiskEngineConfig}; `new RiskEngine(config)` parses with it.
 *
 * @example
 * ```ts
 * const parsed = parseWith(RiskEngineConfigSchema, { clock, instruments: [goog] }, 'config');
 * ```
 */
export const RiskEngineConfigSchema = z
  .object({
    /** Source of time: rate windows, cool-downs, day boundaries and audit timestamps. */
    clock: z.custom<Clock>(isClock, { message: 'must be a Clock (BacktestClock or LiveClock)' }),
    /** Instruments the engine may approve orders for (from `defineInstrument`). */
    instruments: z.array(z.custom<Instrument>(isInstrument, { message: 'must be an Instrument from defineInstrument()' })).min(1),
    /** Tags per instrument id (sectors, countries…) for tag concentration and stress tests. */
    tags: z.record(z.string(), z.array(z.string().min(1))).default({}),
    limits: RiskLimitsSchema.default({}),
    overrides: z
      .object({
        venues: z.record(z.string(), RiskLimitsSchema).default({}),
        instruments: z.record(z.string(), RiskLimitsSchema).default({}),
        strategies: z.record(z.string(), RiskLimitsSchema).default({}),
      })
      .strict()
      .default({ venues: {}, instruments: {}, strategies: {} }),
    /** Instrument ids (or symbols) no order may trade. */
    restricted: z.array(z.string().min(1)).default([]),
    /** Covariance model of the pre-trade VaR gate: one-day covariance of simple returns per instrument. */
    varModel: z
      .object({
        confidence: z.number().gt(0.5).lt(1).default(0.99),
        horizonDays: z.number().positive().default(1),
        instruments: z.array(z.string().min(1)).min(1),
        covariance: z.array(z.array(z.number())),
      })
      .strict()
      .optional(),
    /** Where the trading day starts, for the daily loss limit and breaker. */
    dailyReset: z
      .object({
        timeZone: z.string().refine(isTimeZone, { message: 'must be an IANA time zone such as America/New_York' }).default('UTC'),
        hour: z.number().int().min(0).max(23).default(0),
      })
      .strict()
      .default({ timeZone: 'UTC', hour: 0 }),
    breakers: BreakersConfigSchema.default({}),
    /** Where audit lines go; kept in memory as well unless `keepInMemory` is false. */
    audit: z
      .object({
        sink: z.custom<(line: string) => void>((v) => typeof v === 'function', { message: 'must be a function (line: string) => void' }).optional(),
        keepInMemory: z.boolean().default(true),
        /** Secret that keys the hash chain (HMAC-SHA256); held by the platform, never written to the trail. */
        key: z
          .union([z.string().min(16, { message: 'must be at least 16 characters' }), z.instanceof(Uint8Array), z.instanceof(AuditKey)])
          .transform((k) => (k instanceof AuditKey ? k : new AuditKey(k)))
          .optional(),
      })
      .strict()
      .default({ keepInMemory: true }),
    /** Strategy id and client order id prefix of the orders the kill switch creates. */
    killSwitch: z
      .object({ strategyId: z.string().min(1).default('risk'), idPrefix: z.string().min(1).default('RISK-KILL') })
      .strict()
      .default({ strategyId: 'risk', idPrefix: 'RISK-KILL' }),
    /** Least number of decimals of the money quantum (raised automatically to fit instruments and limits). */
    moneyDecimals: z.number().int().min(0).max(12).default(2),
  })
  .strict();
/**
 * Configuration of a {@link RiskEngine}.
 *
 * @example
 * ```ts
 * const config: RiskEngineConfig = {
 *   clock, instruments: [goog],
 *   limits: { maxOrderNotional: '50000', maxLeverage: 2, dailyLoss: '5000', maxSubmitRate: { count: 10, windowMs: 1000 } },
 *   overrides: { strategies: { scalper: { maxOrderNotional: '5000' } } },
 * };
 * ```
 */
export type RiskEngineConfig = z.input<typeof RiskEngineConfigSchema>;
/** Parsed configuration. */
export type ParsedRiskEngineConfig = z.output<typeof RiskEngineConfigSchema>;

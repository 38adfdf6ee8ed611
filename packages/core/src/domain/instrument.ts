/**
 * Instruments: what can be traded, where, and in which increments. Prices on orders and fills are
 * rounded to the tick size, quantities to the lot size.
 */
import { z } from 'zod';
import { Decimal, roundNumberToIncrement, roundToIncrement, toDecimal, type DecimalLike } from '../decimal';
import { parseWith } from '../validation';
import type { InstrumentId, VenueId } from './ids';

/** Asset classes an instrument may belong to. */
export const AssetClass = {
  SPOT: 'spot',
  PERPETUAL: 'perpetual',
  FUTURE: 'future',
  OPTION: 'option',
  STOCK: 'stock',
  FX: 'fx',
  CFD: 'cfd',
} as const;
export type AssetClass = (typeof AssetClass)[keyof typeof AssetClass];

/** A fee schedule: rates are fractions of notional (0.001 = 10 bp). */
export interface FeeSchedule {
  readonly maker: Decimal;
  readonly taker: Decimal;
}

/** A tradable instrument. Create one with {@link defineInstrument}. */
export interface Instrument {
  readonly id: InstrumentId;
  readonly venue: VenueId;
  readonly symbol: string;
  readonly assetClass: AssetClass;
  readonly base: string;
  readonly quote: string;
  readonly tickSize: Decimal;
  readonly lotSize: Decimal;
  readonly minNotional: Decimal;
  readonly multiplier: Decimal;
  readonly fees: FeeSchedule;
  /** Decimal places of the tick size, for formatting. */
  readonly pricePrecision: number;
  /** Decimal places of the lot size. */
  readonly sizePrecision: number;
}

const positiveDecimal = z
  .union([z.string(), z.number(), z.instanceof(Decimal)])
  .transform((v, ctx) => {
    try {
      const d = new Decimal(v);
      if (!d.isFinite() || d.lte(0)) ctx.addIssue({ code: 'custom', message: `must be a positive number, got ${String(v)}` });
      return d;
    } catch {
      ctx.addIssue({ code: 'custom', message: `must be a positive number, got ${JSON.stringify(v)}` });
      return z.NEVER;
    }
  });
const nonNegativeDecimal = z
  .union([z.string(), z.number(), z.instanceof(Decimal)])
  .transform((v, ctx) => {
    try {
      const d = new Decimal(v);
      if (!d.isFinite() || d.lt(0)) ctx.addIssue({ code: 'custom', message: `must be a non-negative number, got ${String(v)}` });
      return d;
    } catch {
      ctx.addIssue({ code: 'custom', message: `must be a non-negative number, got ${JSON.stringify(v)}` });
      return z.NEVER;
    }
  });

/** Schema of {@link InstrumentConfig}: numbers may be given as strings, numbers or Decimals. */
export const InstrumentConfigSchema = z.strictObject({
  symbol: z.string().min(1),
  venue: z.string().min(1),
  assetClass: z.enum(Object.values(AssetClass) as [AssetClass, ...AssetClass[]]),
  base: z.string().min(1),
  quote: z.string().min(1),
  tickSize: positiveDecimal,
  lotSize: positiveDecimal,
  minNotional: nonNegativeDecimal.prefault(0),
  multiplier: positiveDecimal.prefault(1),
  fees: z.strictObject({ maker: nonNegativeDecimal, taker: nonNegativeDecimal }).prefault({ maker: 0, taker: 0 }),
  /** Defaults to `SYMBOL.VENUE`. */
  id: z.string().min(1).optional(),
});
/** Input accepted by {@link defineInstrument}. */
export type InstrumentConfig = z.input<typeof InstrumentConfigSchema>;

/**
 * Validates an instrument definition and returns an {@link Instrument} with Decimal increments.
 *
 * @example
 * ```ts
 * const goog = defineInstrument({
 *   symbol: 'GOOG', venue: 'NASDAQ', assetClass: 'stock', base: 'GOOG', quote: 'USD',
 *   tickSize: '0.01', lotSize: '1',
 * });
 * goog.id // 'GOOG.NASDAQ'
 * ```
 */
export function defineInstrument(config: InstrumentConfig): Instrument {
  const c = parseWith(InstrumentConfigSchema, config, 'instrument');
  return Object.freeze({
    id: (c.id ?? `${c.symbol}.${c.venue}`) as InstrumentId,
    venue: c.venue as VenueId,
    symbol: c.symbol,
    assetClass: c.assetClass,
    base: c.base,
    quote: c.quote,
    tickSize: c.tickSize,
    lotSize: c.lotSize,
    minNotional: c.minNotional,
    multiplier: c.multiplier,
    fees: Object.freeze({ maker: c.fees.maker, taker: c.fees.taker }),
    pricePrecision: Math.max(0, c.tickSize.decimalPlaces()),
    sizePrecision: Math.max(0, c.lotSize.decimalPlaces()),
  });
}

/**
 * Rounds a price to the instrument's tick (half-even to the nearest tick by default).
 *
 * @example
 * ```ts
 * roundPrice(goog, 180.364) // Decimal 180.36
 * ```
 */
export function roundPrice(instrument: Instrument, price: DecimalLike, mode: 'nearest' | 'down' | 'up' = 'nearest'): Decimal {
  if (typeof price === 'number') {
    const rounded = roundNumberToIncrement(price, instrument.tickSize, mode);
    if (rounded !== undefined) return rounded;
  }
  const d = toDecimal(price, 'price');
  return roundToIncrement(d, instrument.tickSize, mode);
}

/**
 * Rounds a quantity down (toward zero) to the instrument's lot size, as venues do.
 *
 * @example
 * ```ts
 * roundQuantity(goog, '100.7') // Decimal 100
 * ```
 */
export function roundQuantity(instrument: Instrument, quantity: DecimalLike, mode: 'nearest' | 'down' | 'up' = 'down'): Decimal {
  if (typeof quantity === 'number') {
    const rounded = roundNumberToIncrement(quantity, instrument.lotSize, mode);
    if (rounded !== undefined) return rounded;
  }
  const d = toDecimal(quantity, 'quantity');
  return roundToIncrement(d, instrument.lotSize, mode);
}

/**
 * Volume-tiered maker/taker fees, like Binance's VIP levels or Coinbase's advanced-trade tiers: the
 * rates of a fill are those of the highest tier whose `minVolume` the account's traded notional (quote
 * currency, multiplier included) over the trailing window reached BEFORE this fill. The fill's own
 * notional then counts toward the tier of later fills.
 *
 * The model keeps one (ts, notional) entry per fill inside the window (a deque), so its memory is
 * bounded by the number of fills in one window. Fills must arrive in time order, as a venue produces
 * them; one model instance stands for one account's volume (share it across instruments of a venue for
 * a venue-wide tier).
 */
import { z } from 'zod';
import { ClockError, ZERO, parseWith, type Decimal, type Instrument, type LiquiditySide, type OrderSide } from '@rxtrade/core';
import type { FeeContext, FeeModel } from '../fee-model';
import { decimalInput } from './decimal-input';

const rate = decimalInput((d) => (d.abs().gte(1) ? 'must be a fraction of notional in (-1, 1)' : undefined));
const DAY_MS = 86_400_000;

/**
 * Schema of {@link TieredFeeModel}'s config: `tiers` in increasing `minVolume`, the first at 0 (so every
 * volume has a tier); `windowMs` the trailing window (default 30 days).
 *
 * @example
 * ```ts
 * TieredFeeModelConfigSchema.parse({ tiers: [{ minVolume: 0, maker: 0.001, taker: 0.001 }] }).windowMs // 2592000000
 * ```
 */
export const TieredFeeModelConfigSchema = z.strictObject({
  tiers: z
    .array(
      z.strictObject({
        minVolume: decimalInput((d) => (d.lt(0) ? 'must be >= 0' : undefined)),
        maker: rate,
        taker: rate,
      }),
    )
    .min(1)
    .superRefine((tiers, ctx) => {
      if (tiers[0] && !tiers[0].minVolume.isZero()) {
        ctx.addIssue({ code: 'custom', path: [0, 'minVolume'], message: `the first tier must start at 0, got ${tiers[0].minVolume.toString()}` });
      }
      for (let i = 1; i < tiers.length; i++) {
        const prev = tiers[i - 1]!;
        const tier = tiers[i]!;
        if (tier.minVolume.lte(prev.minVolume)) {
          ctx.addIssue({ code: 'custom', path: [i, 'minVolume'], message: `must be greater than the previous tier's ${prev.minVolume.toString()}, got ${tier.minVolume.toString()}` });
        }
      }
    }),
  windowMs: z.number().int().positive().default(30 * DAY_MS),
});
/**
 * Input of {@link TieredFeeModelConfigSchema}.
 *
 * @example
 * ```ts
 * const config: TieredFeeModelConfig = { tiers: [{ minVolume: 0, maker: 0.001, taker: 0.001 }, { minVolume: 1_000_000, maker: 0.0009, taker: 0.001 }] };
 * ```
 */
export type TieredFeeModelConfig = z.input<typeof TieredFeeModelConfigSchema>;

/**
 * One fee tier of a {@link TieredFeeModel}, parsed: from `minVolume` of trailing traded notional on.
 *
 * @example
 * ```ts
 * const vip1: FeeTier = { minVolume: new Decimal(1_000_000), maker: new Decimal('0.0009'), taker: new Decimal('0.001') };
 * ```
 */
export interface FeeTier {
  readonly minVolume: Decimal;
  readonly maker: Decimal;
  readonly taker: Decimal;
}

/**
 * Charges the maker or taker rate of the tier reached by the trailing-window traded notional before
 * each fill. Without a context (no fill time), the window is read as of the latest fill seen and the
 * fill is recorded at that time.
 *
 * @example
 * ```ts
 * // Binance spot VIP 0 and VIP 1 (maker/taker 0.1%/0.1%, then 0.09%/0.1% from 1,000,000 USDT in 30 days).
 * const fees = new TieredFeeModel({ tiers: [
 *   { minVolume: 0, maker: 0.001, taker: 0.001 },
 *   { minVolume: 1_000_000, maker: 0.0009, taker: 0.001 },
 * ] });
 * fees.commission(btc, 'BUY', new Decimal(1), new Decimal(60000), 'MAKER', context) // Decimal 60 (VIP 0)
 * ```
 */
export class TieredFeeModel implements FeeModel {
  readonly tiers: readonly FeeTier[];
  readonly windowMs: number;
  // Deque of the fills inside the window: parallel arrays read from `head`, compacted when half empty.
  private ts: number[] = [];
  private notional: Decimal[] = [];
  private head = 0;
  private sum: Decimal = ZERO;
  private lastTs = Number.NEGATIVE_INFINITY;

  constructor(config: TieredFeeModelConfig) {
    const c = parseWith(TieredFeeModelConfigSchema, config, 'TieredFeeModel');
    this.tiers = Object.freeze(c.tiers.map((t) => Object.freeze({ ...t })));
    this.windowMs = c.windowMs;
  }

  /**
   * Traded notional inside the window that ends at `ts` (fills in (ts − windowMs, ts]), quote currency.
   * Drops older fills from memory, so `ts` must not go back in time (a `ClockError` if it does).
   */
  volume(ts: number): Decimal {
    this.evict(ts);
    return this.sum;
  }

  /** The tier that applies to a fill at `ts`, by the volume traded before it. */
  tierAt(ts: number): FeeTier {
    const volume = this.volume(ts);
    let tier = this.tiers[0]!;
    for (let i = 1; i < this.tiers.length; i++) {
      const next = this.tiers[i]!;
      if (volume.lt(next.minVolume)) break;
      tier = next;
    }
    return tier;
  }

  commission(instrument: Instrument, _side: OrderSide, quantity: Decimal, price: Decimal, liquiditySide: LiquiditySide, context?: FeeContext): Decimal {
    const ts = context?.ts ?? (Number.isFinite(this.lastTs) ? this.lastTs : 0);
    const tier = this.tierAt(ts);
    const notional = quantity.mul(price).mul(instrument.multiplier);
    this.ts.push(ts);
    this.notional.push(notional);
    this.sum = this.sum.add(notional);
    return (liquiditySide === 'MAKER' ? tier.maker : tier.taker).mul(notional);
  }

  private evict(now: number): void {
    if (now < this.lastTs) throw new ClockError(`TieredFeeModel: time ${now} is before the previous fill or query at ${this.lastTs}; fills must arrive in time order`);
    this.lastTs = now;
    const cutoff = now - this.windowMs;
    while (this.head < this.ts.length && this.ts[this.head]! <= cutoff) {
      this.sum = this.sum.sub(this.notional[this.head]!);
      this.head++;
    }
    if (this.head === this.ts.length) {
      this.ts = [];
      this.notional = [];
      this.head = 0;
      this.sum = ZERO; // exact anyway; resetting keeps no trace of rounding
    } else if (this.head > 1024 && this.head * 2 > this.ts.length) {
      this.ts = this.ts.slice(this.head);
      this.notional = this.notional.slice(this.head);
      this.head = 0;
    }
  }

  /** Number of fills held in the window (for tests of the memory bound). */
  get heldFills(): number {
    return this.ts.length - this.head;
  }
}

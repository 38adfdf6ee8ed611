/**
 * Fixed slippage in basis points of the reference price, against the taker: a BUY pays
 * price × (1 + bps / 10,000), a SELL receives price × (1 − bps / 10,000).
 */
import { z } from 'zod';
import { parseWith } from '@rxtrade/core';
import type { SlippageInput, SlippageModel } from './slippage-model';

/**
 * Schema of {@link FixedBpsSlippage}'s config: `bps` >= 0 (1 bp = 0.01%), below 10,000.
 *
 * @example
 * ```ts
 * FixedBpsSlippageConfigSchema.parse({ bps: 5 }).bps // 5
 * ```
 */
export const FixedBpsSlippageConfigSchema = z.strictObject({ bps: z.number().nonnegative().lt(10_000) });
/**
 * Input of {@link FixedBpsSlippageConfigSchema}.
 *
 * @example
 * ```ts
 * const config: FixedBpsSlippageConfig = { bps: 2.5 };
 * ```
 */
export type FixedBpsSlippageConfig = z.input<typeof FixedBpsSlippageConfigSchema>;

/**
 * Moves every taker fill `bps` basis points away from its reference price, against the taker.
 *
 * @example
 * ```ts
 * const slippage = new FixedBpsSlippage({ bps: 10 });
 * slippage.price({ instrument: goog, side: 'BUY', quantity: 100, price: 200, bar: undefined, quote: undefined }) // 200.2
 * new SimulatedVenue({ clock, instruments, slippageModel: slippage });
 * ```
 */
export class FixedBpsSlippage implements SlippageModel {
  readonly bps: number;
  private readonly fraction: number;

  constructor(config: FixedBpsSlippageConfig) {
    this.bps = parseWith(FixedBpsSlippageConfigSchema, config, 'FixedBpsSlippage').bps;
    this.fraction = this.bps / 10_000;
  }

  price(input: SlippageInput): number {
    return input.side === 'BUY' ? input.price * (1 + this.fraction) : input.price * (1 - this.fraction);
  }
}

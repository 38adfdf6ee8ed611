/**
 * Half the bid-ask spread, for matching on bars. A bar has no spread: its prices are trades or mids, so
 * a taker filled at the bar's open would cross no spread at all. This model makes a taker pay half the
 * latest quote's spread from the reference price (BUY: price + (ask − bid) / 2, SELL: price − (ask −
 * bid) / 2); with no quote it uses `fallbackBps / 2` of the price, or no slippage without a fallback.
 *
 * On quotes the simulated venue already fills takers at the touch (a BUY at the ask), which includes the
 * half spread: this model is for bars (and trades), not for quote matching, or the spread is paid twice.
 */
import { z } from 'zod';
import { parseWith } from '@rxtrade/core';
import type { SlippageInput, SlippageModel } from './slippage-model';

/**
 * Schema of {@link HalfSpreadSlippage}'s config: optional `fallbackBps` >= 0, the full spread in basis
 * points to assume when no quote was seen (half of it is paid).
 *
 * @example
 * ```ts
 * HalfSpreadSlippageConfigSchema.parse({ fallbackBps: 4 }).fallbackBps // 4
 * ```
 */
export const HalfSpreadSlippageConfigSchema = z.strictObject({ fallbackBps: z.number().nonnegative().lt(20_000).optional() });
/**
 * Input of {@link HalfSpreadSlippageConfigSchema}.
 *
 * @example
 * ```ts
 * const config: HalfSpreadSlippageConfig = { fallbackBps: 4 };
 * ```
 */
export type HalfSpreadSlippageConfig = z.input<typeof HalfSpreadSlippageConfigSchema>;

/**
 * Makes a taker on bars pay half the latest quote's spread (or half an assumed spread in basis points).
 *
 * @example
 * ```ts
 * const slippage = new HalfSpreadSlippage({ fallbackBps: 4 });
 * const quote = { type: 'Quote', instrumentId: goog.id, ts, bid: 99.9, ask: 100.1, bidSize: 100, askSize: 100 } as const;
 * slippage.price({ instrument: goog, side: 'BUY', quantity: 10, price: 100, bar, quote }) // 100.1 (half of 0.2)
 * slippage.price({ instrument: goog, side: 'SELL', quantity: 10, price: 100, bar, quote: undefined }) // 99.98 (2 bp)
 * ```
 */
export class HalfSpreadSlippage implements SlippageModel {
  readonly fallbackBps: number | undefined;

  constructor(config: HalfSpreadSlippageConfig = {}) {
    this.fallbackBps = parseWith(HalfSpreadSlippageConfigSchema, config, 'HalfSpreadSlippage').fallbackBps;
  }

  price(input: SlippageInput): number {
    const { quote, price, side } = input;
    let half: number;
    if (quote !== undefined && quote.instrumentId === input.instrument.id) {
      // A crossed or locked quote (ask <= bid) gives no spread to pay.
      half = Math.max(0, quote.ask - quote.bid) / 2;
    } else if (this.fallbackBps !== undefined) {
      half = (price * this.fallbackBps) / 20_000;
    } else {
      return price;
    }
    return side === 'BUY' ? price + half : price - half;
  }
}

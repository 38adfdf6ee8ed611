/**
 * How far a taker fill moves away from its reference price. The simulated venue asks its slippage model
 * for every taker fill on bars, quotes and trades (on an L2 book the walk through the levels is the
 * slippage), then rounds the result to the tick against the taker and keeps it inside the bar.
 */
import type { Bar, Instrument, OrderSide, Quote } from '@rxtrade/core';

/**
 * What a {@link SlippageModel} sees for one taker fill.
 *
 * @example
 * ```ts
 * const input: SlippageInput = { instrument: goog, side: 'BUY', quantity: 100, price: 180.36, bar, quote: undefined };
 * ```
 */
export interface SlippageInput {
  readonly instrument: Instrument;
  readonly side: OrderSide;
  /** Quantity of this fill (after any participation cap). */
  readonly quantity: number;
  /** Price before slippage: the bar's open, the stop's trigger, the quote's touch or the trade's price. */
  readonly price: number;
  /** The bar being matched, when matching on bars. */
  readonly bar: Bar | undefined;
  /** The latest quote of the instrument, when the venue has seen one. */
  readonly quote: Quote | undefined;
}

/**
 * Returns the fill price of a taker fill after slippage (a BUY pays more, a SELL receives less), before
 * tick rounding.
 *
 * @example
 * ```ts
 * const oneTick: SlippageModel = { price: ({ side, price, instrument }) => price + (side === 'BUY' ? 1 : -1) * instrument.tickSize.toNumber() };
 * new SimulatedVenue({ clock, instruments, slippageModel: oneTick });
 * ```
 */
export interface SlippageModel {
  price(input: SlippageInput): number;
}

/**
 * No slippage: the fill happens at the reference price. The simulated venue's default.
 *
 * @example
 * ```ts
 * NO_SLIPPAGE.price({ instrument: goog, side: 'BUY', quantity: 100, price: 180.36, bar: undefined, quote: undefined }) // 180.36
 * ```
 */
export const NO_SLIPPAGE: SlippageModel = Object.freeze({ price: (input: SlippageInput): number => input.price });

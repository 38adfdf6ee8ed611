/**
 * The matching step of the simulated venue for market orders on bars: at which price a queued order
 * fills when the next bar arrives. Slippage, spread and intrabar-path models implement the same
 * interface.
 */
import { Decimal, decimalFromScaled, decimalToNumber, roundPrice, type Bar, type Instrument, type OrderSide } from '@rxtrade/core';

/** 10^0 … 10^15, exact in a float64. */
const TEN_POWERS = Array.from({ length: 16 }, (_, k) => Number(`1e${k}`));

/**
 * Decides the fill price of a market order on the first bar it meets.
 *
 * @example
 * ```ts
 * const worstCase: FillModel = {
 *   marketFillPrice: (instrument, side, bar) => roundPrice(instrument, side === 'BUY' ? bar.high : bar.low),
 * };
 * new SimulatedVenue({ clock, instruments, fillModel: worstCase });
 * ```
 */
export interface FillModel {
  /** The price (a Decimal on the instrument's tick) at which a market order fills on `bar`. */
  marketFillPrice(instrument: Instrument, side: OrderSide, bar: Bar): Decimal;
}

/**
 * Fills market orders at the bar's open, rounded to the nearest tick and kept inside [low, high].
 * `new Decimal(open)` takes the shortest decimal form of the number (180.36, not 180.3599999…).
 *
 * @example
 * ```ts
 * new BarOpenFillModel().marketFillPrice(goog, 'BUY', bar) // Decimal 180.36 for bar.open = 180.36
 * ```
 */
export class BarOpenFillModel implements FillModel {
  /** Per instrument: whether the tick is a power of ten (0.01, 1, …), which allows the fast path. */
  private readonly decimalTick = new WeakMap<Instrument, boolean>();

  marketFillPrice(instrument: Instrument, _side: OrderSide, bar: Bar): Decimal {
    let decimalTick = this.decimalTick.get(instrument);
    if (decimalTick === undefined) {
      decimalTick = instrument.tickSize.eq(new Decimal(10).pow(-instrument.pricePrecision));
      this.decimalTick.set(instrument, decimalTick);
    }
    if (decimalTick) {
      // Fast path: the open is m ticks when m / 10^places is the same number (m below 2^52, so that the
      // number is closer to m ticks than half a tick): it lies on the grid and inside the bar, and that
      // decimal is what the slower path below would build from its string.
      const places = instrument.pricePrecision;
      if (places <= 15) {
        const m = Math.round(bar.open * TEN_POWERS[places]!);
        if (Math.abs(m) < 2 ** 52 && m / TEN_POWERS[places]! === bar.open) return decimalFromScaled(m, places);
      }
      // When the open printed with the tick's decimals parses back to the same number, it already lies
      // on the tick grid and inside the bar, and that string is its exact decimal value.
      const text = bar.open.toFixed(instrument.pricePrecision);
      if (Number(text) === bar.open) return new Decimal(text);
    }
    // Off the tick grid (a price of 1455.219971 on a 0.01 tick): rounded from the number itself, which
    // `roundPrice` does without building the Decimal of the open (a print and a parse) whenever float
    // arithmetic decides the rounding, with the same result as rounding `new Decimal(bar.open)`.
    const open = bar.open;
    const price = roundPrice(instrument, open);
    // Rounding to the nearest tick can step outside the bar when the extreme is off the tick grid;
    // round toward the inside instead (compared as numbers: the hot path avoids Decimal compares).
    const n = decimalToNumber(price);
    if (n > bar.high) return roundPrice(instrument, open, 'down');
    if (n < bar.low) return roundPrice(instrument, open, 'up');
    return price;
  }
}

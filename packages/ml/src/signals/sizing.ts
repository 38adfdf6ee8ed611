/**
 * Sizing rules: how large a position a signal is worth, in units of the instrument, from the account's
 * equity and the price. Each rule is a {@link Sizer}; {@link sizeSignals} applies one, scaled by the
 * signal's `sizeHint`, and turns the result into orders.
 *
 * - fixed fraction: fraction × equity / price;
 * - volatility target: equity × min(target / volatility, maxLeverage) / price, so that the position's
 *   volatility is the target (Moreira and Muir, "Volatility-managed portfolios", 2017);
 * - capped Kelly: f = min(scale × (p - (1 - p) / b), cap), never below 0, of equity / price, where p is
 *   the probability of being right and b the payoff ratio (Kelly 1956; Thorp, "The Kelly criterion in
 *   blackjack, sports betting and the stock market", 2006). Full Kelly is rarely wise: scale 0.5 is "half
 *   Kelly".
 */
import { z } from 'zod';
import { parseWith } from '@rxtrade/core';
import type { Signal } from './signal';

/** What a sizing rule knows of the account. */
export interface SizingContext {
  /** The account's equity, in the quote currency. */
  readonly equity: number;
  /** The price a position would be opened at (the last price). */
  readonly price: number;
  /** The signed quantity held now. */
  readonly position: number;
}

/** A sizing rule: the size (a quantity >= 0) of the position a signal is worth. */
export type Sizer = (signal: Signal, account: SizingContext) => number;

/**
 * Kelly's fraction of capital for a bet won with probability `p` that pays `b` times the stake lost:
 * p - (1 - p) / b (negative: do not bet).
 *
 * @example
 * ```ts
 * kellyFraction(0.55, 1); // 0.1
 * ```
 */
export function kellyFraction(p: number, b: number): number {
  parseWith(z.number().min(0).max(1), p, 'p');
  parseWith(z.number().positive(), b, 'b');
  return p - (1 - p) / b;
}

/**
 * Holds `fraction` of equity in the instrument.
 *
 * @example
 * ```ts
 * fixedFraction(0.1)(signal, { equity: 100_000, price: 50, position: 0 }); // 200
 * ```
 */
export function fixedFraction(fraction: number): Sizer {
  parseWith(z.number().positive().max(100), fraction, 'fraction');
  return (_signal, { equity, price }) => Math.max(0, (fraction * equity) / price);
}

/** Options of {@link volatilityTarget}. */
export interface VolatilityTargetConfig {
  /** The volatility wanted of the position, in the units of `volatility`'s answer (annualized, say 0.15). */
  readonly target: number;
  /** The instrument's current volatility for a signal, in the same units (a rolling standard deviation of returns, annualized). */
  readonly volatility: (signal: Signal) => number;
  /** Largest notional as a multiple of equity (default 1). */
  readonly maxLeverage?: number;
}

/**
 * Sizes the position so that its volatility is the target.
 *
 * @example
 * ```ts
 * volatilityTarget({ target: 0.15, volatility: () => 0.30 })(signal, { equity: 100_000, price: 50, position: 0 }); // 1000: half the equity
 * ```
 */
export function volatilityTarget(config: VolatilityTargetConfig): Sizer {
  const c = parseWith(
    z.strictObject({ target: z.number().positive(), volatility: z.custom<(s: Signal) => number>((f) => typeof f === 'function', 'must be a function'), maxLeverage: z.number().positive().default(1) }),
    config,
    'volatilityTarget',
  );
  return (signal, { equity, price }) => {
    const vol = config.volatility(signal);
    if (!(vol > 0) || !Number.isFinite(vol)) return 0; // no estimate yet: no position
    return (equity * Math.min(c.target / vol, c.maxLeverage)) / price;
  };
}

/** Options of {@link cappedKelly}. */
export interface CappedKellyConfig {
  /** Average win over average loss (b). */
  readonly payoffRatio: number;
  /** Largest fraction of equity (default 0.25). */
  readonly cap?: number;
  /** Multiplier of the Kelly fraction (default 0.5, half Kelly). */
  readonly scale?: number;
  /** The probability that a signal is right (default: 0.5 + confidence / 2, so confidence 0 is a coin toss). */
  readonly winProbability?: (signal: Signal) => number;
}

/**
 * Sizes by a scaled and capped Kelly fraction of equity.
 *
 * @example
 * ```ts
 * // confidence 0.2: p = 0.6, b = 1, Kelly 0.2, half Kelly 0.1 of 100,000 at 50: 200
 * cappedKelly({ payoffRatio: 1 })(signal, { equity: 100_000, price: 50, position: 0 });
 * ```
 */
export function cappedKelly(config: CappedKellyConfig): Sizer {
  const c = parseWith(
    z.strictObject({
      payoffRatio: z.number().positive(),
      cap: z.number().positive().max(1).default(0.25),
      scale: z.number().positive().max(1).default(0.5),
      winProbability: z.custom<(s: Signal) => number>((f) => typeof f === 'function', 'must be a function').optional(),
    }),
    config,
    'cappedKelly',
  );
  const probability = config.winProbability ?? ((s: Signal) => 0.5 + s.confidence / 2);
  return (signal, { equity, price }) => {
    const f = Math.min(c.scale * kellyFraction(probability(signal), c.payoffRatio), c.cap);
    return f > 0 ? (f * equity) / price : 0;
  };
}

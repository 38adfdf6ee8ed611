/**
 * Currency pairs as FX rates name them: `'EUR/USD'` or the six-letter `'EURUSD'`. A rate is the price of
 * one unit of the first currency in the second (EUR/USD 1.08: one euro costs 1.08 dollars).
 */
import { ValidationError } from '@rxtrade/core';

/** A currency pair split into its two currencies. */
export interface FxPair {
  /** The currency priced (EUR in EUR/USD). */
  readonly base: string;
  /** The currency it is priced in (USD in EUR/USD). */
  readonly quote: string;
}

/**
 * Splits a currency pair: `'EUR/USD'`, `'EUR-USD'` or the six-letter `'EURUSD'` (currencies of other lengths,
 * such as USDT, need the separator).
 *
 * @throws ValidationError naming `pair` when it cannot be split into two different currencies.
 * @example
 * ```ts
 * parseFxPair('EURUSD')   // { base: 'EUR', quote: 'USD' }
 * parseFxPair('BTC/USDT') // { base: 'BTC', quote: 'USDT' }
 * ```
 */
export function parseFxPair(pair: string): FxPair {
  let parts: string[] | undefined;
  if (typeof pair === 'string') {
    if (pair.includes('/')) parts = pair.split('/');
    else if (pair.includes('-')) parts = pair.split('-');
    else if (pair.length === 6) parts = [pair.slice(0, 3), pair.slice(3)];
  }
  if (!parts || parts.length !== 2 || !parts[0] || !parts[1] || parts[0] === parts[1])
    throw new ValidationError([{ path: ['pair'], message: `must be a currency pair such as 'EUR/USD' or 'EURUSD', got ${JSON.stringify(pair)}` }]);
  return { base: parts[0], quote: parts[1] };
}

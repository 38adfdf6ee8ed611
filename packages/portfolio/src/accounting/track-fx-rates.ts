/**
 * Feeds a ledger's FX rates from a stream, so that equity in the base currency follows the market.
 */
import type { Observable, Subscription } from 'rxjs';
import type { Ledger } from '../ledger';

/** One FX rate: the price of one unit of the pair's first currency in its second (`EUR/USD` 1.08). */
export interface FxRate {
  /** `'EUR/USD'` or `'EURUSD'`; one side must be the ledger's base currency. */
  readonly pair: string;
  readonly rate: number;
  /** When the rate was observed (epoch ms); informational. */
  readonly ts?: number;
}

/**
 * Subscribes to a stream of FX rates and sets each on the ledger (`ledger.setFxRate`); unsubscribe to stop.
 * A bad rate (not finite and > 0, or a pair without the base currency) ends the subscription and goes,
 * with the ledger's `ValidationError`, to `observer.error` when given (else RxJS reports it as unhandled);
 * so does an error of the stream itself.
 *
 * @example
 * ```ts
 * const sub = trackFxRates(ledger, ctx.market.quotes(eurusd.id).pipe(map((q) => ({ pair: 'EUR/USD', rate: (q.bid + q.ask) / 2 }))));
 * // ... later
 * sub.unsubscribe();
 * ```
 */
export function trackFxRates(ledger: Ledger, rates: Observable<FxRate>, observer?: { error?: (error: unknown) => void }): Subscription {
  const fail = (error: unknown): void => {
    if (observer?.error) observer.error(error);
    else throw error; // RxJS reports it as an unhandled error
  };
  let subscription: Subscription | undefined = undefined;
  let failed = false;
  subscription = rates.subscribe({
    next: (r) => {
      if (failed) return;
      try {
        ledger.setFxRate(r.pair, r.rate);
      } catch (error) {
        failed = true;
        subscription?.unsubscribe();
        fail(error);
      }
    },
    error: fail,
  });
  if (failed) subscription.unsubscribe();
  return subscription;
}

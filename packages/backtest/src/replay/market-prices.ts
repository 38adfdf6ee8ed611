/**
 * The two prices of an instrument that the attribution of a replay reads from the recorded market data:
 *
 * - the **price at a time t** (`at`): the price the market offered at t, from the latest event at or before
 *   t: a trade's price, a quote's mid `(bid + ask) / 2`, an order book snapshot's mid of its best levels, or
 *   a bar's **open** (a bar is the market from its `ts` on: its open is what an order meets when the bar
 *   arrives, and the simulated venue fills market orders at it). Before the first event, the first price.
 *   Order book deltas carry no price of their own and are skipped;
 * - the **last price** (`last`): where the session ended, the price the ledger marks positions at: the
 *   last bar's close, trade's price or quote's mid, computed as the ledger computes it (a float64 mid).
 *
 * Prices are exact Decimals of the recorded numbers (`new Decimal(String(x))`, the shortest form that
 * reads back as the same float64).
 */
import { Decimal, ValidationError, type InstrumentId, type MarketData } from '@rxtrade/core';

/**
 * Prices of the instruments of a recorded session: the price at a time, and the last price.
 *
 * @example
 * ```ts
 * const prices = new MarketPrices(new Map([[btc.id, bars]]));
 * prices.at(btc.id, bars[2].ts); // bars[2].open as a Decimal
 * prices.last(btc.id);           // the last bar's close
 * ```
 */
export class MarketPrices {
  private readonly points = new Map<InstrumentId, { ts: number[]; price: Decimal[] }>();
  private readonly lastPrices = new Map<InstrumentId, Decimal>();

  /**
   * @param series market data per instrument, each in time order.
   *
   * @example
   * ```ts
   * const prices = new MarketPrices(new Map([[btc.id, bars]]));
   * prices.at(btc.id, bars[1].ts).toString(); // bars[1].open
   * ```
   */
  constructor(series: ReadonlyMap<InstrumentId, readonly MarketData[]>) {
    for (const [id, events] of series) {
      const ts: number[] = [];
      const price: Decimal[] = [];
      for (const e of events) {
        const p = priceAt(e);
        if (p !== undefined) {
          ts.push(e.ts);
          price.push(p);
        }
        const mark = e.type === 'Bar' ? e.close : e.type === 'Trade' ? e.price : e.type === 'Quote' ? (e.bid + e.ask) / 2 : undefined;
        if (mark !== undefined) this.lastPrices.set(id, new Decimal(String(mark)));
      }
      if (ts.length > 0) this.points.set(id, { ts, price });
    }
  }

  /**
   * The price of `instrumentId` at time `t`.
   *
   * @throws ValidationError naming the instrument when the session recorded no price for it.
   */
  at(instrumentId: InstrumentId, t: number): Decimal {
    const p = this.points.get(instrumentId);
    if (p === undefined) throw noPrice(instrumentId);
    // The last point with ts <= t (binary search), or the first point.
    let lo = 0;
    let hi = p.ts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (p.ts[mid]! <= t) lo = mid + 1;
      else hi = mid;
    }
    return p.price[Math.max(0, lo - 1)]!;
  }

  /**
   * The session's last price of `instrumentId`, as the ledger marks it.
   *
   * @throws ValidationError naming the instrument when the session recorded no bar, trade or quote of it.
   */
  last(instrumentId: InstrumentId): Decimal {
    const p = this.lastPrices.get(instrumentId);
    if (p === undefined) throw noPrice(instrumentId);
    return p;
  }
}

function priceAt(e: MarketData): Decimal | undefined {
  switch (e.type) {
    case 'Bar':
      return new Decimal(String(e.open));
    case 'Trade':
      return new Decimal(String(e.price));
    case 'Quote':
      return new Decimal(String(e.bid)).plus(String(e.ask)).div(2);
    case 'OrderBookSnapshot': {
      const bid = e.bids[0];
      const ask = e.asks[0];
      return bid !== undefined && ask !== undefined ? new Decimal(String(bid.price)).plus(String(ask.price)).div(2) : undefined;
    }
    default:
      return undefined;
  }
}

function noPrice(instrumentId: InstrumentId): ValidationError {
  return new ValidationError([{ path: ['journal', 'marketData'], message: `no price of ${instrumentId} was recorded: a session is replayed on the market data its journal holds` }]);
}

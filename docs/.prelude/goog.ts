/**
 * Prelude `goog`: the GOOG stock, its 1,047 daily bars (2004-08-19 to 2008-10-22, the repository's
 * fixture) and the SMA crossover pipeline of docs/writing-a-strategy.md. Blocks marked
 * `<!-- docs-check: prelude goog -->` use these names as if they had declared them.
 */
import { filter, map } from 'rxjs';
import { defineInstrument, Sma, type InstrumentId, type Pipeline } from '@rxtrade/core';
import { readBarsCsv } from '@rxtrade/connectors';

export const goog = defineInstrument({ symbol: 'GOOG', venue: 'NASDAQ', assetClass: 'stock', base: 'GOOG', quote: 'USD', tickSize: '0.01', lotSize: '1' });

export const { bars } = readBarsCsv('examples/sma-crossover/fixtures/goog.csv', { instrumentId: goog.id });

/** Targets +size units when the fast SMA of closes crosses above the slow one, -size when it crosses below. */
export const crossover = (instrumentId: InstrumentId, fastPeriod = 10, slowPeriod = 30, size = 100): Pipeline => (ctx) => {
  const fast = new Sma(fastPeriod);
  const slow = new Sma(slowPeriod);
  let previous: number | undefined;
  return ctx.market.bars(instrumentId).pipe(
    map((bar) => {
      const f = fast.update(bar.close);
      const s = slow.update(bar.close);
      if (f === undefined || s === undefined) return 0;
      const diff = f - s;
      const signal = previous !== undefined && previous < 0 && diff > 0 ? 1 : previous !== undefined && previous > 0 && diff < 0 ? -1 : 0;
      if (diff !== 0) previous = diff;
      return signal;
    }),
    filter((signal) => signal !== 0),
    map((signal) => ctx.orderFactory.marketToTarget({ instrumentId, target: signal * size, current: ctx.ledger.positionQuantity(instrumentId) })),
    filter((order) => order !== undefined),
  );
};

/** The crossover on GOOG, SMA(10)/SMA(30), 100 shares. */
export const pipeline = crossover(goog.id);

/** Real components wired together for tests: a BacktestClock, a SimulatedVenue and an OrderManager. */
import {
  BacktestClock,
  OrderFactory,
  defineInstrument,
  instrumentRegistry,
  strategyId,
  type Bar,
  type InstrumentId,
  type OrderEvent,
  type OrderFilled,
  type Quote,
  type Trade,
} from '@rxtrade/core';
import type { FeeModel } from '../fee-model';
import type { OrderAnomaly } from '../order-anomaly';
import { OrderManager } from '../order-manager';
import { SimulatedVenue, type SimulatedVenueConfig } from '../simulated-venue';

export const goog = defineInstrument({
  symbol: 'GOOG', venue: 'NASDAQ', assetClass: 'stock', base: 'GOOG', quote: 'USD', tickSize: '0.01', lotSize: '1',
});
export const btc = defineInstrument({
  symbol: 'BTCUSDT', venue: 'BINANCE', assetClass: 'spot', base: 'BTC', quote: 'USDT', tickSize: '0.1', lotSize: '0.001', minNotional: '10',
});

export const DAY = 86_400_000;

export function bar(instrumentId: InstrumentId, ts: number, open: number, high: number, low: number, close: number, volume = 1000): Bar {
  return { type: 'Bar', instrumentId, ts, open, high, low, close, volume };
}

export function setup(options: { feeModel?: FeeModel; start?: number } = {}) {
  return setupWith(options.feeModel ? { feeModel: options.feeModel } : {}, options.start);
}

/** {@link setup} with any venue settings. */
export function setupWith(config: Partial<Omit<SimulatedVenueConfig, 'clock' | 'instruments'>>, start = 0) {
  const clock = new BacktestClock(start);
  const instruments = instrumentRegistry([goog, btc]);
  const venue = new SimulatedVenue({ clock, instruments, ...config });
  const manager = new OrderManager({ clock, instruments, venue });
  const factory = new OrderFactory(clock, instruments, strategyId('test'), 'O');
  const events: OrderEvent[] = [];
  const anomalies: OrderAnomaly[] = [];
  manager.events.subscribe((e) => events.push(e));
  manager.anomalies.subscribe((a) => anomalies.push(a));
  managers.set(manager, venue);
  return { clock, instruments, venue, manager, factory, events, anomalies };
}

const managers = new WeakMap<OrderManager, SimulatedVenue>();

/** The venue a fixture's order manager sends to. */
export function venueOf(manager: OrderManager): SimulatedVenue {
  const venue = managers.get(manager);
  if (venue === undefined) throw new Error('not a fixture order manager');
  return venue;
}

export function quote(instrumentId: InstrumentId, ts: number, bid: number, ask: number, bidSize = 0, askSize = 0): Quote {
  return { type: 'Quote', instrumentId, ts, bid, ask, bidSize, askSize };
}

export function trade(instrumentId: InstrumentId, ts: number, price: number, size: number): Trade {
  return { type: 'Trade', instrumentId, ts, price, size, aggressor: 'NONE', tradeId: `t${ts}` };
}

/** A SimulatedVenue alone on a BacktestClock (no order manager), with every event it emits recorded. */
export function venueHarness(config: Partial<Omit<SimulatedVenueConfig, 'clock' | 'instruments'>> = {}, start = 0) {
  const clock = new BacktestClock(start);
  const instruments = instrumentRegistry([goog, btc]);
  const venue = new SimulatedVenue({ clock, instruments, ...config });
  const events: OrderEvent[] = [];
  venue.events.subscribe((e) => events.push(e));
  const factory = new OrderFactory(clock, instruments, strategyId('s'), 'V');
  const fills = (): OrderFilled[] => events.filter((e): e is OrderFilled => e.type === 'OrderFilled');
  /** `price x quantity (liquidity)` of every fill, in order. */
  const fillSummary = (): string[] => fills().map((f) => `${f.price.toString()} x ${f.quantity.toString()} ${f.liquiditySide}`);
  const types = (): string[] => events.map((e) => e.type);
  return { clock, instruments, venue, events, factory, fills, fillSummary, types };
}

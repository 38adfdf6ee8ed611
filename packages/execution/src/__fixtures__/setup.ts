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
} from '@rxtrade/core';
import type { FeeModel } from '../fee-model';
import type { OrderAnomaly } from '../order-anomaly';
import { OrderManager } from '../order-manager';
import { SimulatedVenue } from '../simulated-venue';

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
  const clock = new BacktestClock(options.start ?? 0);
  const instruments = instrumentRegistry([goog, btc]);
  const venue = new SimulatedVenue({ clock, instruments, ...(options.feeModel ? { feeModel: options.feeModel } : {}) });
  const manager = new OrderManager({ clock, instruments, venue });
  const factory = new OrderFactory(clock, instruments, strategyId('test'), 'O');
  const events: OrderEvent[] = [];
  const anomalies: OrderAnomaly[] = [];
  manager.events.subscribe((e) => events.push(e));
  manager.anomalies.subscribe((a) => anomalies.push(a));
  return { clock, instruments, venue, manager, factory, events, anomalies };
}

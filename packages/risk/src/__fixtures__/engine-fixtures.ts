/** Builders shared by the engine's tests (not part of the package). */
import {
  BacktestClock,
  Decimal,
  defineInstrument,
  type ClientOrderId,
  type DecimalLike,
  type InstrumentId,
  type ModifyOrder,
  type OrderSide,
  type OrderType,
  type StrategyId,
  type SubmitOrder,
} from '@rxtrade/core';
import { RiskEngine } from '../risk-engine';
import type { RiskEngineConfig } from '../config';

export const aapl = defineInstrument({ symbol: 'AAPL', venue: 'NASDAQ', assetClass: 'stock', base: 'AAPL', quote: 'USD', tickSize: '0.01', lotSize: '1', minNotional: '1' });
export const btc = defineInstrument({ symbol: 'BTCUSDT', venue: 'BINANCE', assetClass: 'spot', base: 'BTC', quote: 'USD', tickSize: '0.01', lotSize: '0.00001', minNotional: '5' });
export const es = defineInstrument({ symbol: 'ES', venue: 'CME', assetClass: 'future', base: 'ES', quote: 'USD', tickSize: '0.25', lotSize: '1', multiplier: '50' });
export const instruments = [aapl, btc, es];
export const tags = { [aapl.id]: ['tech', 'us'], [btc.id]: ['crypto'], [es.id]: ['index', 'us'] };

export const T0 = Date.UTC(2024, 0, 2, 14, 30);

/** An engine on a BacktestClock at T0 with the given config. */
export function makeEngine(config: Partial<RiskEngineConfig> = {}): { engine: RiskEngine; clock: BacktestClock } {
  const clock = new BacktestClock(T0);
  const engine = new RiskEngine({ clock, instruments, tags, ...config });
  return { engine, clock };
}

let seq = 0;
/** A submit command. */
export function submit(o: {
  instrumentId?: InstrumentId;
  side?: OrderSide;
  quantity?: DecimalLike;
  price?: DecimalLike;
  triggerPrice?: DecimalLike;
  orderType?: OrderType;
  strategyId?: string;
  id?: string;
}): SubmitOrder {
  const orderType = o.orderType ?? (o.price !== undefined ? 'LIMIT' : 'MARKET');
  return {
    type: 'SubmitOrder',
    clientOrderId: (o.id ?? `T-${++seq}`) as ClientOrderId,
    strategyId: (o.strategyId ?? 'alpha') as StrategyId,
    instrumentId: o.instrumentId ?? aapl.id,
    side: o.side ?? 'BUY',
    orderType,
    quantity: new Decimal(o.quantity ?? 10),
    price: o.price === undefined ? undefined : new Decimal(o.price),
    triggerPrice: o.triggerPrice === undefined ? undefined : new Decimal(o.triggerPrice),
    timeInForce: 'GTC',
    expireTime: undefined,
    reduceOnly: false,
    postOnly: false,
    ts: T0,
  };
}

/** A modify command. */
export function modify(id: string, changes: { quantity?: DecimalLike; price?: DecimalLike; instrumentId?: InstrumentId; strategyId?: string }): ModifyOrder {
  return {
    type: 'ModifyOrder',
    clientOrderId: id as ClientOrderId,
    strategyId: (changes.strategyId ?? 'alpha') as StrategyId,
    instrumentId: changes.instrumentId ?? aapl.id,
    quantity: changes.quantity === undefined ? undefined : new Decimal(changes.quantity),
    price: changes.price === undefined ? undefined : new Decimal(changes.price),
    triggerPrice: undefined,
    ts: T0,
  };
}

/** An open order for a snapshot. */
export function openOrder(o: { id: string; instrumentId?: InstrumentId; side?: OrderSide; quantity: DecimalLike; price?: DecimalLike; filled?: DecimalLike; strategyId?: string; orderType?: OrderType }) {
  return {
    clientOrderId: o.id,
    strategyId: o.strategyId ?? 'alpha',
    instrumentId: o.instrumentId ?? aapl.id,
    side: o.side ?? 'BUY',
    orderType: o.orderType ?? (o.price === undefined ? 'MARKET' : 'LIMIT'),
    quantity: new Decimal(o.quantity),
    filledQuantity: new Decimal(o.filled ?? 0),
    price: o.price === undefined ? undefined : new Decimal(o.price),
    triggerPrice: undefined,
  } as const;
}

export const prices = { [aapl.id]: { last: 100, mid: 100.01 }, [btc.id]: { last: 40000, mid: 40000.5 }, [es.id]: { last: 4800, mid: 4800.125 } };

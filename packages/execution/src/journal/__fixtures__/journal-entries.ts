/**
 * One journal entry of every kind and shape the journal stores, with Decimals that a float would not
 * keep ('0.1', '123456789.123456789012345678', '1e-30'), for the round-trip and crash tests.
 */
import { Decimal, clientOrderId, instrumentId, strategyId, tradeId, venueOrderId, type OrderFilled, type SubmitOrder } from '@rxtrade/core';
import type { JournalEntry } from '../journal-codec';

const inst = instrumentId('BTCUSDT.BINANCE');
const strat = strategyId('mm-1');
const T = Date.UTC(2024, 0, 2, 9, 30);

export const limitOrder: SubmitOrder = {
  type: 'SubmitOrder',
  clientOrderId: clientOrderId('O-1'),
  strategyId: strat,
  instrumentId: inst,
  side: 'BUY',
  orderType: 'LIMIT',
  quantity: new Decimal('123456789.123456789012345678'),
  price: new Decimal('0.1'),
  triggerPrice: undefined,
  timeInForce: 'GTC',
  expireTime: undefined,
  reduceOnly: false,
  postOnly: true,
  ts: T,
};

const trailing: SubmitOrder = {
  type: 'SubmitOrder',
  clientOrderId: clientOrderId('O-2'),
  strategyId: strat,
  instrumentId: inst,
  side: 'SELL',
  orderType: 'TRAILING_STOP_LIMIT',
  quantity: new Decimal('0.00000001'),
  price: undefined,
  triggerPrice: new Decimal('42000.5'),
  timeInForce: 'GTD',
  expireTime: T + 86_400_000,
  reduceOnly: true,
  postOnly: false,
  ts: T,
  trailingOffset: new Decimal('1.5'),
  trailingOffsetType: 'PERCENT',
  limitOffset: new Decimal('1e-30'),
  contingencyType: 'OCO',
  linkedOrderIds: [clientOrderId('O-3')],
};

const { linkedOrderIds: _linked, ...trailingFields } = trailing;
const child: SubmitOrder = { ...trailingFields, clientOrderId: clientOrderId('O-3'), contingencyType: 'OTO', parentOrderId: clientOrderId('O-1') };

export const orderFilled: OrderFilled = {
  type: 'OrderFilled',
  tradeId: tradeId('T-77'),
  clientOrderId: clientOrderId('O-1'),
  venueOrderId: venueOrderId('V-9'),
  strategyId: strat,
  instrumentId: inst,
  side: 'BUY',
  quantity: new Decimal('0.1'),
  price: new Decimal('123456789.123456789012345678'),
  commission: new Decimal('0.0000123456789'),
  commissionCurrency: 'USDT',
  liquiditySide: 'MAKER',
  ts: T + 5,
  tsInit: T + 6,
};

const base = { clientOrderId: clientOrderId('O-1'), strategyId: strat, instrumentId: inst, ts: T + 1, tsInit: T + 1 };

/** Every record kind: each command type, several order events, each market data type, each marker. */
export const everyKind: readonly JournalEntry[] = [
  { ts: T, kind: 'marker', payload: { type: 'NodeStarted', nodeId: 'node-a' } },
  { ts: T, kind: 'command', payload: limitOrder },
  { ts: T, kind: 'command', payload: trailing },
  {
    ts: T,
    kind: 'command',
    payload: { type: 'SubmitOrderList', orderListId: 'L-1', strategyId: strat, instrumentId: inst, orders: [limitOrder, child], ts: T },
  },
  { ts: T, kind: 'command', payload: { type: 'CancelOrder', clientOrderId: clientOrderId('O-1'), strategyId: strat, instrumentId: inst, ts: T } },
  {
    ts: T,
    kind: 'command',
    payload: { type: 'ModifyOrder', clientOrderId: clientOrderId('O-1'), strategyId: strat, instrumentId: inst, quantity: undefined, price: new Decimal('0.3'), triggerPrice: undefined, ts: T },
  },
  { ts: T + 1, kind: 'orderEvent', payload: { type: 'OrderSubmitted', ...base } },
  { ts: T + 2, kind: 'orderEvent', payload: { type: 'OrderAccepted', ...base, venueOrderId: venueOrderId('V-9') } },
  { ts: T + 3, kind: 'orderEvent', payload: { type: 'OrderUpdated', ...base, quantity: new Decimal('7'), price: new Decimal('0.2'), triggerPrice: undefined } },
  { ts: T + 4, kind: 'orderEvent', payload: { type: 'OrderRejected', ...base, reason: 'post-only would take' } },
  { ts: T + 5, kind: 'orderEvent', payload: orderFilled },
  { ts: T + 6, kind: 'marketData', payload: { type: 'Bar', instrumentId: inst, ts: T, open: 100.1, high: 101.25, low: 99.5, close: 100.75, volume: 12345.678 } },
  { ts: T + 7, kind: 'marketData', payload: { type: 'Quote', instrumentId: inst, ts: T, bid: 0.1, ask: 0.30000000000000004, bidSize: 1, askSize: 2.5 } },
  { ts: T + 8, kind: 'marketData', payload: { type: 'Trade', instrumentId: inst, ts: T, price: 42000.01, size: 0.003, aggressor: 'SELLER', tradeId: 'x1' } },
  {
    ts: T + 9,
    kind: 'marketData',
    payload: { type: 'OrderBookSnapshot', instrumentId: inst, ts: T, sequence: 10, bids: [{ price: 99, size: 1 }, { price: 98, size: 3 }], asks: [{ price: 101, size: 2 }] },
  },
  { ts: T + 10, kind: 'marketData', payload: { type: 'OrderBookDelta', instrumentId: inst, ts: T, sequence: 11, bids: [{ price: 99, size: 0 }], asks: [] } },
  { ts: T + 11, kind: 'marker', payload: { type: 'ReconciliationDone', nodeId: 'node-a', ordersChecked: 3, eventsApplied: 1 } },
  { ts: T + 12, kind: 'marker', payload: { type: 'NodeStopped', nodeId: 'node-a', reason: 'SIGTERM' } },
];

/** A typical fill record, as the benchmark and the crash test append it. */
export function fillEntry(n: number): JournalEntry {
  return { ts: T + n, kind: 'orderEvent', payload: { ...orderFilled, tradeId: tradeId(`T-${n}`), ts: T + n, tsInit: T + n } };
}

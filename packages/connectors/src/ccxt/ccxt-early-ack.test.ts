/**
 * Acknowledgements read from raw private WebSocket messages: the payloads are the venues' documented
 * examples (Binance's spot `executionReport` and USD-M `ORDER_TRADE_UPDATE`, Bybit v5's `order` topic,
 * Coinbase Advanced Trade's `user` channel), trimmed to the fields in question.
 */
import ccxt from 'ccxt';
import { describe, expect, it } from 'vitest';
import { rawOrderAcks, readsRawAcks, tapOrderAcks } from './ccxt-early-ack';

const executionReport = (over: Record<string, unknown> = {}) => ({
  e: 'executionReport', E: 1499405658658, s: 'ETHBTC', c: 'mUvoqJxFIILMdfAW5iGSOW', S: 'BUY', o: 'LIMIT', f: 'GTC', q: '1.00000000', p: '0.10264410',
  x: 'NEW', X: 'NEW', r: 'NONE', i: 4293153, l: '0.00000000', z: '0.00000000', T: 1499405658657, t: -1, O: 1499405658657, ...over,
});

describe('rawOrderAcks', () => {
  it('reads a new Binance spot order, bare (listen key) or wrapped in a WebSocket API subscription event', () => {
    const expected = [{ clientOrderId: 'mUvoqJxFIILMdfAW5iGSOW', venueOrderId: '4293153', ts: 1499405658657 }];
    expect(rawOrderAcks('binance', executionReport())).toEqual(expected);
    expect(rawOrderAcks('binance', { subscriptionId: 0, event: executionReport() })).toEqual(expected);
  });

  it('reads nothing from a Binance report of a trade, a cancel, a replace or a rejection, nor from other events', () => {
    expect(rawOrderAcks('binance', executionReport({ x: 'TRADE', X: 'PARTIALLY_FILLED' }))).toBeUndefined();
    expect(rawOrderAcks('binance', executionReport({ x: 'CANCELED', X: 'CANCELED', C: 'mUvoqJxFIILMdfAW5iGSOW', c: 'cancel-1' }))).toBeUndefined();
    expect(rawOrderAcks('binance', executionReport({ x: 'REPLACED', X: 'NEW' }))).toBeUndefined();
    expect(rawOrderAcks('binance', executionReport({ x: 'REJECTED', X: 'REJECTED' }))).toBeUndefined();
    expect(rawOrderAcks('binance', { subscriptionId: 0, event: { e: 'outboundAccountPosition', E: 1, u: 1, B: [] } })).toBeUndefined();
    expect(rawOrderAcks('binance', { e: 'executionReport', x: 'NEW', X: 'NEW', i: 1 })).toBeUndefined(); // no client order id
  });

  it('reads a new Binance USD-M order from ORDER_TRADE_UPDATE', () => {
    const update = { e: 'ORDER_TRADE_UPDATE', E: 1568879465651, T: 1568879465650, o: { s: 'BTCUSDT', c: 'TEST', S: 'SELL', o: 'TRAILING_STOP_MARKET', x: 'NEW', X: 'NEW', i: 8886774, T: 1568879465650 } };
    expect(rawOrderAcks('binanceusdm', update)).toEqual([{ clientOrderId: 'TEST', venueOrderId: '8886774', ts: 1568879465650 }]);
    expect(rawOrderAcks('binanceusdm', { ...update, o: { ...update.o, x: 'TRADE', X: 'FILLED' } })).toBeUndefined();
  });

  it('reads the new orders of a Bybit order message, and no other status', () => {
    const message = {
      id: '5923240c6880ab-c59f-420b-9adb-3639adc9dd90', topic: 'order', creationTime: 1672364262474,
      data: [
        { category: 'linear', symbol: 'ETHUSDT', orderId: '5cf98598-39a7-459e-97bf-76ca765ee020', orderLinkId: 'rx-1', orderStatus: 'New', createdTime: '1672364262444' },
        { category: 'linear', symbol: 'ETHUSDT', orderId: '0b3a2c3d-aaaa-bbbb-cccc-000000000002', orderLinkId: 'rx-2', orderStatus: 'Filled', createdTime: '1672364262445' },
        { category: 'linear', symbol: 'ETHUSDT', orderId: '0b3a2c3d-aaaa-bbbb-cccc-000000000003', orderLinkId: 'rx-3', orderStatus: 'Cancelled', rejectReason: 'EC_PostOnlyWillTakeLiquidity', createdTime: '1672364262446' },
      ],
    };
    expect(rawOrderAcks('bybit', message)).toEqual([{ clientOrderId: 'rx-1', venueOrderId: '5cf98598-39a7-459e-97bf-76ca765ee020', ts: 1672364262444 }]);
    expect(rawOrderAcks('bybit', { ...message, topic: 'execution' })).toBeUndefined();
    expect(rawOrderAcks('bybit', { ...message, topic: 'order.spot' })).toHaveLength(1);
  });

  it('reads the open orders of a Coinbase user channel message', () => {
    const message = {
      channel: 'user', client_id: '', timestamp: '2023-02-09T20:33:57.609931463Z', sequence_num: 0,
      events: [{ type: 'update', orders: [
        { order_id: 'XXX', client_order_id: 'YYY', cumulative_quantity: '0', leaves_quantity: '0.000994', avg_price: '0', total_fees: '0', status: 'OPEN', product_id: 'BTC-USD', creation_time: '2022-12-07T19:42:18.719312Z', order_side: 'BUY', order_type: 'Limit' },
        { order_id: 'ZZZ', client_order_id: 'WWW', status: 'FILLED', creation_time: '2022-12-07T19:42:18.719312Z' },
      ] }],
    };
    expect(rawOrderAcks('coinbase', message)).toEqual([{ clientOrderId: 'YYY', venueOrderId: 'XXX', ts: Date.parse('2022-12-07T19:42:18.719312Z') }]);
    expect(rawOrderAcks('coinbase', { ...message, channel: 'ticker' })).toBeUndefined();
  });

  it('reads nothing for an exchange without a reader', () => {
    expect(readsRawAcks('kraken')).toBe(false);
    expect(rawOrderAcks('kraken', executionReport())).toBeUndefined();
  });
});

describe('tapOrderAcks', () => {
  it('hands each acknowledgement to every tap before ccxt handles the message; a tap that throws does not keep it from ccxt; removed taps hear nothing', () => {
    const ex = new ccxt.pro.binance();
    const seen: string[] = [];
    const exAny = ex as unknown as { handleMessage: (client: unknown, message: unknown) => unknown };
    exAny.handleMessage = (_client, message) => void seen.push(`ccxt ${(message as { e: string }).e}`);
    const untapA = tapOrderAcks(ex, (a) => void seen.push(`a ${a.clientOrderId}`));
    const untapB = tapOrderAcks(ex, () => {
      throw new Error('tap failed');
    });
    exAny.handleMessage({}, executionReport());
    expect(seen).toEqual(['a mUvoqJxFIILMdfAW5iGSOW', 'ccxt executionReport']);
    untapA();
    untapB();
    exAny.handleMessage({}, executionReport());
    expect(seen).toEqual(['a mUvoqJxFIILMdfAW5iGSOW', 'ccxt executionReport', 'ccxt executionReport']);
  });

  it('leaves an exchange without a reader untouched', () => {
    const ex = new ccxt.pro.kraken();
    const before = (ex as unknown as { handleMessage: unknown }).handleMessage;
    tapOrderAcks(ex, () => undefined)();
    expect((ex as unknown as { handleMessage: unknown }).handleMessage).toBe(before);
  });
});

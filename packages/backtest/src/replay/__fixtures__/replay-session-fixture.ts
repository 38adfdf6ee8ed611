/**
 * A small recorded session for the replay tests: five one-minute BTCUSDT bars, a strategy that buys on
 * the first bar and sells on the third, and a writer of live journals whose fills, fees and times each
 * test chooses. The module is also the strategy module the CLI test loads (`export strategy`).
 */
import { filter, map } from 'rxjs';
import {
  BacktestClock,
  clientOrderId,
  Decimal,
  OrderFactory,
  defineInstrument,
  instrumentRegistry,
  strategyId,
  tradeId,
  venueOrderId,
  type Bar,
  type OrderSide,
  type Pipeline,
} from '@rxtrade/core';
import { FileJournal } from '@rxtrade/execution';
import type { StrategyDefinition } from '../../search/types';

export const btc = defineInstrument({ symbol: 'BTCUSDT', venue: 'BINANCE', assetClass: 'spot', base: 'BTC', quote: 'USDT', tickSize: '0.01', lotSize: '0.001' });
export const T0 = Date.UTC(2024, 0, 2);
export const MINUTE = 60_000;

/** Bars 0…4 (open, high, low, close): opens 100, 101, 102, 104, 105; the last close is 106. */
export const bars: readonly Bar[] = [
  [100, 101, 99, 100.5],
  [101, 103, 100, 102],
  [102, 105, 101, 104],
  [104, 106, 103, 105],
  [105, 107, 104, 106],
].map(([open, high, low, close], i) => ({ type: 'Bar', instrumentId: btc.id, ts: T0 + i * MINUTE, open: open!, high: high!, low: low!, close: close!, volume: 1000 }));

/** Buys `size` at market on bar 0 and sells `size` on bar 2: simulated fills at the opens of bars 1 and 3. */
export function buyThenSell(size: number | string = 2): Pipeline {
  return (ctx) =>
    ctx.market.bars(btc.id).pipe(
      map((_, i) => i),
      filter((i) => i === 0 || i === 2),
      map((i) => ctx.orderFactory.market({ instrumentId: btc.id, side: i === 0 ? 'BUY' : 'SELL', quantity: size })),
    );
}

/** The strategy module's export for the CLI: params `{ size }`. */
export const strategy: StrategyDefinition<{ size?: number }> = { name: 'buy-then-sell', pipeline: (p) => buyThenSell(p.size ?? 2) };

/** One fill of a live order: time, quantity, price and commission (USDT). */
export interface LiveFillSpec {
  readonly ts: number;
  readonly quantity: string;
  readonly price: string;
  readonly commission: string;
}

/** A live order: its side, when it was issued and acknowledged, its fills, and whether it was canceled after them. */
export interface LiveOrderSpec {
  readonly side: OrderSide;
  readonly quantity: string;
  readonly commandTs: number;
  readonly ackTs: number;
  readonly fills: readonly LiveFillSpec[];
  readonly canceledTs?: number;
  /** The client order id, instead of the factory's next one (a restarted node issues ids with a new run prefix). */
  readonly clientOrderId?: string;
}

/**
 * Writes a live session to a journal in `dir`: NodeStarted, every bar, then each order's command,
 * acknowledgement, fills (and cancel), with client order ids `live-1`, `live-2`… of strategy `live`.
 */
export async function writeLiveSession(dir: string, orders: readonly LiveOrderSpec[], options: { readonly strategy?: string; readonly marketData?: boolean } = {}): Promise<void> {
  const clock = new BacktestClock(T0);
  const factory = new OrderFactory(clock, instrumentRegistry([btc]), strategyId(options.strategy ?? 'live'));
  const journal = await FileJournal.open({ dir, fsync: 'never' });
  try {
    await journal.append({ ts: T0, kind: 'marker', payload: { type: 'NodeStarted', nodeId: 'node-1' } });
    if (options.marketData !== false) for (const bar of bars) await journal.append({ ts: bar.ts, kind: 'marketData', payload: bar });
    let trade = 0;
    for (const o of orders) {
      clock.advanceTo(o.commandTs);
      const made = factory.market({ instrumentId: btc.id, side: o.side, quantity: o.quantity });
      const command = o.clientOrderId === undefined ? made : { ...made, clientOrderId: clientOrderId(o.clientOrderId) };
      const base = { clientOrderId: command.clientOrderId, strategyId: command.strategyId, instrumentId: btc.id };
      const venueId = venueOrderId(`V-${command.clientOrderId}`);
      await journal.append({ ts: o.commandTs, kind: 'command', payload: command });
      await journal.append({ ts: o.commandTs, kind: 'orderEvent', payload: { type: 'OrderSubmitted', ...base, ts: o.commandTs, tsInit: o.commandTs } });
      await journal.append({ ts: o.ackTs, kind: 'orderEvent', payload: { type: 'OrderAccepted', ...base, venueOrderId: venueId, ts: o.ackTs, tsInit: o.ackTs } });
      for (const f of o.fills)
        await journal.append({
          ts: f.ts,
          kind: 'orderEvent',
          payload: {
            type: 'OrderFilled', ...base, tradeId: tradeId(`T-${++trade}`), venueOrderId: venueId, side: o.side,
            quantity: new Decimal(f.quantity), price: new Decimal(f.price), commission: new Decimal(f.commission), commissionCurrency: 'USDT',
            liquiditySide: 'TAKER', ts: f.ts, tsInit: f.ts,
          },
        });
      if (o.canceledTs !== undefined) await journal.append({ ts: o.canceledTs, kind: 'orderEvent', payload: { type: 'OrderCanceled', ...base, ts: o.canceledTs, tsInit: o.canceledTs } });
    }
    await journal.append({ ts: T0 + 5 * MINUTE, kind: 'marker', payload: { type: 'NodeStopped', nodeId: 'node-1', reason: 'done' } });
  } finally {
    await journal.close();
  }
}

/** The live session that does exactly what the simulation does (commission 0.1%). */
export const identicalSession: readonly LiveOrderSpec[] = [
  { side: 'BUY', quantity: '2', commandTs: T0, ackTs: T0, fills: [{ ts: T0 + MINUTE, quantity: '2', price: '101', commission: '0.202' }] },
  { side: 'SELL', quantity: '2', commandTs: T0 + 2 * MINUTE, ackTs: T0 + 2 * MINUTE, fills: [{ ts: T0 + 3 * MINUTE, quantity: '2', price: '104', commission: '0.208' }] },
];

/**
 * The conformance harness of `SimulatedVenue` (with a cash account, so that it refuses what the
 * account cannot pay for): the reference every adapter is held to, and an example of a harness. Its
 * market is scripted with quotes and trade prints handed to `process`, as the node hands it market data.
 */
import { AggressorSide, Decimal, LiveClock, defineInstrument, instrumentRegistry, type OrderSide } from '@rxtrade/core';
import { SimulatedAccount, SimulatedVenue } from '@rxtrade/execution';
import type { VenueHarness, VenueHarnessFactory } from './harness';

/**
 * A harness factory for a `SimulatedVenue` trading `BTCUSDT.SIM` (tick 0.01, lot 0.00001) from a cash
 * account of 100,000 USDT; the market starts at 29,999 / 30,001. It cannot drop its connection (it is
 * in process) nor restart without losing its state: those scenarios are skipped with the reason.
 *
 * @example
 * ```ts
 * import { describe, it } from 'vitest';
 * describeVenueConformance(simulatedVenueHarness(), { describe, it });
 * ```
 */
export function simulatedVenueHarness(): VenueHarnessFactory {
  return {
    name: 'SimulatedVenue',
    unsupported: {
      dropConnection: 'a SimulatedVenue runs in process and is always CONNECTED',
      restart: 'a SimulatedVenue keeps its orders in memory: a restart of the process loses them (the live node scenarios reuse the venue instead)',
    },
    create: async (): Promise<VenueHarness> => {
      const clock = new LiveClock();
      const btc = defineInstrument({ symbol: 'BTCUSDT', venue: 'SIM', assetClass: 'spot', base: 'BTC', quote: 'USDT', tickSize: '0.01', lotSize: '0.00001' });
      const instruments = instrumentRegistry([btc]);
      const account = new SimulatedAccount({ type: 'CASH', instruments, startingBalances: { USDT: 100_000 } });
      const venue = new SimulatedVenue({ clock, instruments, account, limitFill: 'touch' });
      let trades = 0;
      const tradeAgainst = async (side: OrderSide, price: Decimal, quantity: Decimal): Promise<void> => {
        const aggressor = side === 'BUY' ? AggressorSide.SELLER : AggressorSide.BUYER;
        venue.process({ type: 'Trade', instrumentId: btc.id, ts: clock.now(), price: price.toNumber(), size: quantity.toNumber(), aggressor, tradeId: `X-${++trades}` });
      };
      return {
        venue,
        instrument: btc,
        quantity: new Decimal('0.01'),
        bid: new Decimal('29999'),
        ask: new Decimal('30001'),
        rejection: { quantity: new Decimal('100'), reason: /insufficient/i },
        setMarket: async (bid, ask) => venue.process({ type: 'Quote', instrumentId: btc.id, ts: clock.now(), bid: bid.toNumber(), ask: ask.toNumber(), bidSize: 100, askSize: 100 }),
        tradeAgainst,
        placeExternalOrder: async (o) => {
          venue.submit({ type: 'SubmitOrder', clientOrderId: o.clientOrderId as never, strategyId: 'elsewhere' as never, instrumentId: btc.id, side: o.side, orderType: 'LIMIT', quantity: o.quantity, price: o.price, triggerPrice: undefined, timeInForce: 'GTC', expireTime: undefined, reduceOnly: false, postOnly: false, ts: clock.now() });
        },
        addExternalPosition: async (quantity, price) => {
          // Bought elsewhere (another program on the same account): a limit at the price, taken by a print.
          venue.submit({ type: 'SubmitOrder', clientOrderId: `ext-${Date.now()}` as never, strategyId: 'elsewhere' as never, instrumentId: btc.id, side: 'BUY', orderType: 'LIMIT', quantity, price, triggerPrice: undefined, timeInForce: 'GTC', expireTime: undefined, reduceOnly: false, postOnly: false, ts: clock.now() });
          await tradeAgainst('BUY', price, quantity);
        },
        account: {
          baseCurrency: 'USDT',
          cash: async () => (await venue.balances()).find((b) => b.currency === 'USDT')?.total ?? new Decimal(0),
        },
        timeoutMs: 2000,
        close: async () => undefined,
      };
    },
  };
}

/**
 * The conformance harness of the ccxt adapter on the fake Coinbase Advanced Trade (spot): the venue is
 * built by the public `ccxtVenue` helper with the fake's ccxt overrides (urls, httpAgent, options), the
 * market scripted on the fake's book, a restart is a new `ccxtVenue` on the same account, a dropped
 * connection is the fake closing every socket, and external orders come from a second ccxt client.
 */
import ccxt from 'ccxt';
import type { Exchange } from 'ccxt';
import { Decimal, type ExecutionClient } from '@rxtrade/core';
import { ccxtVenue, type CcxtVenue } from '../../ccxt-venue';
import type { VenueHarness, VenueHarnessFactory } from '../../../testing/venue-conformance/harness';
import { coinbaseCcxtOptions } from '../fake-coinbase/ccxt-options';
import { FakeCoinbase } from '../fake-coinbase/fake-coinbase';
import { waitFor } from '../fake-exchange/wait-for';

/** The `ccxtVenue` options that point it at `fake` (the overrides `coinbaseCcxtOptions` gives a ccxt constructor). */
export function fakeCoinbaseVenueOptions(fake: FakeCoinbase) {
  const o = coinbaseCcxtOptions(fake) as {
    apiKey: string; secret: string; urls: Record<string, never>; httpAgent: import('node:http').Agent; options: Record<string, unknown>;
  };
  return {
    credentials: { apiKey: o.apiKey, secret: o.secret },
    urls: o.urls,
    httpAgent: o.httpAgent,
    exchangeOptions: o.options,
    timeoutMs: 2000,
    rateLimit: 1,
    pollIntervalMs: 50,
    backoff: { initialDelayMs: 20, maxDelayMs: 200, jitter: 0 },
    marketTypes: ['spot'] as 'spot'[],
    symbols: ['BTC/USD'],
  };
}

/**
 * The harness of the ccxt adapter on the fake Coinbase: BTC/USD, 100,000 USD, Coinbase's fees (0.4 %
 * maker, 0.6 % taker, in USD).
 */
export function fakeCoinbaseHarness(): VenueHarnessFactory {
  return {
    name: 'ccxt coinbase on the fake Coinbase (spot)',
    scenarioTimeoutMs: 20_000,
    create: async (): Promise<VenueHarness> => {
      const fake = await FakeCoinbase.start({ balances: { USD: 100_000 } });
      const book = fake.venue;
      const open = async (): Promise<CcxtVenue> => {
        const v = await ccxtVenue('coinbase', fakeCoinbaseVenueOptions(fake));
        await waitFor(() => v.execution.status === 'CONNECTED' || undefined, 'the ccxt execution client on the fake Coinbase', 5000);
        return v;
      };
      let venue = await open();
      const first = venue.execution as ExecutionClient;
      const instrument = venue.instruments.instruments[0]!;
      const symbol = venue.instruments.symbolOf(instrument.id);
      let other: Exchange | undefined;
      const otherClient = (): Exchange => (other ??= new ccxt.coinbase(coinbaseCcxtOptions(fake)));
      const bid = new Decimal(29_999);
      const ask = new Decimal(30_001);
      let top = { bid: bid.toNumber(), ask: ask.toNumber() };
      const setMarket = async (b: Decimal, a: Decimal): Promise<void> => {
        top = { bid: b.toNumber(), ask: a.toNumber() };
        book.setBook('BTC-USD', { bids: [[top.bid, 100]], asks: [[top.ask, 100]] });
      };
      return {
        venue: first,
        instrument,
        quantity: new Decimal('0.01'),
        bid,
        ask,
        rejection: { quantity: new Decimal(100), reason: /insufficient/i },
        setMarket,
        tradeAgainst: async (side, price, quantity) => {
          // The scripted liquidity on that side steps aside, so that the print reaches the account's order.
          if (side === 'BUY') book.setBook('BTC-USD', { bids: [], asks: [[top.ask, 100]] });
          else book.setBook('BTC-USD', { bids: [[top.bid, 100]], asks: [] });
          book.trade('BTC-USD', { side: side === 'BUY' ? 'sell' : 'buy', price: price.toNumber(), qty: quantity.toNumber() });
          book.setBook('BTC-USD', { bids: [[top.bid, 100]], asks: [[top.ask, 100]] });
        },
        restart: async () => {
          await venue.close();
          venue = await open();
          return venue.execution;
        },
        dropConnection: async () => fake.restart(),
        placeExternalOrder: async (o) => {
          await otherClient().createOrder(symbol, 'limit', o.side === 'BUY' ? 'buy' : 'sell', o.quantity.toNumber(), o.price.toNumber(), { client_order_id: o.clientOrderId }); // ccxt's Coinbase puts its own id unless given by this name
        },
        addExternalPosition: async (quantity) => {
          book.setBalance('BTC', quantity.toNumber()); // deposited, or bought elsewhere
        },
        account: {
          baseCurrency: 'USD',
          cash: async () => (await venue.execution.balances()).find((b) => b.currency === 'USD')?.total ?? new Decimal(0),
        },
        timeoutMs: 5000,
        close: async () => {
          await venue.close();
          await (other as unknown as { close?: () => Promise<void> } | undefined)?.close?.();
          await fake.stop();
        },
      };
    },
  };
}

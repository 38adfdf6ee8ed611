/**
 * Conformance harnesses of the ccxt adapter on the fake Bybit (v5, one unified account), spot and USDT
 * perpetuals: the venue is built by the public `ccxtVenue` helper with the fake's ccxt overrides (urls,
 * httpAgent, options), the market scripted on the fake's book, a restart is a new `ccxtVenue` on the same
 * account, a dropped connection is the fake closing every socket, and external orders come from a second
 * ccxt client.
 */
import ccxt from 'ccxt';
import type { Exchange } from 'ccxt';
import { Decimal, type ExecutionClient } from '@rxtrade/core';
import { ccxtVenue, type CcxtVenue } from '../../ccxt-venue';
import type { VenueHarness, VenueHarnessFactory } from '../../../testing/venue-conformance/harness';
import { bybitCcxtOptions } from '../fake-bybit/ccxt-options';
import { FakeBybit } from '../fake-bybit/fake-bybit';
import { waitFor } from '../fake-exchange/wait-for';

/** The `ccxtVenue` options that point it at `fake` (the overrides `bybitCcxtOptions` gives a ccxt constructor). */
export function fakeBybitVenueOptions(fake: FakeBybit, market: 'spot' | 'linear') {
  const o = bybitCcxtOptions(fake, { types: [market] }) as {
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
    fundingPollMs: 0,
    backoff: { initialDelayMs: 20, maxDelayMs: 200, jitter: 0 },
    marketTypes: [market === 'spot' ? 'spot' : 'swap'] as ('spot' | 'swap')[],
    symbols: [market === 'spot' ? 'BTC/USDT' : 'BTC/USDT:USDT'],
  };
}

/**
 * The harness of the ccxt adapter on the fake Bybit, with Bybit's default fees: `spot` (BTC/USDT,
 * 100,000 USDT in the unified account; a buy's fee is charged in BTC) or `linear` (BTC/USDT:USDT, a
 * 100,000 USDT wallet, leverage 10).
 */
export function fakeBybitHarness(market: 'spot' | 'linear'): VenueHarnessFactory {
  return {
    name: market === 'spot' ? 'ccxt bybit on the fake Bybit (spot)' : 'ccxt bybit on the fake Bybit (USDT perpetual)',
    scenarioTimeoutMs: 20_000,
    create: async (): Promise<VenueHarness> => {
      const fake = await FakeBybit.start(market === 'spot' ? { balances: { USDT: 100_000 } } : { linearWallet: { USDT: 100_000 } });
      const book = market === 'spot' ? fake.spot : fake.linear;
      const open = async (): Promise<CcxtVenue> => {
        const v = await ccxtVenue('bybit', fakeBybitVenueOptions(fake, market));
        await waitFor(() => v.execution.status === 'CONNECTED' || undefined, 'the ccxt execution client on the fake Bybit', 5000);
        return v;
      };
      let venue = await open();
      const first = venue.execution as ExecutionClient;
      const instrument = venue.instruments.instruments[0]!;
      const symbol = venue.instruments.symbolOf(instrument.id);
      let other: Exchange | undefined;
      const otherClient = (): Exchange => (other ??= new ccxt.bybit(bybitCcxtOptions(fake, { types: [market] })));
      const bid = new Decimal(29_999);
      const ask = new Decimal(30_001);
      let top = { bid: bid.toNumber(), ask: ask.toNumber() };
      const setMarket = async (b: Decimal, a: Decimal): Promise<void> => {
        top = { bid: b.toNumber(), ask: a.toNumber() };
        book.setBook('BTCUSDT', { bids: [[top.bid, 100]], asks: [[top.ask, 100]] });
        if (market === 'linear') book.setMarkPrice('BTCUSDT', (top.bid + top.ask) / 2);
      };
      return {
        venue: first,
        instrument,
        quantity: new Decimal('0.01'),
        bid,
        ask,
        rejection: { quantity: new Decimal(market === 'spot' ? 50 : 900), reason: market === 'spot' ? /insufficient/i : /not enough/i },
        setMarket,
        tradeAgainst: async (side, price, quantity) => {
          // The scripted liquidity on that side steps aside, so that the print reaches the account's order.
          if (side === 'BUY') book.setBook('BTCUSDT', { bids: [], asks: [[top.ask, 100]] });
          else book.setBook('BTCUSDT', { bids: [[top.bid, 100]], asks: [] });
          book.trade('BTCUSDT', { side: side === 'BUY' ? 'sell' : 'buy', price: price.toNumber(), qty: quantity.toNumber() });
          book.setBook('BTCUSDT', { bids: [[top.bid, 100]], asks: [[top.ask, 100]] });
        },
        restart: async () => {
          await venue.close();
          venue = await open();
          return venue.execution;
        },
        dropConnection: async () => fake.restart(),
        placeExternalOrder: async (o) => {
          await otherClient().createOrder(symbol, 'limit', o.side === 'BUY' ? 'buy' : 'sell', o.quantity.toNumber(), o.price.toNumber(), { clientOrderId: o.clientOrderId });
        },
        addExternalPosition: async (quantity) => {
          if (market === 'spot') fake.spot.setBalance('BTC', quantity.toNumber()); // deposited, or bought elsewhere
          else await otherClient().createOrder(symbol, 'market', 'buy', quantity.toNumber());
        },
        account: {
          baseCurrency: 'USDT',
          cash: async () => (await venue.execution.balances()).find((b) => b.currency === 'USDT')?.total ?? new Decimal(0),
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

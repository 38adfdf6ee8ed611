/**
 * Conformance harnesses of the ccxt adapter on the fake Binance, spot and USDⓈ-M: the venue is built by
 * the public `ccxtVenue` helper with the fake's ccxt overrides (urls, exceptions, httpAgent, options), the
 * market scripted on the fake's book, a restart is a new `ccxtVenue` on the same account, a dropped
 * connection is the fake closing every socket, and external orders come from a second ccxt client.
 */
import ccxt from 'ccxt';
import type { Exchange } from 'ccxt';
import { Decimal, type ExecutionClient } from '@rxtrade/core';
import { ccxtVenue, type CcxtVenue } from '../../ccxt-venue';
import type { VenueHarness, VenueHarnessFactory } from '../../../testing/venue-conformance/harness';
import { binanceCcxtOptions } from '../fake-binance/ccxt-options';
import { FakeBinance } from '../fake-binance/fake-binance';

/** The `ccxtVenue` options that point it at `fake` (the overrides `binanceCcxtOptions` gives a ccxt constructor). */
export function fakeBinanceVenueOptions(fake: Pick<FakeBinance, 'apiKey' | 'secret' | 'httpUrl' | 'wsUrl'>, market: 'spot' | 'linear') {
  const o = binanceCcxtOptions(fake, { market }) as {
    apiKey: string; secret: string; urls: Record<string, never>; exceptions: Record<string, never>; httpAgent: import('node:http').Agent; options: Record<string, unknown>;
  };
  return {
    credentials: { apiKey: o.apiKey, secret: o.secret },
    urls: o.urls,
    exceptions: o.exceptions,
    httpAgent: o.httpAgent,
    exchangeOptions: o.options,
    timeoutMs: 2000,
    rateLimit: 1,
    pollIntervalMs: 50,
    backoff: { initialDelayMs: 20, maxDelayMs: 200, jitter: 0 },
    marketTypes: [market === 'spot' ? 'spot' : 'swap'] as ('spot' | 'swap')[],
    symbols: [market === 'spot' ? 'BTC/USDT' : 'BTC/USDT:USDT'],
  };
}

/** Waits until the execution client says CONNECTED. */
async function connected(venue: CcxtVenue): Promise<void> {
  const until = Date.now() + 5000;
  while (venue.execution.status !== 'CONNECTED') {
    if (Date.now() > until) throw new Error('the ccxt execution client did not connect to the fake Binance');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * The harness of the ccxt adapter on the fake Binance: `spot` (`binance`, BTC/USDT, a cash account of
 * 100,000 USDT, Binance's default fees: a buy's commission in BTC) or `linear` (`binanceusdm`,
 * BTC/USDT:USDT, a 100,000 USDT wallet, Binance's default fees).
 */
export function fakeBinanceHarness(market: 'spot' | 'linear'): VenueHarnessFactory {
  return {
    name: market === 'spot' ? 'ccxt binance on the fake Binance (spot)' : 'ccxt binanceusdm on the fake Binance (USDⓈ-M)',
    scenarioTimeoutMs: 20_000,
    create: async (): Promise<VenueHarness> => {
      const fake = await FakeBinance.start({ balances: { USDT: 100_000 }, futuresWallet: { USDT: 100_000 } });
      const book = market === 'spot' ? fake.spot : fake.futures;
      const exchangeId = market === 'spot' ? 'binance' : 'binanceusdm';
      const open = async (): Promise<CcxtVenue> => {
        const v = await ccxtVenue(exchangeId, fakeBinanceVenueOptions(fake, market));
        await connected(v);
        return v;
      };
      let venue = await open();
      const first = venue.execution as ExecutionClient;
      const instrument = venue.instruments.instruments[0]!;
      const symbol = venue.instruments.symbolOf(instrument.id);
      let other: Exchange | undefined;
      const otherClient = (): Exchange => (other ??= new (market === 'spot' ? ccxt.binance : ccxt.binanceusdm)(binanceCcxtOptions(fake, { market })));
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
        rejection: { quantity: new Decimal(market === 'spot' ? 100 : 900), reason: /insufficient/i },
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

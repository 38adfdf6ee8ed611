/**
 * Conformance harnesses of the ccxt adapter on the fake Binance, spot and USDⓈ-M: the venue is built by
 * the public `ccxtVenue` helper with the fake's ccxt overrides (urls, exceptions, httpAgent, options), the
 * market scripted on the fake's book, a restart is a new `ccxtVenue` on the same account, a dropped
 * connection is the fake closing every socket, and external orders come from a second ccxt client.
 */
import ccxt from 'ccxt';
import { Decimal } from '@rxtrade/core';
import { ccxtVenue } from '../../ccxt-venue';
import type { VenueHarness, VenueHarnessFactory } from '../../../testing/venue-conformance/harness';
import { binanceCcxtOptions } from '../fake-binance/ccxt-options';
import { FakeBinance } from '../fake-binance/fake-binance';
import { ccxtFakeHarness, openConnected } from './ccxt-fake-harness';

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
      const exchangeId = market === 'spot' ? 'binance' : 'binanceusdm';
      return ccxtFakeHarness({
        fake,
        book: market === 'spot' ? fake.spot : fake.futures,
        marketId: 'BTCUSDT',
        open: () => openConnected(() => ccxtVenue(exchangeId, fakeBinanceVenueOptions(fake, market)), 'the fake Binance'),
        otherClient: () => new (market === 'spot' ? ccxt.binance : ccxt.binanceusdm)(binanceCcxtOptions(fake, { market })),
        cash: 'USDT',
        markPrice: market === 'linear',
        rejection: { quantity: new Decimal(market === 'spot' ? 100 : 900), reason: /insufficient/i },
        clientOrderIdParam: 'clientOrderId',
        addExternalPosition: async (quantity, other) => {
          if (market === 'spot') fake.spot.setBalance('BTC', quantity.toNumber()); // deposited, or bought elsewhere
          else await other.createOrder('BTC/USDT:USDT', 'market', 'buy', quantity.toNumber());
        },
      });
    },
  };
}

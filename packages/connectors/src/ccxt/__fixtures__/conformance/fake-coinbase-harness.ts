/**
 * The conformance harness of the ccxt adapter on the fake Coinbase Advanced Trade (spot): the venue is
 * built by the public `ccxtVenue` helper with the fake's ccxt overrides (urls, httpAgent, options), the
 * market scripted on the fake's book, a restart is a new `ccxtVenue` on the same account, a dropped
 * connection is the fake closing every socket, and external orders come from a second ccxt client.
 */
import ccxt from 'ccxt';
import { Decimal } from '@rxtrade/core';
import { ccxtVenue } from '../../ccxt-venue';
import type { VenueHarness, VenueHarnessFactory } from '../../../testing/venue-conformance/harness';
import { coinbaseCcxtOptions } from '../fake-coinbase/ccxt-options';
import { FakeCoinbase } from '../fake-coinbase/fake-coinbase';
import { ccxtFakeHarness, openConnected } from './ccxt-fake-harness';

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
      return ccxtFakeHarness({
        fake,
        book: fake.venue,
        marketId: 'BTC-USD',
        open: () => openConnected(() => ccxtVenue('coinbase', fakeCoinbaseVenueOptions(fake)), 'the fake Coinbase'),
        otherClient: () => new ccxt.coinbase(coinbaseCcxtOptions(fake)),
        cash: 'USD',
        markPrice: false,
        rejection: { quantity: new Decimal(100), reason: /insufficient/i },
        clientOrderIdParam: 'client_order_id', // ccxt's Coinbase puts its own id unless given by this name
        addExternalPosition: async (quantity) => void fake.venue.setBalance('BTC', quantity.toNumber()), // deposited, or bought elsewhere
      });
    },
  };
}

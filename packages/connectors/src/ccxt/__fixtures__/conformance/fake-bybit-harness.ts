/**
 * Conformance harnesses of the ccxt adapter on the fake Bybit (v5, one unified account), spot and USDT
 * perpetuals: the venue is built by the public `ccxtVenue` helper with the fake's ccxt overrides (urls,
 * httpAgent, options), the market scripted on the fake's book, a restart is a new `ccxtVenue` on the same
 * account, a dropped connection is the fake closing every socket, and external orders come from a second
 * ccxt client.
 */
import ccxt from 'ccxt';
import { Decimal } from '@rxtrade/core';
import { ccxtVenue } from '../../ccxt-venue';
import type { VenueHarness, VenueHarnessFactory } from '../../../testing/venue-conformance/harness';
import { bybitCcxtOptions } from '../fake-bybit/ccxt-options';
import { FakeBybit } from '../fake-bybit/fake-bybit';
import { ccxtFakeHarness, openConnected } from './ccxt-fake-harness';

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
      return ccxtFakeHarness({
        fake,
        book: market === 'spot' ? fake.spot : fake.linear,
        marketId: 'BTCUSDT',
        open: () => openConnected(() => ccxtVenue('bybit', fakeBybitVenueOptions(fake, market)), 'the fake Bybit'),
        otherClient: () => new ccxt.bybit(bybitCcxtOptions(fake, { types: [market] })),
        cash: 'USDT',
        markPrice: market === 'linear',
        rejection: { quantity: new Decimal(market === 'spot' ? 50 : 900), reason: market === 'spot' ? /insufficient/i : /not enough/i },
        clientOrderIdParam: 'clientOrderId',
        addExternalPosition: async (quantity, other) => {
          if (market === 'spot') fake.spot.setBalance('BTC', quantity.toNumber()); // deposited, or bought elsewhere
          else await other.createOrder('BTC/USDT:USDT', 'market', 'buy', quantity.toNumber());
        },
      });
    },
  };
}

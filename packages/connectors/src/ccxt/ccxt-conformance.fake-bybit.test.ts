/**
 * The venue conformance suite against the ccxt adapter on the fake Bybit, spot and USDT perpetuals
 * (each scenario starts its own fake and loads its markets).
 */
import { describe, it } from 'vitest';
import { describeVenueConformance } from '../testing/venue-conformance/run';
import { fakeBybitHarness } from './__fixtures__/conformance/fake-bybit-harness';

describeVenueConformance(fakeBybitHarness('spot'), { describe, it });
describeVenueConformance(fakeBybitHarness('linear'), { describe, it });

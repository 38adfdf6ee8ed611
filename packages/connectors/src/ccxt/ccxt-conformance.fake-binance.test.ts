/**
 * The venue conformance suite against the ccxt adapter on the fake Binance, spot and USDⓈ-M (about
 * 10 s a venue: each scenario starts its own fake and loads its markets).
 */
import { describe, it } from 'vitest';
import { describeVenueConformance } from '../testing/venue-conformance/run';
import { fakeBinanceHarness } from './__fixtures__/conformance/fake-binance-harness';

describeVenueConformance(fakeBinanceHarness('spot'), { describe, it });
describeVenueConformance(fakeBinanceHarness('linear'), { describe, it });

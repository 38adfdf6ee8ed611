/**
 * The venue conformance suite against the ccxt adapter on the fake Coinbase Advanced Trade, spot (each
 * scenario starts its own fake and loads its markets).
 */
import { describe, it } from 'vitest';
import { describeVenueConformance } from '../testing/venue-conformance/run';
import { fakeCoinbaseHarness } from './__fixtures__/conformance/fake-coinbase-harness';

describeVenueConformance(fakeCoinbaseHarness(), { describe, it });

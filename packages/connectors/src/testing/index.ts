/**
 * `@rxtrade/connectors/testing`: what the tests of a venue adapter use, here or in another package.
 * The venue conformance suite: scenarios every `ExecutionClient` must pass, a harness interface to
 * implement per venue, runners for a test framework or on their own, and the `SimulatedVenue`'s harness.
 */
// Venue conformance: scenarios, harness, runners
export {
  HarnessFeature,
  venueConformanceScenarios,
  runVenueConformance,
  describeVenueConformance,
  runScenario,
  skipReason,
  knownFailure,
  ConformanceFailure,
  EventLog,
  Orders,
  waitUntil,
  expectThat,
  freshId,
  simulatedVenueHarness,
} from './venue-conformance/index';
export type { VenueHarness, VenueHarnessFactory, ConformanceScenario, ConformanceResult, TestFramework } from './venue-conformance/index';

export { HarnessFeature } from './harness';
export type { VenueHarness, VenueHarnessFactory } from './harness';
export { venueConformanceScenarios } from './scenarios';
export type { ConformanceScenario } from './scenarios';
export { runVenueConformance, describeVenueConformance, runScenario, skipReason, knownFailure } from './run';
export type { ConformanceResult, TestFramework } from './run';
export { ConformanceFailure, EventLog, Orders, waitUntil, expectThat, freshId } from './tools';
export { simulatedVenueHarness } from './simulated-venue-harness';

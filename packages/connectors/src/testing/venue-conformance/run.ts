/**
 * Runs the venue conformance scenarios against a harness factory: on its own
 * (`runVenueConformance`, results as data) or as one test per scenario in any runner with
 * `describe`/`it`/`it.skip` (`describeVenueConformance`: vitest, jest, mocha, node:test's `describe`).
 */
import type { HarnessFeature, VenueHarnessFactory } from './harness';
import { venueConformanceScenarios, type ConformanceScenario } from './scenarios';

/**
 * The outcome of one scenario.
 *
 * @example
 * ```ts
 * const failed = results.filter((r) => r.status === 'failed').map((r) => `${r.scenario}: ${r.message}`);
 * ```
 */
export interface ConformanceResult {
  readonly venue: string;
  readonly scenario: string;
  readonly status: 'passed' | 'failed' | 'skipped';
  /** Why it was skipped, or what differed. */
  readonly message?: string;
  readonly ms: number;
}

/** The reason a factory cannot run a scenario, or undefined when it can. */
export function skipReason(factory: VenueHarnessFactory, scenario: ConformanceScenario): string | undefined {
  for (const feature of scenario.needs) {
    const why = factory.unsupported?.[feature as HarnessFeature];
    if (why !== undefined) return `${feature}: ${why}`;
  }
  return undefined;
}

/** The known defect that makes `scenario` fail on this factory's venue, if one is declared. */
export function knownFailure(factory: VenueHarnessFactory, scenario: ConformanceScenario): string | undefined {
  for (const [prefix, why] of Object.entries(factory.knownFailures ?? {})) if (scenario.name.startsWith(prefix)) return why;
  return undefined;
}

/** Runs a scenario declared as a known failure: passes when it fails, fails (saying so) when it passes. */
async function runKnownFailure(factory: VenueHarnessFactory, scenario: ConformanceScenario, why: string): Promise<string> {
  try {
    await runScenario(factory, scenario);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  throw new Error(`${scenario.name}: passes now, but is listed in knownFailures (${why}); remove the entry`);
}

/** Runs one scenario on a fresh harness and closes it, whatever happened. */
export async function runScenario(factory: VenueHarnessFactory, scenario: ConformanceScenario): Promise<void> {
  const harness = await factory.create();
  try {
    for (const feature of scenario.needs) {
      const present = feature === 'liveNode' ? harness.account !== undefined : feature === 'externalOrder' ? harness.placeExternalOrder !== undefined : feature === 'externalPosition' ? harness.addExternalPosition !== undefined : harness[feature] !== undefined;
      if (!present) throw new Error(`the harness of ${factory.name} has no ${feature}; give it one, or list it in unsupported with the reason`);
    }
    await scenario.run(harness);
  } finally {
    await harness.close();
  }
}

/**
 * Runs every scenario (or those named) one after the other and returns the results; never throws for
 * a failed scenario.
 *
 * @example
 * ```ts
 * const results = await runVenueConformance(simulatedVenueHarness());
 * console.log(results.map((r) => `${r.status} ${r.scenario}`).join('\n'));
 * ```
 */
export async function runVenueConformance(factory: VenueHarnessFactory, options: { readonly only?: readonly string[] } = {}): Promise<ConformanceResult[]> {
  const out: ConformanceResult[] = [];
  for (const scenario of venueConformanceScenarios) {
    if (options.only !== undefined && !options.only.some((n) => scenario.name.startsWith(n))) continue;
    const skip = skipReason(factory, scenario);
    if (skip !== undefined) {
      out.push({ venue: factory.name, scenario: scenario.name, status: 'skipped', message: skip, ms: 0 });
      continue;
    }
    const t0 = Date.now();
    const known = knownFailure(factory, scenario);
    if (known !== undefined) {
      try {
        const message = await runKnownFailure(factory, scenario, known);
        out.push({ venue: factory.name, scenario: scenario.name, status: 'skipped', message: `known failure (${known}): ${message}`, ms: Date.now() - t0 });
      } catch (error) {
        out.push({ venue: factory.name, scenario: scenario.name, status: 'failed', message: (error as Error).message, ms: Date.now() - t0 });
      }
      continue;
    }
    try {
      await runScenario(factory, scenario);
      out.push({ venue: factory.name, scenario: scenario.name, status: 'passed', ms: Date.now() - t0 });
    } catch (error) {
      out.push({ venue: factory.name, scenario: scenario.name, status: 'failed', message: error instanceof Error ? error.message : String(error), ms: Date.now() - t0 });
    }
  }
  return out;
}

/** The parts of a test framework `describeVenueConformance` needs (vitest's and jest's `describe` and `it` fit). */
export interface TestFramework {
  describe(name: string, body: () => void): unknown;
  it: {
    (name: string, body: () => Promise<void>, timeoutMs?: number): unknown;
    skip(name: string, body: () => Promise<void> | void): unknown;
  };
}

/**
 * Declares one test per scenario in a `describe` block named after the venue: a scenario the harness
 * cannot run is a skipped test whose name says why.
 *
 * @example
 * ```ts
 * import { describe, it } from 'vitest';
 * describeVenueConformance(simulatedVenueHarness(), { describe, it });
 * ```
 */
export function describeVenueConformance(factory: VenueHarnessFactory, framework: TestFramework): void {
  framework.describe(`venue conformance: ${factory.name}`, () => {
    for (const scenario of venueConformanceScenarios) {
      const skip = skipReason(factory, scenario);
      const known = knownFailure(factory, scenario);
      if (skip !== undefined) framework.it.skip(`${scenario.name} [skipped: ${skip}]`, () => undefined);
      else if (known !== undefined)
        framework.it(`${scenario.name} [known failure, required to fail: ${known}]`, async () => void (await runKnownFailure(factory, scenario, known)), factory.scenarioTimeoutMs ?? 15_000);
      else framework.it(scenario.name, () => runScenario(factory, scenario), factory.scenarioTimeoutMs ?? 15_000);
    }
  });
}

/**
 * Records how a run was set up on its result, so that a report made later (from the result file)
 * prints the strategy, its parameters and the cost assumptions: the venue's commission or fee model,
 * slippage, latency and the other venue settings, exactly as the run config gave them.
 */
import type { RunResult, RunSettings } from '../result';

/** The parts of a run config (`RunConfig`, parsed or not) that settings are taken from. */
export interface RunSettingsSource {
  readonly strategy?: string;
  readonly parameters?: Readonly<Record<string, unknown>>;
  readonly run: {
    readonly instruments: ReadonlyArray<{ readonly symbol: string; readonly venue: string; readonly id?: string | undefined }>;
    readonly venue?: object;
    readonly venues?: readonly object[] | undefined;
  };
}

/**
 * The settings of a run from its config: costs are the venue's settings (each venue's, by id, when
 * there are several), instruments their ids.
 *
 * @example
 * ```ts
 * const settings = runSettingsFromConfig({ strategy: 'sma-crossover', parameters: { fast: 10, slow: 30 }, run: config.run });
 * settings.costs; // { commission: 0.002 }
 * ```
 */
export function runSettingsFromConfig(source: RunSettingsSource): RunSettings {
  const { run } = source;
  const costs: Record<string, unknown> = run.venues ? Object.fromEntries(run.venues.map((v, i) => [String((v as { id?: unknown }).id ?? `venue ${i + 1}`), v])) : { ...(run.venue ?? {}) };
  return {
    ...(source.strategy !== undefined ? { strategy: source.strategy } : {}),
    ...(source.parameters !== undefined ? { parameters: source.parameters } : {}),
    costs,
    instruments: run.instruments.map((i) => i.id ?? `${i.symbol}.${i.venue}`),
  };
}

/**
 * Attaches settings to a result (in place; `resultToJson` then writes them and `renderReport` prints them).
 *
 * @example
 * ```ts
 * const result = withRunSettings(await runBacktest(pipeline, config), { parameters: { fast: 10 }, costs: { commission: 0.002 } });
 * ```
 */
export function withRunSettings<T extends RunResult>(result: T, settings: RunSettings): T {
  Object.defineProperty(result, 'settings', { value: settings, enumerable: true, configurable: true, writable: false });
  return result;
}

/**
 * `driftMonitor`: watches a stream of feature rows (or of predictions) against the training data and
 * raises an alert when a feature's recent values stop looking like it: a population stability index
 * above a threshold or a two-sample Kolmogorov-Smirnov p-value below one. Items pass through
 * unchanged; alerts go to a callback, once when a feature drifts and once when it comes back.
 */
import { Observable, type MonoTypeOperatorFunction } from 'rxjs';
import { z } from 'zod';
import { parseWith, ValidationError } from '@rxtrade/core';
import { ksTwoSampleSorted, psiBins, type KsTestResult, type PsiBins } from './drift-statistics';

/** A feature's drift starting (`DriftDetected`) or ending (`DriftCleared`). */
export interface DriftAlert {
  readonly type: 'DriftDetected' | 'DriftCleared';
  /** `ts` of the item whose check changed the state (undefined when items carry none). */
  readonly ts: number | undefined;
  readonly feature: string;
  /** The feature's index in each row. */
  readonly index: number;
  /** PSI of the recent window against the reference. */
  readonly psi: number;
  /** KS test of the recent window against the reference. */
  readonly ks: KsTestResult;
  /** Which thresholds were crossed (empty for `DriftCleared`). */
  readonly breached: readonly ('psi' | 'ks')[];
}

/** Every feature's statistics at one check. */
export interface DriftReport {
  readonly ts: number | undefined;
  readonly features: readonly { readonly feature: string; readonly psi: number; readonly ks: KsTestResult; readonly drifted: boolean }[];
}

/** Options of {@link driftMonitor}. */
export interface DriftMonitorConfig<I> {
  /** The training data: one array of values per row, in the order of `names`. */
  readonly reference: readonly ArrayLike<number>[];
  /** Names of the columns (features, or outputs when monitoring predictions). */
  readonly names: readonly string[];
  /** The values of an item (default: its `values`, as a `FeatureRow` has; `(p) => p.output` for predictions). */
  readonly select?: (item: I) => ArrayLike<number>;
  /** Recent values compared with the reference (default 250). */
  readonly window?: number;
  /** Items between checks, once the window is full (default 50). */
  readonly every?: number;
  /** Alert thresholds: PSI above `psi` (default 0.25) or KS p-value below `ksPValue` (default 0.01). Set one to `null` to ignore that statistic. */
  readonly thresholds?: { readonly psi?: number | null; readonly ksPValue?: number | null };
  /** Bins of the PSI (default 10, at the reference's deciles). */
  readonly bins?: number;
  readonly onAlert: (alert: DriftAlert) => void;
  /** Called at every check with every feature's figures. */
  readonly onReport?: (report: DriftReport) => void;
}

const fn = z.custom<(...args: never[]) => unknown>((f) => typeof f === 'function', 'must be a function');
const ConfigSchema = z.strictObject({
  reference: z.array(z.custom<ArrayLike<number>>((r) => typeof (r as ArrayLike<number>)?.length === 'number', 'must be an array of numbers')).min(2, 'needs at least 2 rows'),
  names: z.array(z.string().min(1)).min(1),
  select: fn.optional(),
  window: z.number().int().min(2).default(250),
  every: z.number().int().positive().default(50),
  thresholds: z.strictObject({ psi: z.number().positive().nullable().default(0.25), ksPValue: z.number().gt(0).lt(1).nullable().default(0.01) }).default({ psi: 0.25, ksPValue: 0.01 }),
  bins: z.number().int().min(2).default(10),
  onAlert: fn,
  onReport: fn.optional(),
});

/**
 * Passes items through and checks each feature of the last `window` items against the reference every
 * `every` items.
 *
 * @example
 * ```ts
 * ctx.market.bars(id).pipe(
 *   features,
 *   driftMonitor({ reference: trainingRows.map((r) => r.values), names: features.names, onAlert: (a) => ctx.logger.warn('drift', { ...a }) }),
 *   predictVersioned(wf, { work: ctx.work }),
 *   driftMonitor({ reference: trainingPredictions, names: ['y'], select: (p) => p.output, onAlert }),
 * );
 * ```
 */
export function driftMonitor<I>(config: DriftMonitorConfig<I>): MonoTypeOperatorFunction<I> {
  const c = parseWith(ConfigSchema, config, 'driftMonitor');
  const width = c.names.length;
  const columns: Float64Array[] = Array.from({ length: width }, () => new Float64Array(c.reference.length));
  c.reference.forEach((row, i) => {
    if (row.length !== width) throw new ValidationError([{ path: ['driftMonitor', 'reference', i], message: `must hold ${width} values (one per name), got ${row.length}` }]);
    for (let k = 0; k < width; k++) {
      const v = row[k]!;
      if (!Number.isFinite(v)) throw new ValidationError([{ path: ['driftMonitor', 'reference', i, k], message: `must be a finite number, got ${v}` }]);
      columns[k]![i] = v;
    }
  });
  const sortedReference = columns.map((col) => Float64Array.from(col).sort());
  const bins: PsiBins[] = columns.map((col) => psiBins(col, { bins: c.bins }));
  const select = config.select ?? ((item: I) => (item as unknown as { values: ArrayLike<number> }).values);
  const { psi: psiMax, ksPValue: pMin } = c.thresholds;

  return (source) =>
    new Observable<I>((subscriber) => {
      // A ring per feature of the last `window` values.
      const rings = Array.from({ length: width }, () => new Float64Array(c.window));
      const drifted = new Array<boolean>(width).fill(false);
      let count = 0;
      let sinceCheck = 0;
      const check = (ts: number | undefined): void => {
        const features: { feature: string; psi: number; ks: KsTestResult; drifted: boolean }[] = [];
        for (let k = 0; k < width; k++) {
          const recent = Float64Array.from(rings[k]!);
          const psi = bins[k]!.psi(recent);
          const ks = ksTwoSampleSorted(sortedReference[k]!, recent.sort());
          const breached: ('psi' | 'ks')[] = [];
          if (psiMax !== null && psi > psiMax) breached.push('psi');
          if (pMin !== null && ks.pValue < pMin) breached.push('ks');
          const now = breached.length > 0;
          features.push({ feature: c.names[k]!, psi, ks, drifted: now });
          if (now !== drifted[k]) {
            drifted[k] = now;
            config.onAlert({ type: now ? 'DriftDetected' : 'DriftCleared', ts, feature: c.names[k]!, index: k, psi, ks, breached });
          }
        }
        config.onReport?.({ ts, features });
      };
      return source.subscribe({
        next: (item) => {
          try {
            const values = select(item);
            if (values.length !== width) throw new ValidationError([{ path: ['driftMonitor', 'item'], message: `must hold ${width} values (one per name), got ${values.length}` }]);
            const slot = count % c.window;
            for (let k = 0; k < width; k++) {
              const v = values[k]!;
              if (!Number.isFinite(v)) throw new ValidationError([{ path: ['driftMonitor', 'item', c.names[k]!], message: `must be a finite number, got ${v}` }]);
              rings[k]![slot] = v;
            }
            count++;
            if (count >= c.window && (count === c.window || ++sinceCheck >= c.every)) {
              sinceCheck = 0;
              check((item as { ts?: number }).ts);
            }
          } catch (error) {
            subscriber.error(error);
            return;
          }
          subscriber.next(item);
        },
        error: (e: unknown) => subscriber.error(e),
        complete: () => subscriber.complete(),
      });
    });
}

/**
 * `toFeatures`: turns a bar stream into one `Float64Array` of named features per bar, the input of a
 * model. Each feature is an input (a bar field, by default the close, or a function of the bar), an
 * optional indicator, and optional transforms applied in order ({@link Returns}, {@link LogReturns},
 * {@link ZScore}, {@link RollingMinMax}, or any number-to-number {@link Indicator}).
 *
 * Warm-up: by default (`warmup: 'skip'`) a bar yields a row only once EVERY feature has a value, so a
 * model never sees a partial row; `warmup: 'nan'` yields a row for every bar with NaN for features that
 * are still warming up.
 *
 * No look-ahead: a row is computed from its bar and the bars before it only (every step is a
 * streaming indicator); a bar that repeats the previous `ts` revises the previous row (the forming bar
 * of {@link resample}) through the indicators' `replace`.
 */
import { Observable, type OperatorFunction } from 'rxjs';
import { z } from 'zod';
import { ValidationError } from '../errors';
import type { Bar } from '../domain/market-data';
import type { InstrumentId } from '../domain/ids';
import type { Indicator } from '../indicators/indicator';
import { parseWith } from '../validation';
import { BarField, barFieldReader, isBarField, nonFinite } from './bar-field';
import { exclusive, operate } from './operate';

/**
 * How {@link toFeatures} handles bars before every feature has a value.
 *
 * @example
 * ```ts
 * toFeatures({ features: { z: new ZScore(20) }, warmup: FeatureWarmup.NAN });
 * ```
 */
export const FeatureWarmup = {
  /** Emit no row until every feature is ready (the default). */
  SKIP: 'skip',
  /** Emit a row for every bar; features still warming up are NaN. */
  NAN: 'nan',
} as const;
export type FeatureWarmup = (typeof FeatureWarmup)[keyof typeof FeatureWarmup];

/**
 * A feature built from an input, an optional indicator, an optional output selector and transforms.
 *
 * @example
 * ```ts
 * const macdZ: FeatureDefinition = { indicator: new Macd(), select: (m) => m.histogram, then: [new ZScore(50)] };
 * ```
 */
export interface FeatureDefinition {
  /** What to feed the first step: a {@link BarField} (default `'close'`) or a function of the bar. */
  readonly input?: BarField | ((bar: Bar) => unknown);
  /** Indicator fed with the input; omit to use the input itself. */
  // Each definition has its own input and output types; `select` and the runtime checks bridge them.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly indicator?: Indicator<any, unknown>;
  /** Maps the indicator's output to a number, for indicators whose value is an object (MACD, bands). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly select?: (value: any) => number;
  /** Number-to-number transforms applied in order to the value, such as `[new ZScore(50)]`. */
  readonly then?: readonly Indicator<number, number>[];
}

/**
 * One feature: a number-input indicator fed the close, or a {@link FeatureDefinition}.
 *
 * @example
 * ```ts
 * const entries: Record<string, FeatureEntry> = { sma: new Sma(10), vol: { input: 'volume' } };
 * ```
 */
export type FeatureEntry = Indicator<number, number> | FeatureDefinition;

/**
 * One row of features: the values of `names`, in order, computed at the bar with this `ts`.
 *
 * @example
 * ```ts
 * bars$.pipe(features).subscribe((row: FeatureRow) => console.log(row.ts, row.values[features.names.indexOf('z20')]));
 * ```
 */
export interface FeatureRow {
  readonly instrumentId: InstrumentId;
  /** The `ts` of the bar the row was computed at (its open time; see resample for coarse bars). */
  readonly ts: number;
  readonly values: Float64Array;
}

/**
 * The operator from {@link toFeatures}, with the feature names in row order.
 *
 * @example
 * ```ts
 * const features: FeatureOperator = toFeatures({ features: { ret: new Returns(1) } });
 * features.names; // ['ret']
 * ```
 */
export interface FeatureOperator extends OperatorFunction<Bar, FeatureRow> {
  /** Feature names, in the order of the values in each row. */
  readonly names: readonly string[];
}

const isIndicator = (v: unknown): boolean =>
  typeof v === 'object' && v !== null && typeof (v as Indicator<unknown, unknown>).update === 'function' && typeof (v as Indicator<unknown, unknown>).replace === 'function';
const indicator = z.custom<Indicator<unknown, unknown>>(isIndicator, { message: 'must be an Indicator (with update and replace)' });
const fn = <T>(what: string) => z.custom<T>((v) => typeof v === 'function', { message: `must be ${what}` });

const FeatureEntrySchema = z.union([
  indicator,
  z
    .strictObject({
      input: z.union([z.enum(Object.values(BarField) as [BarField, ...BarField[]]), fn<(bar: Bar) => unknown>('a bar field or a function of the bar')]).optional(),
      indicator: indicator.optional(),
      select: fn<(value: unknown) => number>('a function of the indicator value').optional(),
      then: z.array(indicator).optional(),
    }),
]);

/**
 * Schema of {@link toFeatures}' options (it checks the shape: indicators have `update` and `replace`).
 *
 * @example
 * ```ts
 * ToFeaturesConfigSchema.safeParse({ features: {} }).success; // false: needs at least one feature
 * ```
 */
export const ToFeaturesConfigSchema = z.strictObject({
  /** Features by name; the row holds them in this (insertion) order. */
  features: z.record(z.string().min(1), FeatureEntrySchema).refine((f) => Object.keys(f).length > 0, { message: 'needs at least one feature' }),
  warmup: z.enum([FeatureWarmup.SKIP, FeatureWarmup.NAN]).default(FeatureWarmup.SKIP),
});
/**
 * Checks each definition of a features spec: `input` produces what the indicator takes (a bar field
 * only for number-input indicators; a number when there is no indicator), and an indicator whose value
 * is not a number has a `select`. Used as `features: F & CheckedFeatures<F>`.
 */
type CheckedFeatures<F> = {
  // A spec typed as a plain Record<string, FeatureEntry> has nothing left to check.
  readonly [K in keyof F]: FeatureEntry extends F[K]
    ? unknown
    : F[K] extends { readonly indicator: Indicator<infer I, infer O> }
      ? ([I] extends [number] ? { readonly input?: BarField | ((bar: Bar) => I) } : { readonly input: (bar: Bar) => I }) & ([O] extends [number] ? { readonly select?: (value: O) => number } : { readonly select: (value: O) => number })
      : F[K] extends Indicator<unknown, unknown>
        ? Indicator<number, number>
        : { readonly input?: BarField | ((bar: Bar) => number) };
};

/**
 * Options of {@link toFeatures} (declared by hand: the schema cannot express the function types).
 *
 * @example
 * ```ts
 * const config: ToFeaturesConfig = { features: { ret: new Returns(1), z: new ZScore(20) }, warmup: 'skip' };
 * ```
 */
export interface ToFeaturesConfig {
  /** Features by name; each row holds them in this (insertion) order. Prefer non-numeric names: JS orders integer-like keys first. */
  readonly features: Readonly<Record<string, FeatureEntry>>;
  /** `'skip'` (default): no row until every feature is ready; `'nan'`: a row per bar, NaN while warming up. */
  readonly warmup?: FeatureWarmup;
}

interface CompiledFeature {
  readonly name: string;
  readonly input: (bar: Bar) => unknown;
  readonly checkInput: boolean;
  readonly steps: readonly Indicator<unknown, unknown>[];
  /** Applied after step 0 when the first step is a user indicator with an object output. */
  readonly select: ((value: unknown) => number) | undefined;
  /** Which steps were fed at the latest bar: a revision replaces those and updates the others. */
  readonly fed: Uint8Array;
}

/**
 * Builds a feature row (`Float64Array`) per bar from named indicators and transforms; `names` on the
 * returned operator lists the columns.
 *
 * @example
 * ```ts
 * const features = toFeatures({
 *   features: {
 *     ret1: new Returns(1),
 *     logret5: new LogReturns(5),
 *     z20: new ZScore(20),
 *     smaGap: { indicator: new Sma(10), then: [new ZScore(50)] },
 *     volume: { input: 'volume', then: [new RollingMinMax(20)] },
 *   },
 * });
 * features.names; // ['ret1', 'logret5', 'z20', 'smaGap', 'volume']
 * bars$.pipe(features).subscribe((row) => model.predict(row.values));
 * ```
 */
export function toFeatures<const F extends Readonly<Record<string, FeatureEntry>>>(config: ToFeaturesConfig & { readonly features: F & CheckedFeatures<F> }): FeatureOperator {
  const { features, warmup } = parseWith(ToFeaturesConfigSchema, config, 'toFeatures');
  const compiled: CompiledFeature[] = [];
  const seen = new Set<unknown>();
  for (const [name, entry] of Object.entries(features)) {
    const def: FeatureDefinition = 'update' in entry ? { indicator: entry as Indicator<number, number> } : (entry as FeatureDefinition);
    const steps = [...(def.indicator ? [def.indicator] : []), ...(def.then ?? [])] as Indicator<unknown, unknown>[];
    for (const step of steps) {
      if (seen.has(step)) throw new ValidationError([{ path: ['toFeatures', 'features', name], message: 'uses an indicator instance already used elsewhere in the spec; give each its own instance' }]);
      seen.add(step);
    }
    const input = def.input ?? BarField.CLOSE;
    compiled.push({
      name,
      input: isBarField(input) ? barFieldReader(input, 'toFeatures') : input,
      checkInput: !isBarField(input),
      steps,
      select: def.indicator ? (def.select as ((value: unknown) => number) | undefined) : undefined,
      fed: new Uint8Array(steps.length),
    });
  }
  const names = compiled.map((f) => f.name);
  const width = names.length;
  const skipWarmup = warmup === FeatureWarmup.SKIP;
  const owner = { active: false };

  const operator: OperatorFunction<Bar, FeatureRow> = (source) =>
    new Observable<FeatureRow>((subscriber) => {
      if (!exclusive(owner, subscriber, 'toFeatures')) return;
      let lastTs = -Infinity;
      let instrument: string | undefined;
      operate(source, subscriber, (bar) => {
        if (bar.ts < lastTs) throw new ValidationError([{ path: ['bar', 'ts'], message: `bars must be in time order: ${bar.ts} came after ${lastTs}` }], { source: 'toFeatures' });
        if (instrument === undefined) instrument = bar.instrumentId;
        else if (bar.instrumentId !== instrument)
          throw new ValidationError([{ path: ['bar', 'instrumentId'], message: `one instrument per stream: got ${bar.instrumentId} after ${instrument}; split the stream with groupBy` }], {
            source: 'toFeatures',
          });
        const revise = bar.ts === lastTs;
        lastTs = bar.ts;
        const values = new Float64Array(width);
        let ready = true;
        for (let i = 0; i < width; i++) {
          const v = evaluate(compiled[i]!, bar, revise);
          if (v === undefined) {
            ready = false;
            values[i] = Number.NaN;
          } else values[i] = v;
        }
        if (ready || !skipWarmup) subscriber.next({ instrumentId: bar.instrumentId, ts: bar.ts, values });
      });
    });
  return Object.assign(operator, { names: Object.freeze(names) });
}

/** The feature's value at `bar`, or undefined while a step warms up. */
function evaluate(f: CompiledFeature, bar: Bar, revise: boolean): number | undefined {
  let x: unknown = f.input(bar);
  if (f.checkInput && typeof x === 'number' && !Number.isFinite(x)) throw nonFinite(['features', f.name, 'input'], x, bar, 'toFeatures');
  const steps = f.steps;
  const fed = f.fed;
  for (let k = 0; k < steps.length; k++) {
    const step = steps[k]!;
    // A step fed at this ts already revises its input; one fed for the first time adds it.
    let y: unknown;
    if (revise && fed[k] === 1) y = step.replace(x);
    else {
      y = step.update(x);
      fed[k] = 1;
    }
    if (k === 0 && f.select !== undefined && y !== undefined) y = f.select(y);
    if (y === undefined) {
      if (!revise) for (let j = k + 1; j < steps.length; j++) fed[j] = 0;
      return undefined;
    }
    x = y;
  }
  if (typeof x !== 'number' || !Number.isFinite(x)) throw nonFinite(['features', f.name], x, bar, 'toFeatures');
  return x;
}

/**
 * `withIndicators`: runs a set of named streaming indicators over a bar stream and attaches their
 * current values to each bar, typed by the keys of the spec.
 *
 * Shape: each bar is wrapped, `{ bar, indicators }`, never copied. Spreading the bar into a new object
 * (`{ ...bar, indicators }`) would copy seven fields per bar and give every downstream reader a second
 * object shape, and V8 reads fields fastest from objects that all have one shape.
 *
 * Inputs: an entry that is a bare indicator is fed `bar.close` (so it must take numbers); an entry
 * `{ indicator, input }` is fed `input`, a {@link BarField} name or a function of the bar (for bar-input
 * indicators such as ATR, `input: (bar) => bar`).
 *
 * Forming bars: a bar with the same `ts` as the bar before it revises that bar (the indicators'
 * `replace`), so the forming updates of {@link resample} can be fed in directly.
 */
import { Observable, type OperatorFunction } from 'rxjs';
import { z } from 'zod';
import { ValidationError } from '../errors';
import type { Bar } from '../domain/market-data';
import type { Indicator } from '../indicators/indicator';
import { parseWith } from '../validation';
import { BarField, barFieldReader, isBarField, requireFinite } from './bar-field';
import { exclusive, operate } from './operate';
import { recordFactory } from './record-factory';

/**
 * An indicator with an explicit input: a bar field, or a function of the bar.
 *
 * @example
 * ```ts
 * const highs: IndicatorFeed<number, number> = { indicator: new Sma(5), input: 'high' };
 * const atr: IndicatorFeed<Bar, number> = { indicator: new Atr(14), input: (bar) => bar };
 * ```
 */
export interface IndicatorFeed<I, O> {
  readonly indicator: Indicator<I, O>;
  /** What to feed: a {@link BarField} (for number-input indicators) or a function of the bar. */
  readonly input: BarField | ((bar: Bar) => I);
}

/**
 * One entry of a {@link withIndicators} spec: a number-input indicator (fed the close) or a feed.
 *
 * @example
 * ```ts
 * const entry: IndicatorEntry = new Sma(10);
 * ```
 */
// `any` for the feed's input type: each entry has its own, checked where the entry is written.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type IndicatorEntry = Indicator<number, unknown> | IndicatorFeed<any, unknown>;

/**
 * The spec of {@link withIndicators}: indicator entries by name.
 *
 * @example
 * ```ts
 * const spec = { fast: new Sma(10), slow: new Sma(30) } satisfies IndicatorSpec;
 * ```
 */
export type IndicatorSpec = Readonly<Record<string, IndicatorEntry>>;

/**
 * The values attached to a bar: for each key, the indicator's output type or undefined in warm-up.
 *
 * @example
 * ```ts
 * type V = IndicatorValues<{ fast: Sma }>; // { readonly fast: number | undefined }
 * ```
 */
export type IndicatorValues<S extends IndicatorSpec> = {
  readonly [K in keyof S]: S[K] extends IndicatorFeed<infer _I, infer O> ? O | undefined : S[K] extends Indicator<infer _I, infer O> ? O | undefined : never;
};

/**
 * Checks each feed of a spec: its `input` must produce what its indicator takes (a bar field only for
 * number-input indicators). Used as `spec: S & CheckedFeeds<S>`, it turns a mismatch into a type error
 * at the entry instead of a wrong value at run time.
 */
type CheckedFeeds<S> = {
  readonly [K in keyof S]: S[K] extends { readonly indicator: Indicator<infer I, unknown> }
    ? { readonly input: [I] extends [number] ? BarField | ((bar: Bar) => I) : (bar: Bar) => I }
    : unknown;
};

/**
 * A bar with the indicator values computed up to and including it.
 *
 * @example
 * ```ts
 * const onBar = ({ bar, indicators }: BarWithIndicators<{ fast: Sma }>) => console.log(bar.ts, indicators.fast);
 * ```
 */
export interface BarWithIndicators<S extends IndicatorSpec, B extends Bar = Bar> {
  readonly bar: B;
  readonly indicators: IndicatorValues<S>;
}

const isIndicator = (v: unknown): boolean =>
  typeof v === 'object' && v !== null && typeof (v as Indicator<unknown, unknown>).update === 'function' && typeof (v as Indicator<unknown, unknown>).replace === 'function';

const EntrySchema = z.union([
  z.custom<Indicator<number, unknown>>(isIndicator, { message: 'must be an Indicator (with update and replace) or { indicator, input }' }),
  z.strictObject({
    indicator: z.custom<Indicator<unknown, unknown>>(isIndicator, { message: 'must be an Indicator (with update and replace)' }),
    input: z.union([z.enum(Object.values(BarField) as [BarField, ...BarField[]]), z.custom<(bar: Bar) => unknown>((v) => typeof v === 'function', { message: 'must be a bar field or a function of the bar' })]),
  }),
]);

/**
 * Schema of a {@link withIndicators} spec: at least one entry, each an indicator or `{ indicator, input }`.
 *
 * @example
 * ```ts
 * WithIndicatorsConfigSchema.safeParse({}).success; // false: needs at least one indicator
 * ```
 */
export const WithIndicatorsConfigSchema = z
  .record(z.string(), EntrySchema)
  .refine((spec) => Object.keys(spec).length > 0, { message: 'needs at least one indicator' });
/**
 * The spec type as the schema sees it (untyped values); {@link withIndicators} takes the typed
 * {@link IndicatorSpec}.
 *
 * @example
 * ```ts
 * const raw: WithIndicatorsConfig = { sma: new Sma(3) };
 * ```
 */
export type WithIndicatorsConfig = z.infer<typeof WithIndicatorsConfigSchema>;

/**
 * Attaches the values of named indicators to each bar, as `{ bar, indicators: { name: value } }`.
 *
 * Indicators are stateful: the operator may have one subscriber at a time (a second concurrent one
 * errors with a StateError; `share()` the output instead). A non-finite input (a NaN close) errors the
 * stream with a ValidationError naming the field.
 *
 * @example
 * ```ts
 * bars$.pipe(
 *   withIndicators({ fast: new Sma(10), slow: new Sma(30), hi: { indicator: new Sma(5), input: 'high' } }),
 *   filter(({ indicators: { fast, slow } }) => fast !== undefined && slow !== undefined && fast > slow),
 * );
 * ```
 */
export function withIndicators<const S extends IndicatorSpec, B extends Bar = Bar>(spec: S & CheckedFeeds<S>): OperatorFunction<B, BarWithIndicators<S, B>> {
  parseWith(WithIndicatorsConfigSchema, spec, 'withIndicators');
  const keys = Object.keys(spec);
  const n = keys.length;
  const indicators: Indicator<unknown, unknown>[] = [];
  const inputs: ((bar: Bar) => unknown)[] = [];
  // Function inputs that return numbers are checked for finiteness too; their results name the key.
  const checkNumber: boolean[] = [];
  for (const key of keys) {
    const entry = (spec as IndicatorSpec)[key]!;
    const feed = 'indicator' in entry ? entry : undefined;
    const indicator = (feed ? feed.indicator : entry) as Indicator<unknown, unknown>;
    if (indicators.includes(indicator))
      throw new ValidationError([{ path: ['withIndicators', key], message: 'uses an indicator instance already used by another key; give each key its own instance' }]);
    indicators.push(indicator);
    const input = feed ? feed.input : BarField.CLOSE;
    inputs.push(isBarField(input) ? barFieldReader(input, 'withIndicators') : (input as (bar: Bar) => unknown));
    checkNumber.push(!isBarField(input));
  }

  // One object literal per bar, all with one shape: see record-factory.ts.
  const makeValues = recordFactory(keys);
  const owner = { active: false };
  return (source) =>
    new Observable<BarWithIndicators<S, B>>((subscriber) => {
      if (!exclusive(owner, subscriber, 'withIndicators')) return;
      let lastTs = -Infinity;
      let instrument: string | undefined;
      const scratch: unknown[] = new Array<unknown>(n).fill(undefined);
      operate(source, subscriber, (bar) => {
        if (bar.ts < lastTs)
          throw new ValidationError([{ path: ['bar', 'ts'], message: `bars must be in time order: ${bar.ts} came after ${lastTs} (${bar.instrumentId})` }], { source: 'withIndicators' });
        if (instrument === undefined) instrument = bar.instrumentId;
        else if (bar.instrumentId !== instrument)
          throw new ValidationError([{ path: ['bar', 'instrumentId'], message: `one instrument per stream: got ${bar.instrumentId} after ${instrument}; split the stream with groupBy` }], {
            source: 'withIndicators',
          });
        const revise = bar.ts === lastTs;
        lastTs = bar.ts;
        for (let i = 0; i < n; i++) {
          let input = inputs[i]!(bar);
          if (checkNumber[i] && typeof input === 'number') input = requireFinite(input, ['indicators', keys[i]!, 'input'], bar, 'withIndicators');
          const indicator = indicators[i]!;
          scratch[i] = revise ? indicator.replace(input) : indicator.update(input);
        }
        subscriber.next({ bar, indicators: makeValues(scratch) as IndicatorValues<S> });
      });
    });
}

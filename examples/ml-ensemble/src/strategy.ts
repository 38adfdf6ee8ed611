/**
 * The pipeline: each day's bar becomes a feature row and a window of the last `steps` rows; the
 * CNN+LSTM (on the window) and XGBoost (on the row) each say down, flat or up with probabilities, read
 * as a {@link Signal} (direction of P(up) - P(down), confidence |P(up) - P(down)|); `decide` weighs the
 * two by confidence and recent accuracy, with a 200-day trend rule voting in place of a model that
 * fails or has no version yet; `sizeSignals` aims the position at a volatility target; the simulated
 * venue fills the market orders at the next bar's open.
 *
 * Each model's version for a bar is the newest one trained strictly before it (`versionAt`, as
 * `predictVersioned` picks it), so the pipeline never predicts with a model that saw the bar.
 */
import { filter, map, tap } from 'rxjs';
import { Sma, window, type Bar, type InstrumentId, type Pipeline } from '@rxtrade/core';
import { decide, sizeSignals, volatilityTarget, type Decision, type DecisionMember, type Model, type ModelVersionSource, type Signal } from '@rxtrade/ml';
import { FEATURE_NAMES, features } from './features';

/** What the decision stage sees each day. */
export interface EnsembleInput {
  readonly instrumentId: InstrumentId;
  readonly ts: number;
  /** The day's close (for recent accuracy and sizing). */
  readonly close: number;
  /** The day's feature row (XGBoost's input). */
  readonly row: Float64Array;
  /** The last `steps` feature rows, oldest first (the CNN+LSTM's input). */
  readonly window: Float64Array;
  /** close / SMA(200) - 1, undefined during the first 199 days (the fallback's input). */
  readonly trend: number | undefined;
}

/** A member's signal, or its failure, on one day. */
export interface ModelCall {
  readonly model: string;
  readonly ts: number;
  readonly version: string;
  readonly direction: Signal['direction'];
  readonly confidence: number;
  readonly probabilities: readonly [number, number, number];
}

/** Options of {@link ensembleStrategy}. */
export interface EnsembleStrategyConfig {
  readonly instrumentId: InstrumentId;
  /** The CNN+LSTM's versions (input: a window of `steps` rows; output: down, flat, up, next return). */
  readonly cnn: ModelVersionSource<Model>;
  /** XGBoost's versions (input: one row; output: down, flat, up). */
  readonly xgboost: ModelVersionSource<Model>;
  /** Days per CNN+LSTM window. */
  readonly steps: number;
  /** No decision is taken before this time (the first versions' first day). */
  readonly from: number;
  /** Decisions weaker than this are flat: the position is closed (default 0.1). */
  readonly threshold?: number;
  /** Annualized volatility the position aims at, from the 20-day realized volatility (default 0.1, at most fully invested). */
  readonly targetVolatility?: number;
  /** Sees every model call and every decision, in order. */
  readonly record?: { readonly call?: (call: ModelCall) => void; readonly decision?: (decision: Decision) => void };
}

const iso = (ts: number): string => new Date(ts).toISOString().slice(0, 10);

/**
 * Direction and confidence from class probabilities [down, flat, up].
 *
 * @example
 * ```ts
 * signalOf([0.2, 0.2, 0.6]); // { direction: 'long', confidence: 0.4 } (to rounding)
 * ```
 */
export function signalOf(probabilities: ArrayLike<number>): Pick<Signal, 'direction' | 'confidence'> {
  const score = probabilities[2]! - probabilities[0]!;
  return { direction: score > 0 ? 'long' : score < 0 ? 'short' : 'flat', confidence: Math.min(1, Math.abs(score)) };
}

/**
 * A decision member from a model's versions: the version serving the day predicts `input(day)`, its
 * first three outputs are read as [down, flat, up]. No version yet is a failure, so the fallback votes.
 */
function modelMember(name: string, source: ModelVersionSource<Model>, input: (day: EnsembleInput) => Float64Array, record?: (call: ModelCall) => void): DecisionMember<EnsembleInput> {
  return {
    name,
    signal: async (day) => {
      const v = source.versionAt(day.ts);
      if (v === undefined) throw new Error(`${name} has no version trained before ${iso(day.ts)}`);
      const out = await v.model.predict(input(day), 1);
      const probabilities = [out[0]!, out[1]!, out[2]!] as const;
      if (!probabilities.every(Number.isFinite)) throw new Error(`${name} ${v.version} answered ${Array.from(out).join(', ')} on ${iso(day.ts)}`);
      const s = signalOf(probabilities);
      record?.({ model: name, ts: day.ts, version: v.version, ...s, probabilities });
      return { instrumentId: day.instrumentId, ts: day.ts, ...s, model: name, version: v.version };
    },
  };
}

/** The fallback: long above the 200-day average, short below, more sure the further away (10% is certain). */
const trendMember: DecisionMember<EnsembleInput> = {
  name: 'trend200',
  signal: (day) => {
    if (day.trend === undefined || day.trend === 0) return undefined;
    return { instrumentId: day.instrumentId, ts: day.ts, direction: day.trend > 0 ? 'long' : 'short', confidence: Math.min(1, Math.abs(day.trend) / 0.1), model: 'trend200', version: 'v1' };
  },
};

/**
 * The ensemble strategy.
 *
 * @example
 * ```ts
 * const result = await runBacktest(ensembleStrategy({ instrumentId: SP500.id, cnn, xgboost, steps: 20, from: cnn.versions[0]!.activeFrom }), config);
 * ```
 */
export function ensembleStrategy(config: EnsembleStrategyConfig): Pipeline {
  const vol20 = FEATURE_NAMES.indexOf('vol20');
  return (ctx) => {
    const sma200 = new Sma(200);
    let bar: Bar | undefined;
    let trend: number | undefined;
    // Days waiting for their decision, by ts: sizing reads the close and volatility of the decision's
    // own day, even where (live) the next bar arrives while the models answer.
    const pending = new Map<number, EnsembleInput>();
    const dayOf = (s: Signal): EnsembleInput => pending.get(s.ts)!;
    return ctx.market.bars(config.instrumentId).pipe(
      tap((b) => {
        bar = b;
        const avg = sma200.update(b.close);
        trend = avg === undefined ? undefined : b.close / avg - 1;
      }),
      features(),
      window({ size: config.steps }),
      // The window is a view valid until the next row: copy what the models read.
      map((w): EnsembleInput => ({ instrumentId: config.instrumentId, ts: w.newestTs, close: bar!.close, row: Float64Array.from(w.row(w.size - 1)), window: w.toArray(), trend })),
      filter((day) => day.ts >= config.from),
      tap((day) => pending.set(day.ts, day)),
      decide({
        members: [modelMember('cnn-lstm', config.cnn, (d) => d.window, config.record?.call), modelMember('xgboost', config.xgboost, (d) => d.row, config.record?.call)],
        fallback: trendMember,
        threshold: config.threshold ?? 0.1,
        belowThreshold: 'flat',
        accuracy: { price: (d) => d.close, horizon: 1, window: 60 },
        clock: ctx.clock,
        work: ctx.work,
      }),
      tap((d) => {
        config.record?.decision?.(d);
        for (const ts of pending.keys()) if (ts < d.ts) pending.delete(ts);
      }),
      sizeSignals({
        ctx,
        sizing: volatilityTarget({ target: config.targetVolatility ?? 0.1, volatility: (s) => dayOf(s).row[vol20]!, maxLeverage: 1 }),
        price: (s) => dayOf(s).close,
        tolerance: 0.25,
      }),
    );
  };
}

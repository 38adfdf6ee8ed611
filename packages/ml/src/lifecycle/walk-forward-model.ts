/**
 * `walkForwardModel`: retraining inside a backtest without look-ahead, as FreqAI does. Before the
 * backtest, the model is trained once per retraining time on the rows up to that time only (every N
 * rows or at each calendar period); the backtest's model stage ({@link predictVersioned}) then predicts
 * each row with the newest version trained strictly before it. Training runs here, outside the
 * pipeline, never inside a stage; the pipeline only picks versions.
 *
 * The trainer is handed a copy of the rows up to the retraining time and nothing else, so whatever it
 * does (labels from later rows of its set, a model that memorises), it cannot see a row that its
 * version will predict. Every version records its training window and the hash of its data, and is
 * saved to a {@link ModelRegistry} when one is given.
 */
import { z } from 'zod';
import { parseWith, ValidationError } from '@rxtrade/core';
import type { Model } from '../models/model';
import { ModelRegistry } from './model-registry';
import { versionId, type ModelVersion, type ModelVersionSource, type TrainedModel, type Trainer } from './model-version';
import { RetrainScheduleSchema, RetrainTrigger, trainingSlice, TrainingWindowRuleSchema, type RetrainSchedule, type TrainingWindowRule } from './retrain-schedule';
import { hashTrainingData, type TrainingRow } from './training-data-hash';

/** Options of {@link walkForwardModel}. */
export interface WalkForwardModelConfig<R extends TrainingRow, M extends Model> {
  /** Every row of the backtest, in time order (the output of `toFeatures` over its bars). */
  readonly rows: readonly R[];
  /** Feature names, in the order of each row's values (`features.names`); default `f0`, `f1`, …. */
  readonly names?: readonly string[];
  /** When to retrain. */
  readonly retrain: RetrainSchedule;
  /** Which past rows a training sees: `'anchored'` (default, every row so far) or `{ rollingBars: n }`. */
  readonly window?: TrainingWindowRule;
  /** Rows needed before the first training. */
  readonly minTrainingRows: number;
  /** Trains a model on a set of rows; may be asynchronous. */
  readonly train: Trainer<R, M>;
  /** Where to save each version (files, scalers, metrics, window, hash, parent). */
  readonly registry?: ModelRegistry;
}

const ConfigSchema = z.strictObject({
  rows: z.array(z.custom<TrainingRow>((r) => typeof (r as TrainingRow)?.ts === 'number' && typeof (r as TrainingRow)?.values?.length === 'number', 'must be a row { ts, values }')),
  names: z.array(z.string().min(1)).min(1).optional(),
  retrain: RetrainScheduleSchema,
  window: TrainingWindowRuleSchema.default('anchored'),
  minTrainingRows: z.number().int().positive(),
  train: z.custom<Trainer>((f) => typeof f === 'function', 'must be a function (set) => { model }'),
  registry: z.custom<ModelRegistry>((r) => r instanceof ModelRegistry, 'must be a ModelRegistry').optional(),
});

/** One retraining of a walk-forward run. */
export interface WalkForwardVersion<M extends Model = Model> extends ModelVersion<M> {
  /** `ts` of the last training row: the version serves rows strictly after it. */
  readonly trainedThrough: number;
  /** `ts` of the first row it serves. */
  readonly activeFrom: number;
}

/**
 * The versions of a walk-forward run, and the source the model stage reads.
 *
 * @example
 * ```ts
 * wf.versions.map((v) => [v.version, v.trainingWindow, v.activeFrom]);
 * wf.versionAt(bar.ts)?.version;
 * ```
 */
export class WalkForwardModel<M extends Model = Model> implements ModelVersionSource<M> {
  /** @internal */
  constructor(readonly versions: readonly WalkForwardVersion<M>[]) {}

  /** The newest version trained strictly before `ts`, or undefined. */
  versionAt(ts: number): WalkForwardVersion<M> | undefined {
    let lo = 0;
    let hi = this.versions.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.versions[mid]!.trainedThrough < ts) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? undefined : this.versions[lo - 1];
  }
}

/**
 * Trains every version of a walk-forward run, each on the rows up to its retraining time.
 *
 * @example
 * ```ts
 * const features = toFeatures({ features: { ret1: new Returns(1), z20: new ZScore(20) } });
 * const rows = await lastValueFrom(from(bars).pipe(features, toArray()));
 * const wf = await walkForwardModel({
 *   rows,
 *   names: features.names,
 *   retrain: { every: 'month' },
 *   window: { rollingBars: 500 },
 *   minTrainingRows: 250,
 *   train: async ({ rows }) => ({ model: await fitMyModel(rows) }),
 * });
 * const result = await runBacktest((ctx) => ctx.market.bars(goog.id).pipe(features, predictVersioned(wf, { work: ctx.work }), ...), config);
 * ```
 */
export async function walkForwardModel<R extends TrainingRow, M extends Model = Model>(config: WalkForwardModelConfig<R, M>): Promise<WalkForwardModel<M>> {
  const c = parseWith(ConfigSchema, config, 'walkForwardModel');
  const rows = config.rows;
  const width = rows[0]?.values.length ?? 0;
  const names = c.names ?? Array.from({ length: width }, (_, k) => `f${k}`);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    if (row.values.length !== names.length) throw new ValidationError([{ path: ['walkForwardModel', 'rows', i, 'values'], message: `must hold ${names.length} values (one per name), got ${row.values.length}` }]);
    if (i > 0 && row.ts < rows[i - 1]!.ts) throw new ValidationError([{ path: ['walkForwardModel', 'rows', i, 'ts'], message: `must not be before the previous row's (${rows[i - 1]!.ts}), got ${row.ts}` }]);
  }
  const trigger = new RetrainTrigger(c.retrain, c.minTrainingRows);
  const versions: WalkForwardVersion<M>[] = [];
  for (let i = 0; i < rows.length; i++) {
    const next = rows[i + 1];
    if (!trigger.afterRow(rows[i]!.ts, next?.ts)) continue;
    // A copy: the trainer gets these rows and no way to reach the others.
    const set = trainingSlice(rows, i + 1, c.window).map((r) => ({ ...r, values: Float64Array.from(r.values) }) as R);
    const previous = versions.at(-1);
    const trainedThrough = rows[i]!.ts;
    const trained: TrainedModel<M> = await config.train({ rows: set, trainedThrough, names, previous });
    if (typeof trained?.model?.predict !== 'function') throw new ValidationError([{ path: ['walkForwardModel', 'train'], message: 'must return { model } where model has predict(input, batch)' }]);
    const trainingWindow = { start: set[0]!.ts, end: trainedThrough, rows: set.length };
    const dataHash = hashTrainingData(names, set);
    const metrics = trained.metrics ?? {};
    let version = versionId(versions.length + 1);
    if (c.registry !== undefined) {
      const saved = await c.registry.save({
        files: trained.files ?? {},
        ...(trained.scalers === undefined ? {} : { scalers: trained.scalers }),
        features: names,
        trainingWindow,
        dataHash,
        metrics,
        parent: previous?.version ?? null,
        ...(trained.extra === undefined ? {} : { extra: trained.extra }),
      });
      version = saved.version;
    }
    versions.push({ version, model: trained.model, parent: previous?.version ?? null, trainingWindow, dataHash, metrics, trainedThrough, activeFrom: next!.ts });
  }
  return new WalkForwardModel(versions);
}

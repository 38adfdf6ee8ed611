/**
 * `BackgroundRetrainer`: retraining in a live node. Its `observe()` stage keeps the recent feature rows
 * and, when the schedule says so, starts a training on a copy of them as a task of its own: the task
 * is not registered with the work tracker, so the node keeps handling market events while it runs (a
 * trainer that computes for long should post the rows to a worker thread and await its answer). When
 * the task resolves, the new version replaces the current one in a single assignment; the model stage
 * ({@link predictVersioned}) reads the current version once per bar, so every prediction of a bar comes
 * from one version, the old one before the swap and the new one after it.
 *
 * Retraining uses the same schedule as {@link walkForwardModel} in a backtest: on a recording, the
 * versions are trained on the same rows (only the moment they take over depends on how long training
 * takes).
 */
import { tap, type MonoTypeOperatorFunction } from 'rxjs';
import { z } from 'zod';
import { parseWith, ValidationError } from '@rxtrade/core';
import type { Model } from '../models/model';
import { ModelRegistry } from './model-registry';
import { versionId, type ModelVersion, type ModelVersionSource, type Trainer } from './model-version';
import { RetrainScheduleSchema, RetrainTrigger, trainingSlice, TrainingWindowRuleSchema, type RetrainSchedule, type TrainingWindowRule } from './retrain-schedule';
import { hashTrainingData, type TrainingRow } from './training-data-hash';

/** What {@link BackgroundRetrainer} reports when a new version takes over. */
export interface ModelSwapped {
  readonly from: string | undefined;
  readonly to: string;
  /** `ts` of the last row the new version was trained on. */
  readonly trainedThrough: number;
}

/** Options of {@link BackgroundRetrainer}. */
export interface BackgroundRetrainerConfig<R extends TrainingRow, M extends Model> {
  /** Feature names, in the order of each row's values. */
  readonly names: readonly string[];
  readonly retrain: RetrainSchedule;
  /** `'anchored'` (default) or `{ rollingBars: n }`; rolling windows also bound the rows kept in memory. */
  readonly window?: TrainingWindowRule;
  readonly minTrainingRows: number;
  readonly train: Trainer<R, M>;
  /** The version to serve until the first retraining (one loaded from a registry, say). */
  readonly initial?: ModelVersion<M>;
  /**
   * Rows seen before the node started (history), in time order: they count towards the schedule, and a
   * training that comes due within them starts at once, in the background.
   */
  readonly history?: readonly R[];
  /** Where to save each new version. */
  readonly registry?: ModelRegistry;
  /** Called after each swap. */
  readonly onSwap?: (event: ModelSwapped) => void;
  /** Called when a training or a save fails; the current version stays. Default: none (the failure is kept in `lastError`). */
  readonly onError?: (error: unknown) => void;
}

const ConfigSchema = z.strictObject({
  names: z.array(z.string().min(1)).min(1),
  retrain: RetrainScheduleSchema,
  window: TrainingWindowRuleSchema.default('anchored'),
  minTrainingRows: z.number().int().positive(),
  train: z.custom<Trainer>((f) => typeof f === 'function', 'must be a function (set) => { model }'),
  initial: z.custom<ModelVersion>((v) => typeof (v as ModelVersion)?.model?.predict === 'function' && typeof (v as ModelVersion)?.version === 'string', 'must be a ModelVersion { version, model, … }').optional(),
  history: z.array(z.custom<TrainingRow>((r) => typeof (r as TrainingRow)?.ts === 'number', 'must be a row { ts, values }')).optional(),
  registry: z.custom<ModelRegistry>((r) => r instanceof ModelRegistry, 'must be a ModelRegistry').optional(),
  onSwap: z.custom<(e: ModelSwapped) => void>((f) => typeof f === 'function', 'must be a function').optional(),
  onError: z.custom<(e: unknown) => void>((f) => typeof f === 'function', 'must be a function').optional(),
});

/**
 * Retrains a model in the background of a live node and swaps new versions in atomically.
 *
 * @example
 * ```ts
 * const retrainer = new BackgroundRetrainer({ names: features.names, retrain: { every: 'day' }, window: { rollingBars: 5000 }, minTrainingRows: 1000, train });
 * const pipeline: Pipeline = (ctx) =>
 *   ctx.market.bars(btc.id).pipe(
 *     features,
 *     retrainer.observe(),                              // keeps rows, starts trainings off the event path
 *     predictVersioned(retrainer, { work: ctx.work }), // the current version, one per bar
 *     map(({ output, version }) => ...),
 *   );
 * await runLive(pipeline, config);
 * ```
 */
export class BackgroundRetrainer<R extends TrainingRow = TrainingRow, M extends Model = Model> implements ModelVersionSource<M> {
  private readonly config: BackgroundRetrainerConfig<R, M>;
  private readonly window: TrainingWindowRule;
  private readonly trigger: RetrainTrigger;
  private rows: R[] = [];
  /** Rows dropped from the front of `rows` (rolling windows only). */
  private dropped = 0;
  private currentVersion: ModelVersion<M> | undefined;
  private running: Promise<void> | undefined;
  /** Row count of a training that came due while another ran: it starts when that one ends. */
  private queued: number | undefined;
  private trainings = 0;
  /** The last training's failure, if it failed. */
  lastError: unknown;

  constructor(config: BackgroundRetrainerConfig<R, M>) {
    const c = parseWith(ConfigSchema, config, 'BackgroundRetrainer');
    this.config = config;
    this.window = c.window;
    this.trigger = new RetrainTrigger(c.retrain, c.minTrainingRows);
    this.currentVersion = config.initial;
    let due = 0;
    for (const row of config.history ?? []) due = this.record(row, false) || due;
    // A training that came due within the history starts now, in the background, on the rows it was due on.
    if (due > 0) this.start(due);
  }

  /** The version serving now, or undefined before the first. */
  get current(): ModelVersion<M> | undefined {
    return this.currentVersion;
  }

  /** True while a training runs. */
  get training(): boolean {
    return this.running !== undefined;
  }

  /** The version serving now, whatever `ts` is: a live node predicts with the newest version it has. */
  versionAt(_ts: number): ModelVersion<M> | undefined {
    return this.currentVersion;
  }

  /** Replaces the serving version at once (a version loaded from a registry, a rollback). */
  swap(version: ModelVersion<M>): void {
    const from = this.currentVersion?.version;
    this.currentVersion = version;
    this.config.onSwap?.({ from, to: version.version, trainedThrough: version.trainingWindow.end });
  }

  /** The stage that feeds rows to the retrainer; rows pass on unchanged. */
  observe(): MonoTypeOperatorFunction<R> {
    return tap((row) => this.record(row, true));
  }

  /** Resolves when no training runs or waits (for a clean stop, and for tests). */
  async whenIdle(): Promise<void> {
    while (this.running !== undefined) await this.running;
  }

  /** Keeps a row; returns the row count a training is due on (0 for none), and starts it when `live`. */
  private record(row: R, live: boolean): number {
    if (row.values.length !== this.config.names.length) {
      throw new ValidationError([{ path: ['row', 'values'], message: `must hold ${this.config.names.length} values (one per name), got ${row.values.length}` }]);
    }
    const previous = this.rows.at(-1);
    if (previous !== undefined && row.ts < previous.ts) throw new ValidationError([{ path: ['row', 'ts'], message: `must not be before the previous row's (${previous.ts}), got ${row.ts}` }]);
    this.rows.push(row);
    const count = this.trigger.onRow(row.ts);
    if (this.window !== 'anchored' && this.rows.length > 2 * this.window.rollingBars + 1) {
      const cut = this.rows.length - this.window.rollingBars - 1;
      this.rows = this.rows.slice(cut);
      this.dropped += cut;
    }
    if (count > 0 && live) this.start(count);
    return count;
  }

  private start(count: number): void {
    if (this.running !== undefined) {
      this.queued = count;
      return;
    }
    // The rows are copied now: later rows never reach this training.
    const available = this.rows.slice(0, count - this.dropped);
    const set = trainingSlice(available, available.length, this.window).map((r) => ({ ...r, values: Float64Array.from(r.values) }) as R);
    const previous = this.currentVersion;
    this.running = Promise.resolve()
      .then(() => this.trainAndSwap(set, previous))
      .catch((error: unknown) => {
        this.lastError = error;
        this.config.onError?.(error);
      })
      .finally(() => {
        this.running = undefined;
        const queued = this.queued;
        this.queued = undefined;
        if (queued !== undefined) this.start(queued);
      });
  }

  private async trainAndSwap(set: R[], previous: ModelVersion<M> | undefined): Promise<void> {
    const names = this.config.names;
    const trainedThrough = set.at(-1)!.ts;
    const trained = await this.config.train({ rows: set, trainedThrough, names, previous });
    if (typeof trained?.model?.predict !== 'function') throw new ValidationError([{ path: ['BackgroundRetrainer', 'train'], message: 'must return { model } where model has predict(input, batch)' }]);
    const trainingWindow = { start: set[0]!.ts, end: trainedThrough, rows: set.length };
    const dataHash = hashTrainingData(names, set);
    const metrics = trained.metrics ?? {};
    const parent = previous?.version ?? null;
    let version = versionId(++this.trainings);
    if (this.config.registry !== undefined) {
      const saved = await this.config.registry.save({
        files: trained.files ?? {},
        ...(trained.scalers === undefined ? {} : { scalers: trained.scalers }),
        features: names,
        trainingWindow,
        dataHash,
        metrics,
        parent: parent !== null && /^v\d{4,}$/.test(parent) ? parent : null,
        ...(trained.extra === undefined ? {} : { extra: trained.extra }),
      });
      version = saved.version;
    }
    this.swap({ version, model: trained.model, parent, trainingWindow, dataHash, metrics });
  }
}

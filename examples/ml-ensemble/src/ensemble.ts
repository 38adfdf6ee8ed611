/**
 * One run of the example: feature rows of every day, the walk-forward versions of both models (the
 * CNN+LSTM trained here, XGBoost loaded from the committed versions), the backtest of the ensemble
 * strategy, and the figures of the out-of-sample period.
 */
import { z } from 'zod';
import { parseWith, type Bar, type FeatureRow } from '@rxtrade/core';
import { runBacktest, type RunResult } from '@rxtrade/backtest';
import { walkForwardModel, type Decision, type WalkForwardModel, type XgboostModel } from '@rxtrade/ml';
import type { CnnLstmModel } from '@rxtrade/ml/tfjs';
import { cnnLstmTrainer, CnnLstmTrainerOptionsSchema, type CnnLstmTrainerOptions } from './cnn-lstm-trainer';
import { readSp500, SP500 } from './data';
import { FEATURE_NAMES, featureRows } from './features';
import { ensembleFigures, type EnsembleFigures } from './report';
import { MIN_TRAINING_ROWS, RETRAIN, WINDOW } from './schedule';
import { ensembleStrategy, type ModelCall } from './strategy';
import { readXgboostManifest, xgboostTrainer, type XgboostManifest } from './xgboost-versions';

/** Bars of a `quick` run: 2000-01-03 to 2006-05-26, three versions of each model. */
export const QUICK_BARS = 1600;

/** Options of {@link runEnsemble}. */
export interface EnsembleOptions {
  /** Daily bars of the S&P 500 from 2000-01-03 (default: all 5,105); a prefix keeps the committed XGBoost versions valid. */
  readonly bars?: readonly Bar[];
  /** The first {@link QUICK_BARS} bars and 2 epochs per CNN+LSTM training: a run of seconds. */
  readonly quick?: boolean;
  /** Starting cash (default 100,000). */
  readonly cash?: number;
  /** Commission as a fraction of notional (default 0.0005, 5 basis points). */
  readonly commission?: number;
  /** Decisions weaker than this are flat (default 0.1). */
  readonly threshold?: number;
  /** Annualized volatility target (default 0.1). */
  readonly targetVolatility?: number;
  /** The CNN+LSTM's training; `minTrainingRows` (default the schedule's 1,000) delays its first version. */
  readonly cnn?: CnnLstmTrainerOptions & { readonly minTrainingRows?: number };
  /** The committed XGBoost versions (default `models/`). */
  readonly xgboost?: { readonly manifest?: XgboostManifest; readonly dir?: string };
  /** Progress lines (each version trained). */
  readonly onProgress?: (line: string) => void;
}

const fn = z.custom<(line: string) => void>((f) => typeof f === 'function', 'must be a function');

/** Schema of {@link EnsembleOptions}: strict, so a misspelled option is an error naming it. */
export const EnsembleOptionsSchema = z.strictObject({
  bars: z.array(z.custom<Bar>((b) => typeof (b as Bar)?.ts === 'number', 'must be a bar')).optional(),
  quick: z.boolean().optional(),
  cash: z.number().positive().finite().optional(),
  commission: z.number().min(0).lt(0.1).optional(),
  threshold: z.number().min(0).max(1).optional(),
  targetVolatility: z.number().positive().max(2).optional(),
  cnn: CnnLstmTrainerOptionsSchema.extend({ minTrainingRows: z.number().int().positive().optional() }).optional(),
  xgboost: z.strictObject({ manifest: z.custom<XgboostManifest>((m) => typeof m === 'object' && m !== null, 'must be a parsed manifest').optional(), dir: z.string().min(1).optional() }).optional(),
  onProgress: fn.optional(),
});

/** Everything a run made. */
export interface EnsembleRun {
  readonly bars: readonly Bar[];
  readonly rows: readonly FeatureRow[];
  readonly cnn: WalkForwardModel<CnnLstmModel>;
  readonly xgboost: WalkForwardModel<XgboostModel>;
  /** `ts` of the first day with a decision: the first day a model version serves. */
  readonly from: number;
  /** Every model call, in order. */
  readonly calls: readonly ModelCall[];
  readonly decisions: readonly Decision[];
  readonly result: RunResult;
  readonly figures: EnsembleFigures;
  /** Wall-clock seconds spent training the CNN+LSTM versions. */
  readonly cnnTrainingSeconds: number;
}

const iso = (ts: number): string => new Date(ts).toISOString().slice(0, 10);

/**
 * Runs the example.
 *
 * @example
 * ```ts
 * const run = await runEnsemble({ quick: true });
 * console.log(run.figures.hitRates.ensemble.rate, run.result.summary.finalEquity.toString());
 * ```
 */
export async function runEnsemble(options: EnsembleOptions = {}): Promise<EnsembleRun> {
  parseWith(EnsembleOptionsSchema, options, 'runEnsemble');
  const bars = options.bars ?? (options.quick ? readSp500().slice(0, QUICK_BARS) : readSp500());
  const steps = options.cnn?.steps ?? 20;
  const progress = options.onProgress ?? (() => {});
  const rows = await featureRows(bars);
  const names = [...FEATURE_NAMES];

  const xgboost = await walkForwardModel({
    rows,
    names,
    retrain: RETRAIN,
    window: WINDOW,
    minTrainingRows: MIN_TRAINING_ROWS,
    train: xgboostTrainer(options.xgboost?.manifest ?? readXgboostManifest(options.xgboost?.dir), options.xgboost?.dir),
  });
  progress(`xgboost: ${xgboost.versions.length} committed versions loaded, each on the rows that its manifest hash names`);

  const { minTrainingRows: cnnMinTrainingRows, ...cnnOptions } = options.cnn ?? {};
  const train = cnnLstmTrainer({ epochs: options.quick ? 2 : 4, ...cnnOptions, steps });
  let trainingMs = 0;
  const cnn = await walkForwardModel({
    rows,
    names,
    retrain: RETRAIN,
    window: WINDOW,
    minTrainingRows: cnnMinTrainingRows ?? MIN_TRAINING_ROWS,
    train: async (set) => {
      const started = performance.now();
      const trained = await train(set);
      trainingMs += performance.now() - started;
      progress(`cnn-lstm: trained through ${iso(set.trainedThrough)} on ${set.rows.length} rows in ${((performance.now() - started) / 1000).toFixed(1)} s, validation accuracy ${trained.metrics!.validationAccuracy!.toFixed(3)}`);
      return trained;
    },
  });

  const firsts = [cnn.versions[0]?.activeFrom, xgboost.versions[0]?.activeFrom].filter((t): t is number => t !== undefined);
  if (firsts.length === 0) throw new Error(`no model has a version: ${rows.length} feature rows, the first training needs ${MIN_TRAINING_ROWS} and one more to serve`);
  const from = Math.min(...firsts);
  const calls: ModelCall[] = [];
  const decisions: Decision[] = [];
  const cash = options.cash ?? 100_000;
  const result = await runBacktest(
    ensembleStrategy({
      instrumentId: SP500.id,
      cnn,
      xgboost,
      steps,
      from,
      ...(options.threshold === undefined ? {} : { threshold: options.threshold }),
      ...(options.targetVolatility === undefined ? {} : { targetVolatility: options.targetVolatility }),
      record: { call: (c) => calls.push(c), decision: (d) => decisions.push(d) },
    }),
    {
      data: bars,
      instruments: [SP500],
      ledger: { startingCash: cash },
      venue: { commission: options.commission ?? 0.0005 },
      strategyId: 'ml-ensemble',
    },
  );
  for (const v of cnn.versions) v.model.dispose();
  return { bars, rows, cnn, xgboost, from, calls, decisions, result, figures: ensembleFigures({ bars, rows, from, calls, decisions, result }), cnnTrainingSeconds: trainingMs / 1000 };
}

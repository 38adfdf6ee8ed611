/**
 * The walk-forward schedule both models follow: the first training once 1,000 feature rows exist
 * (about four years of trading days, February 2000 to January 2004), then a retraining every 250 rows
 * (about a year), each on the last 1,000 rows only. The Python script that trains the XGBoost versions
 * (`scripts/train-xgboost.py`) follows the same schedule and writes it into the manifest; loading the
 * manifest checks that the two agree.
 */
import type { RetrainSchedule, TrainingWindowRule } from '@rxtrade/ml';

/** Rows before the first training. */
export const MIN_TRAINING_ROWS = 1000;
/** Rows between retrainings. */
export const RETRAIN_EVERY_BARS = 250;
/** Rows each training sees: the last this many up to the retraining time. */
export const ROLLING_BARS = 1000;

/** The schedule as `walkForwardModel` takes it. */
export const RETRAIN: RetrainSchedule = { everyBars: RETRAIN_EVERY_BARS };
/** The training window as `walkForwardModel` takes it. */
export const WINDOW: TrainingWindowRule = { rollingBars: ROLLING_BARS };

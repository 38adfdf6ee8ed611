/**
 * When a model is retrained: every N rows, or when a row starts a new calendar period (UTC day, ISO
 * week from Monday, month) or a new fixed span of milliseconds since the epoch; and on how much of the
 * past: every row so far (anchored) or the last N (rolling). Shared by `walkForwardModel` (backtests)
 * and `BackgroundRetrainer` (live), so that both retrain at the same rows.
 */
import { z } from 'zod';
import { parseWith } from '@rxtrade/core';

/**
 * `{ everyBars: n }`: after the first training, again every `n` rows; `{ every: 'day' | 'week' | 'month' }`:
 * when a row opens a new UTC day, week (Monday 00:00) or month; `{ everyMs: ms }`: when a row opens a
 * new span `[k ms, (k + 1) ms)` since the epoch.
 */
export type RetrainSchedule = { readonly everyBars: number } | { readonly every: 'day' | 'week' | 'month' } | { readonly everyMs: number };

/** Schema of {@link RetrainSchedule}: exactly one of its keys. */
export const RetrainScheduleSchema = z
  .strictObject({
    everyBars: z.number().int().positive().optional(),
    every: z.enum(['day', 'week', 'month']).optional(),
    everyMs: z.number().int().positive().optional(),
  })
  .refine((s) => [s.everyBars, s.every, s.everyMs].filter((v) => v !== undefined).length === 1, 'must have exactly one of everyBars, every, everyMs')
  .transform((s) => s as RetrainSchedule);

/** Schema of {@link TrainingWindowRule}. */
export const TrainingWindowRuleSchema = z.union([z.literal('anchored'), z.strictObject({ rollingBars: z.number().int().positive() })]);

/** `'anchored'` (default): every row since the first; `{ rollingBars: n }`: the last `n` rows. */
export type TrainingWindowRule = z.infer<typeof TrainingWindowRuleSchema>;

const DAY = 86_400_000;

/** The calendar period (an integer) that `ts` falls in. */
function periodOf(schedule: Exclude<RetrainSchedule, { everyBars: number }>, ts: number): number {
  if ('everyMs' in schedule) return Math.floor(ts / schedule.everyMs);
  if (schedule.every === 'day') return Math.floor(ts / DAY);
  // 1970-01-01 was a Thursday: Monday-based weeks start 4 days after the epoch's week start.
  if (schedule.every === 'week') return Math.floor((ts - 4 * DAY) / (7 * DAY));
  const d = new Date(ts);
  return d.getUTCFullYear() * 12 + d.getUTCMonth();
}

/**
 * Decides, row by row, when a retraining is due. The first training comes once `minTrainingRows` rows
 * have arrived; later ones follow the schedule. A backtest knows the next row's time and asks
 * {@link RetrainTrigger.afterRow}: a calendar retraining then happens after the last row of a period, so
 * that the new version serves the next period from its first row. A live node learns of a new period
 * from its first row and asks {@link RetrainTrigger.onRow}, which answers how many rows (those before
 * the new one) to train on: the same rows as in the backtest.
 *
 * @example
 * ```ts
 * const trigger = new RetrainTrigger({ everyBars: 20 }, 100);
 * rows.forEach((row, i) => {
 *   if (trigger.afterRow(row.ts, rows[i + 1]?.ts)) console.log('train on rows 0 ..', i);
 * });
 * ```
 */
export class RetrainTrigger {
  private readonly schedule: RetrainSchedule;
  private count = 0;
  private trainedCount = 0;
  private previousTs: number | undefined;

  /**
   * @param schedule when to retrain.
   * @param minTrainingRows rows needed before the first training (at least 1).
   */
  constructor(
    schedule: RetrainSchedule,
    private readonly minTrainingRows: number,
  ) {
    this.schedule = parseWith(RetrainScheduleSchema, schedule, 'retrain');
    parseWith(z.number().int().positive(), minTrainingRows, 'minTrainingRows');
  }

  /**
   * Backtest form: counts the row at `ts` and says whether to train on every row so far, given the time
   * of the next row (undefined after the last row: nothing would use a training then). Rows that share
   * a `ts` (several instruments) are never split: a due training waits for the last of them.
   */
  afterRow(ts: number, nextTs: number | undefined): boolean {
    this.count++;
    if (nextTs === undefined || nextTs === ts || this.count < this.minTrainingRows) return false;
    let due: boolean;
    if (this.trainedCount === 0) due = true;
    else if ('everyBars' in this.schedule) due = this.count - this.trainedCount >= this.schedule.everyBars;
    else due = periodOf(this.schedule, nextTs) !== periodOf(this.schedule, ts);
    if (due) this.trainedCount = this.count;
    return due;
  }

  /**
   * Live form: counts the row at `ts` and answers how many of the rows so far (this one included) to
   * train on now, or 0 for none: all of them when the count or the first training is due, all but this
   * one when this row opens a new calendar period.
   */
  onRow(ts: number): number {
    const previousTs = this.previousTs;
    this.previousTs = ts;
    this.count++;
    if ('everyBars' in this.schedule || this.trainedCount === 0) {
      if (this.count < this.minTrainingRows) return 0;
      const due = this.trainedCount === 0 || ('everyBars' in this.schedule && this.count - this.trainedCount >= this.schedule.everyBars);
      if (!due) return 0;
      this.trainedCount = this.count;
      return this.count;
    }
    const before = this.count - 1;
    if (previousTs === undefined || before <= this.trainedCount || periodOf(this.schedule, ts) === periodOf(this.schedule, previousTs)) return 0;
    this.trainedCount = before;
    return before;
  }
}

/** The rows a training at `end` (exclusive index) sees under `rule`. */
export function trainingSlice<T>(rows: readonly T[], end: number, rule: TrainingWindowRule): readonly T[] {
  const start = rule === 'anchored' ? 0 : Math.max(0, end - rule.rollingBars);
  return rows.slice(start, end);
}

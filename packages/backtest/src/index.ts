/**
 * `@rxtrade/backtest`: runs one pipeline definition as a deterministic backtest or as paper trading.
 *
 * @packageDocumentation
 */

// Runners
export { runBacktest } from './run-backtest';
export type { BacktestConfig } from './run-backtest';
export { runPaper } from './run-paper';
export type { PaperConfig } from './run-paper';
export { RunnerConfigSchema } from './config';
export type { RunnerConfig } from './config';

// Data
export { mergeByTime } from './merge-by-time';
export { replayFeed } from './replay-feed';
export type { ReplayFeedOptions } from './replay-feed';

// Results
export { resultToJson, snapshotOrder } from './result';
export type { RunResult, RunSummary } from './result';

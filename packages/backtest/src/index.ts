/**
 * `@rxtrade/backtest`: runs one pipeline definition as a deterministic backtest or as paper trading.
 *
 * @packageDocumentation
 */

// Runners
export { runBacktest, BacktestConfigSchema } from './run-backtest';
export type { BacktestConfig, BacktestData } from './run-backtest';
export type { MarketSeries } from './merge-streams';
export { runPaper, PaperConfigSchema } from './run-paper';
export type { PaperConfig } from './run-paper';
export { StageTimeoutError, OrderAnomalyError } from './run-errors';
export { RunnerConfigSchema } from './config';
export type { RunnerConfig } from './config';

// Data
export { mergeByTime } from './merge-by-time';
export { replayFeed } from './replay-feed';
export type { ReplayFeedOptions } from './replay-feed';

// Replay of a recorded live session
export { replaySession, ReplayConfigSchema, LiveFundingSchema, ReplayMatch } from './replay/replay-session';
export type { ReplayConfig, ReplayResult, ReplayTradeRow, ReplayTotals, ReplaySummary, ReplayExecution, LiveFunding } from './replay/replay-session';
export { replayTable, replayResultToJson } from './replay/replay-table';
export type { ReplayResultJson } from './replay/replay-table';
export { MarketPrices } from './replay/market-prices';
export { ReplayFileConfigSchema, replayConfigFromFile } from './replay/replay-file-config';
export type { ReplayFileConfig } from './replay/replay-file-config';

// Results and metrics
export { resultToJson, resultFromJson, RunResultJsonSchema, snapshotOrder } from './result';
export type { RunResult, RunSummary, RunAnomaly, RunSettings } from './result';
export { computeMetrics, MetricsConfigSchema } from './metrics/compute-metrics';
export type { Metrics, MetricsConfig, MetricsInput } from './metrics/compute-metrics';
export { roundTrips, TradeSide } from './metrics/round-trips';
export type { RoundTrip } from './metrics/round-trips';
export { positionChanges } from './metrics/position-changes';
export type { PositionChange } from './metrics/position-changes';
export { sortinoRatioAnnualized } from './metrics/sortino-annualized';
export { alignBenchmark, benchmarkMetrics, BenchmarkSeriesSchema, pairReturns } from './metrics/benchmark-metrics';
export type { BenchmarkMetrics, BenchmarkSeries, PairedReturns } from './metrics/benchmark-metrics';
export { rollingBeta, rollingSharpe, rollingVolatility, RollingConfigSchema } from './metrics/rolling-metrics';
export type { RollingConfig, RollingSeries } from './metrics/rolling-metrics';
export { worstDrawdowns } from './metrics/worst-drawdowns';
export type { DrawdownEpisode } from './metrics/worst-drawdowns';
export { returnStatistics } from './metrics/return-statistics';
export type { DatedReturn, ReturnStatistics, Streak } from './metrics/return-statistics';
export { grossExposure } from './metrics/gross-exposure';
export type { ExposureFill, InstrumentCloses } from './metrics/gross-exposure';
export { evaluateTask, loadStrategy, prepareRun, runFromConfig, taskFigures } from './search/evaluate-task';
export { RunConfigSchema, InstrumentJsonSchema, DataFileSchema } from './search/run-config';
export type { RunConfig, ParsedRunConfig } from './search/run-config';

// Walk-forward and overfitting
export { walkForward, WalkForwardConfigSchema } from './walk-forward/walk-forward';
export type { WalkForwardConfig, WalkForwardFold, WalkForwardFailure, WalkForwardResult } from './walk-forward/walk-forward';
export { foldWindows, FoldWindowsConfigSchema, WindowLengthSchema, WalkForwardMode } from './walk-forward/fold-windows';
export type { FoldWindowsConfig, FoldWindow, TimeWindow, WindowLength } from './walk-forward/fold-windows';
export { deflatedSharpeRatio, DeflatedSharpeRatioConfigSchema } from './overfitting/deflated-sharpe-ratio';
export type { DeflatedSharpeRatioConfig, DeflatedSharpe } from './overfitting/deflated-sharpe-ratio';
export { deflatedSharpeOfSweep } from './overfitting/deflated-sharpe-of-sweep';
export { monteCarloTrades, MonteCarloTradesConfigSchema, ResampleMethod } from './overfitting/monte-carlo-trades';
export type { MonteCarloTradesConfig, MonteCarloTradesResult, Distribution } from './overfitting/monte-carlo-trades';

// Report
export { renderReport, ReportConfigSchema } from './report/render-report';
export type { ReportConfig } from './report/render-report';
export { writeReport } from './report/write-report';
export { ReportBarsSchema } from './report/tearsheet-sections';
export type { ReportBar } from './report/tearsheet-sections';
export { runSettingsFromConfig, withRunSettings } from './report/run-settings';
export type { RunSettingsSource } from './report/run-settings';
export { monthlyReturns } from './report/monthly-returns';
export type { MonthlyReturn, MonthlyReturns } from './report/monthly-returns';
export type {
  ReportInput,
  ReportableResult,
  ReportableFill,
  NamedRun,
  MultiRunInput,
  SweepInput,
  SweepReportData,
  WalkForwardInput,
  WalkForwardReportData,
  WalkForwardFoldData,
  DecimalText,
} from './report/report-input';
// Config files of the `rxtrade` command line
export { BacktestFileConfigSchema, StrategyRefSchema, JsonValueSchema } from './cli/backtest-file-config';
export type { BacktestFileConfig } from './cli/backtest-file-config';
export { SweepFileConfigSchema, ObjectiveJsonSchema, ConstraintJsonSchema } from './cli/sweep-file-config';
export type { SweepFileConfig } from './cli/sweep-file-config';
export { WalkForwardFileConfigSchema } from './cli/walk-forward-file-config';
export type { WalkForwardFileConfig } from './cli/walk-forward-file-config';

// Parameter search
export type { Json, Params, StrategyDefinition, StrategyRef, SweepTask, TaskResult, SweepExecutor } from './search/types';
export { sweep, SweepConfigSchema, SweepMethod, ObjectiveGoal } from './search/sweep';
export type { SweepConfig, SweepResult, RankedResult } from './search/sweep';
export { ParameterSpaceSchema, ParameterSpecSchema, parseParameterSpace, discreteValues, paramsKey } from './search/parameter-space';
export type { ParameterSpace, ParameterSpaceInput, ParameterSpec } from './search/parameter-space';
export { gridSearch } from './search/grid-search';
export { randomSearch, parameterSampler } from './search/random-search';
export type { RandomSearchOptions } from './search/random-search';
export { geneticSearch, GeneticSearchConfigSchema } from './search/genetic-search';
export type { GeneticSearchConfig, ScoredParams } from './search/genetic-search';
export { SeededRng } from './search/seeded-rng';
export { InProcessExecutor, InProcessExecutorConfigSchema } from './search/in-process-executor';
export type { InProcessExecutorConfig } from './search/in-process-executor';
export { WorkerThreadExecutor, WorkerThreadExecutorConfigSchema } from './search/worker-thread-executor';
export type { WorkerThreadExecutorConfig } from './search/worker-thread-executor';
export { BatchSizeSchema } from './search/batching';
export type { BatchSize } from './search/batching';
export { BullmqExecutor, BullmqExecutorConfigSchema, DEFAULT_SWEEP_QUEUE } from './search/bullmq-executor';
export type { BullmqExecutorConfig } from './search/bullmq-executor';
export { startBullmqWorker, BullmqWorkerConfigSchema } from './search/bullmq-worker';
export type { BullmqWorkerConfig, BullmqWorkerHandle } from './search/bullmq-worker';
export { runBullmqWorkerCli } from './search/bullmq-worker-cli';
export { RedisConnectionSchema, maskRedisUrl } from './search/redis-connection';
export type { RedisConnection } from './search/redis-connection';
export { TaskFailedError, TaskFailure } from './search/task-failed-error';
export type { SweepFailure } from './search/task-failed-error';
export { DEFAULT_TASK_TIMEOUT_MS, TaskTimeoutSchema } from './search/task-timeout';
export { ModuleSpecifierSchema, moduleSpecifierProblem } from './search/module-specifier';
export { EvaluatorRefSchema, loadEvaluator } from './search/task-evaluator';
export type { EvaluatorRef, TaskEvaluator } from './search/task-evaluator';
export { encodeTaskResult, decodeTaskResult, isBatchJobData, isBatchReturn } from './search/task-result-wire';
export type { WireTaskResult, BatchJobData, BatchOutcome, BatchReturn } from './search/task-result-wire';

/**
 * `@rxtrade/connectors`: where data and orders enter and leave rxtrade: bar files, and the live node
 * (`runLive`) with its journal, reconciliation, feed watchdogs, metrics, logs, alerts and dashboard.
 * This version has no exchange or broker adapters yet: a live node trades through any `ExecutionClient`,
 * a `SimulatedVenue` included (paper trading on live data).
 *
 * @packageDocumentation
 */

// Files
export { readBarsCsv, readBarsCsvColumns, streamBarsCsv, ReadBarsCsvOptionsSchema } from './read-bars-csv';
export type { ReadBarsCsvOptions } from './read-bars-csv';
export type { BarsCsvColumns, BarsCsvFormat, CsvColumn, CsvDelimiter, DecimalSeparator, ThousandsSeparator } from '@rxtrade/core';

// Live node: what it shows of itself (read by metrics, alerts and the dashboard)
export { NodeState } from './live/live-node-view';
export type { LiveNodeView, NodeSnapshot, NodeEvents, NodePosition, NodeOrder, NodeFill, NodeBreaker, NodeFeed } from './live/live-node-view';

// Live node observability: Prometheus metrics, pino logs without secrets, webhook alerts
export { nodeMetrics, serveMetrics, ACK_LATENCY_BUCKETS, NodeMetricsConfigSchema, ServeMetricsConfigSchema } from './live/observability/node-metrics';
export type { NodeMetrics, NodeMetricsConfig, ServeMetricsConfig, MetricsServer, MetricsSource } from './live/observability/node-metrics';
export { pinoLogger, LogLevel, PinoLoggerConfigSchema } from './live/observability/pino-logger';
export type { PinoLogger, PinoLoggerConfig } from './live/observability/pino-logger';
export { redactSecrets, sanitizeForLog, isSecretKey, scrubError, redactingLogger, REDACTED } from './live/observability/redact';
export type { SanitizeOptions } from './live/observability/redact';
export { nodeSecrets, credentialsOf, urlSecrets, headerSecrets, scrubbingClient } from './live/secrets/node-secrets';
export type { HasCredentials, SecretBearingConfig } from './live/secrets/node-secrets';
export { webhookAlerts, alertRetryDelay, parseRetryAfter, AlertTargetSchema, WebhookAlertsConfigSchema } from './live/observability/webhook-alerts';
export type { WebhookAlerts, WebhookAlertsConfig, AlertTarget, JsonAlertTarget, SlackAlertTarget, DiscordAlertTarget, TelegramAlertTarget, AlertRetryConfig, AlertTargetStats } from './live/observability/webhook-alerts';
export { alertFor, jsonPayload, slackPayload, discordPayload, telegramPayload, AlertKind, AlertSeverity, DISCORD_COLORS } from './live/observability/alert-format';
export type { NodeAlert } from './live/observability/alert-format';

// Live node: runLive, lifecycle, journaling and reconciliation
export { LiveNode, runLive, ReconciliationMismatchError } from './live/node/live-node';
export type { ReconciliationDifference } from './live/node/live-node';
export { LiveNodeConfigSchema, NodeWatchdogConfigSchema, NodeObservabilityConfigSchema, RISK_WAIVER } from './live/node/live-node-config';
export type { LiveNodeConfig } from './live/node/live-node-config';
export { NODE_TRANSITIONS, IllegalNodeTransitionError, canTransition } from './live/node/node-lifecycle';

// Live node journal in PostgreSQL: the same records and guarantees as FileJournal, for teams
export { PostgresJournal, PostgresJournalConfigSchema, PostgresClientConfigSchema } from './live/journal-postgres/postgres-journal';
export type { PostgresJournalConfig, PostgresClientConfig, PostgresPruneResult } from './live/journal-postgres/postgres-journal';
export { PostgresJournalLockedError, PostgresJournalCorruptionError } from './live/journal-postgres/postgres-journal-errors';
export { NodeJournalConfigSchema, openNodeJournal } from './live/journal-postgres/node-journal';
export type { NodeJournalConfig } from './live/journal-postgres/node-journal';

// Live node dashboard: a web page with live updates and a kill switch behind a token
export { serveDashboard } from './live/dashboard/serve-dashboard';
export type { DashboardServer } from './live/dashboard/serve-dashboard';
export { DashboardConfigSchema } from './live/dashboard/dashboard-config';
export type { DashboardConfig } from './live/dashboard/dashboard-config';

// Live node: feed watchdogs (staleness, resubscribe and reconnect with backoff, backfill, ordering)
export { FeedWatchdog, FeedWatchdogConfigSchema, WatchedSubscriptionSchema } from './live/watchdog/feed-watchdog';
export type { FeedWatchdogConfig, FeedHealth, WatchedSubscription } from './live/watchdog/feed-watchdog';
export { FeedOrder } from './live/watchdog/feed-order';
export type { FeedVerdict } from './live/watchdog/feed-order';
export { BackoffConfigSchema, backoffDelay, seededRandom } from './live/watchdog/backoff';
export type { BackoffConfig, BackoffPolicy } from './live/watchdog/backoff';
// Testing: a data client that injects feed faults (silence, refused reconnects, duplicates, reordering)
export { FaultyDataClient, FaultyDataClientConfigSchema } from './live/watchdog/faulty-data-client';
export type { FaultyDataClientConfig, DataFaults, SilenceOptions, CloseOptions, ConnectAttempt } from './live/watchdog/faulty-data-client';

// Market-data catalog: Parquet files in a documented layout, written without overlaps, streamed into backtests
export { ParquetCatalog } from './catalog/parquet-catalog';
export type { CatalogWriteResult } from './catalog/parquet-catalog';
export { PostgresCatalog, PostgresCatalogConfigSchema } from './catalog/postgres-catalog';
export type { PostgresCatalogConfig, PostgresWriteResult } from './catalog/postgres-catalog';
export type { MarketDataCatalog, CatalogRange, CatalogWriteCounts, ConsolidateResult } from './catalog/market-data-catalog';
export type { CatalogQueryResult } from './catalog/catalog-reader';
export { CatalogDataType, CATALOG_COLUMNS } from './catalog/catalog-layout';
export type { CatalogEventOf, CatalogFile } from './catalog/catalog-layout';
export { CatalogOverlapError, CatalogFileError, CatalogDatabaseError } from './catalog/catalog-errors';
export { ParquetCatalogConfigSchema, CatalogWriteOptionsSchema, CatalogQuerySchema, ImportParquetOptionsSchema, ConsolidateOptionsSchema, OnOverlap } from './catalog/catalog-config';
export type { ParquetCatalogConfig, CatalogWriteOptions, CatalogQuery, ImportParquetOptions, ConsolidateOptions } from './catalog/catalog-config';
export { BarColumnsQuerySchema, type BarColumnsQuery } from './catalog/catalog-bar-columns';
// Recording live market data into a catalog: rotation, a bounded buffer, a crash spool, exact replay
export { CatalogRecorder, DropReason } from './catalog/recording/catalog-recorder';
export type { RecorderEvents, RecorderStats, RecorderRotated, RecorderRecovered, RecorderDropped } from './catalog/recording/catalog-recorder';
export { CatalogRecorderConfigSchema, SpoolFsync, OnBufferFull } from './catalog/recording/recorder-config';
export type { CatalogRecorderConfig } from './catalog/recording/recorder-config';
export { RecorderBufferFullError, SpoolCorruptionError } from './catalog/recording/recorder-errors';
export { recordedSeries, RecordedSeriesOptionsSchema, RECORDED_ORDER } from './catalog/recording/recorded-series';
export type { RecordedSeriesOptions } from './catalog/recording/recorded-series';
// History from any ccxt exchange into a catalog, resumed from what the catalog holds
export { downloadHistory, DownloadInterruptedError } from './catalog/download/download-history';
export type { DownloadSummary, InstrumentDownload } from './catalog/download/download-history';
export { DownloadHistoryOptionsSchema } from './catalog/download/download-config';
export type { DownloadHistoryOptions, DownloadProgress } from './catalog/download/download-config';
export { tradePaging, missingSpans } from './catalog/download/history-paging';
export type { TradePaging, TimeSpan } from './catalog/download/history-paging';
export { tradesToBars, TradesToBarsOptionsSchema } from './catalog/transforms/trades-to-bars';
export type { TradesToBarsOptions, TradesToBarsSummary } from './catalog/transforms/trades-to-bars';

// Crypto venues through ccxt: instruments from markets, capabilities, an execution and a data client per exchange
export { ccxtVenue, fromEnv, CcxtVenueOptionsSchema } from './ccxt/ccxt-venue';
export type { CcxtVenue, CcxtVenueOptions, CcxtCredentials } from './ccxt/ccxt-venue';
export { CcxtExecutionClient, CcxtExecutionClientConfigSchema } from './ccxt/ccxt-execution-client';
export type { CcxtExecutionClientConfig, CcxtPosition } from './ccxt/ccxt-execution-client';
export { CcxtDataClient, CcxtDataClientConfigSchema, timeframeMs } from './ccxt/ccxt-data-client';
export type { CcxtDataClientConfig, CcxtStreamStats } from './ccxt/ccxt-data-client';
export { CcxtInstruments, loadCcxtInstruments, ccxtInstrument, ccxtInstrumentSymbol, precisionToIncrement, PrecisionMode } from './ccxt/ccxt-instruments';
export type { LoadCcxtInstrumentsOptions } from './ccxt/ccxt-instruments';
export { ccxtCapabilities, exchangeTraits } from './ccxt/ccxt-capabilities';
export type { ExchangeTraits, ModifyMode } from './ccxt/ccxt-capabilities';
export type { CcxtExchange, CcxtMarket } from './ccxt/ccxt-types';
export { CcxtErrorKind, classifyCcxtError, toRxTradeError, venueReason, OrderOutcomeUnknownError } from './ccxt/ccxt-errors';
export { CcxtCaller } from './ccxt/ccxt-caller';
export type { CcxtCallerStats } from './ccxt/ccxt-caller';
export { BookSync } from './ccxt/ccxt-book';
export type { CcxtBookLike, BookInconsistency } from './ccxt/ccxt-book';

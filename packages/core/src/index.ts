/**
 * `@rxtrade/core`: the domain model, exact money, zod schemas, the clock, the pipeline contract,
 * streaming indicators and the error tree that every other rxtrade package builds on.
 *
 * @packageDocumentation
 */

// Errors and validation
export {
  ErrorCode,
  RxTradeError,
  ValidationError,
  IllegalTransitionError,
  ClockError,
  StateError,
  NetworkError,
  RateLimitError,
  AuthenticationError,
  InsufficientFundsError,
  InvalidOrderError,
  OrderNotFoundError,
  UnsupportedError,
} from './errors';
export type { ValidationIssue } from './errors';
export { parseWith, preParsedConfig, unknownOptionMessage, looseObjectPaths } from './validation';

// Money
export { Decimal, ZERO, toDecimal, roundToIncrement, isMultipleOf, decimalToNumber, decimalFromScaled } from './decimal';
export type { DecimalLike } from './decimal';
export { DecimalAccumulator } from './decimal-accumulator';

// Identifiers
export { instrumentId, clientOrderId, venueOrderId, tradeId, strategyId, venueId } from './domain/ids';
export type { Brand, InstrumentId, ClientOrderId, VenueOrderId, TradeId, StrategyId, VenueId } from './domain/ids';
export { IdSequence } from './domain/id-sequence';

// Instruments
export { AssetClass, InstrumentConfigSchema, defineInstrument, roundPrice, roundQuantity } from './domain/instrument';
export type { Instrument, InstrumentConfig, FeeSchedule } from './domain/instrument';

// Market data
export {
  AggressorSide,
  BarSchema,
  QuoteSchema,
  TradeSchema,
  OrderBookSnapshotSchema,
  OrderBookDeltaSchema,
  barIssue,
} from './domain/market-data';
export type { Bar, Quote, Trade, BookLevel, OrderBookSnapshot, OrderBookDelta, MarketData } from './domain/market-data';
export { MarketDataValidator, marketDataIssue } from './domain/validate-market-data';
export { MARKET_DATA_CHUNKS, isChunkedMarketData } from './data/market-data-chunks';
export type { ChunkedMarketData } from './data/market-data-chunks';
export { BarColumns, BarColumnsBuilder, isBarColumns, BAR_COLUMN_FIELDS } from './data/bar-columns';
export type { BarColumnsInput, BarColumnsOptions, BarColumnsBuilderOptions, BarColumnField } from './data/bar-columns';
export { parseBarsCsvColumns } from './data/bar-columns-csv';
export type { ParsedBarColumns } from './data/bar-columns-csv';
export type { MarketDataIssue } from './domain/validate-market-data';
export { parseBarsCsv, parseBarsCsvChunks, ParseBarsCsvOptionsSchema, BarsCsvColumnsSchema, InvalidRowPolicy, TimestampUnit, BarsCsvPrice } from './data/bars-csv';
export type { ParseBarsCsvOptions, ParsedBars, SkippedRow } from './data/bars-csv';
export { BarsCsvPresets } from './data/bars-csv-presets';
export type { BarsCsvColumns, BarsCsvFormat, BarsCsvPreset, CsvColumn } from './data/bars-csv-presets';
export type { CsvDelimiter } from './data/csv-line';
export type { DecimalSeparator, ThousandsSeparator } from './data/csv-number';
export { compileTimestampFormat } from './data/timestamp-format';
export type { TimestampParser, WallTime } from './data/timestamp-format';
export { adjustBars, adjustBarsForward, CorporateActionSchema, CorporateActionsSchema, AdjustBarsOptionsSchema, AdjustBarsForwardConfigSchema } from './data/corporate-actions';
export type { CorporateAction, AdjustBarsOptions, AdjustBarsForwardConfig } from './data/corporate-actions';
export { dataQualityReport, tradeDataQualityReport } from './data/quality/data-quality-report';
export { DataQualityScanner } from './data/quality/data-quality-scanner';
export type { QualityBar, QualityTrade } from './data/quality/data-quality-scanner';
export { formatDataQualityReport } from './data/quality/format-data-quality-report';
export { DataQualityOptionsSchema, DataQualityCalendarSchema, DataQualityCheck, DataQualitySeverity, DATA_QUALITY_CHECKS } from './data/quality/data-quality-options';
export type { DataQualityOptions, DataQualityCalendar } from './data/quality/data-quality-options';
export type { DataQualityReport, InstrumentDataQuality, DataQualityCheckResult, DataQualityExample } from './data/quality/data-quality-types';

// Orders, events, venues
export {
  OrderSide,
  OrderType,
  TimeInForce,
  TrailingOffsetType,
  ContingencyType,
  PRICED_ORDER_TYPES,
  TRIGGERED_ORDER_TYPES,
  SubmitOrderSchema,
  SubmitOrderListSchema,
  CancelOrderSchema,
  ModifyOrderSchema,
} from './domain/orders';
export type { SubmitOrder, SubmitOrderList, CancelOrder, ModifyOrder, OrderCommand } from './domain/orders';
export { OrderStatus, LiquiditySide } from './domain/events';
export type {
  OrderEvent,
  OrderEventType,
  OrderDenied,
  OrderSubmitted,
  OrderAccepted,
  OrderRejected,
  OrderTriggered,
  OrderPendingCancel,
  OrderPendingUpdate,
  OrderUpdated,
  OrderCancelRejected,
  OrderModifyRejected,
  OrderCanceled,
  OrderExpired,
  OrderFilled,
  Fill,
  OrderView,
  Position,
  Balance,
  FundingPayment,
  OrderStatusReport,
} from './domain/events';
export type { Venue, VenueCapabilities, VenueEmulation, ExecutionClient, MarketDataSink } from './domain/venue';
export { ConnectionStatus, isMarketDataSink } from './domain/venue';
export { MarketDataKind, marketDataKind } from './domain/data-client';
export type { DataClient, DataSubscription } from './domain/data-client';
export { ReplayDataClient, ReplayDataClientConfigSchema } from './domain/replay-data-client';
export type { ReplayDataClientConfig } from './domain/replay-data-client';
export type { AccountLedger } from './domain/account-ledger';
export { DecimalSchema, OrderFilledSchema, OrderEventSchema, PositionSchema, BalanceSchema, parseOrderEvent, parsePosition, parseBalance } from './domain/wire';

// Time
export type { Clock, TimerEvent, TimerHandle, RepeatingTimerOptions } from './clock/clock';
export { BacktestClock } from './clock/backtest-clock';
export { LiveClock } from './clock/live-clock';

// Pipeline
export type { Pipeline, PipelineContext, MarketStreams } from './pipeline/pipeline';
export type { LedgerView, OrdersView, InstrumentRegistry } from './pipeline/views';
export { instrumentRegistry } from './pipeline/instrument-registry';
export { OrderFactory } from './pipeline/order-factory';
export type { NewOrderOptions, MarketToTargetOptions } from './pipeline/order-factory';
export { WorkTracker } from './pipeline/work-tracker';
export { mapAsync, MapAsyncOptionsSchema } from './pipeline/map-async';
export type { MapAsyncOptions } from './pipeline/map-async';
export { silentLogger, consoleLogger } from './pipeline/logger';
export type { Logger } from './pipeline/logger';

// Indicators
export * from './indicators/index';

// Feature operators
export * from './features/index';

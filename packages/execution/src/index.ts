/**
 * `@rxtrade/execution`: the order state machine, the order manager, the trading kernel and the simulated venue.
 *
 * @packageDocumentation
 */

// Order life cycle
export { ORDER_TRANSITIONS, nextStatus, isTerminalStatus } from './order-state-machine';
export type { OrderTransitionTable, TransitionContext } from './order-state-machine';
export { Order, OrderHold } from './order';
export { OrderAnomalyReason } from './order-anomaly';
export type { OrderAnomaly, OrderApplyResult } from './order-anomaly';

// Order manager
export { OrderManager, OrderManagerConfigSchema } from './order-manager';
export type { OrderManagerConfig } from './order-manager';
export { RetryPolicy, RetryPolicyConfigSchema, RetryExhaustedError, isRetryable } from './retry-policy';
export type { RetryPolicyConfig } from './retry-policy';

// Trading kernel: one pipeline against venues and a ledger, in every mode
export { TradingKernel, TradingKernelConfigSchema, describeMarketEvent } from './kernel/trading-kernel';
export type { TradingKernelConfig, RecordedAnomaly } from './kernel/trading-kernel';
export { OrderAnomalyError, StageTimeoutError } from './kernel/kernel-errors';

// Testing: a venue with injectable faults, for tests of the kernel and the order manager
export { FaultyVenue, FaultyVenueConfigSchema } from './testing/faulty-venue';
export type { FaultyVenueConfig, VenueFaults } from './testing/faulty-venue';

// Simulated venue and its models
export { SimulatedVenue, SimulatedVenueConfigSchema } from './simulated-venue';
export type { SimulatedVenueConfig } from './simulated-venue';
export { SimulatedVenueJsonSchema, FeeModelJsonSchema, SlippageModelJsonSchema, simulatedVenueOptions } from './venue-json';
export type { SimulatedVenueJson, FeeModelJson, SlippageModelJson } from './venue-json';
export { ZERO_FEE_MODEL } from './fee-model';
export type { FeeModel, FeeContext } from './fee-model';
export { PercentFeeModel, PercentFeeModelConfigSchema } from './percent-fee-model';
export type { PercentFeeModelConfig } from './percent-fee-model';
export { BarOpenFillModel } from './fill-model';
export type { FillModel } from './fill-model';

// L2 book
export { OrderBook } from './matching/order-book';
export type { BookSide } from './matching/order-book';

// Routing
export { VenueRouter, VenueRouterConfigSchema } from './routing/venue-router';
export type { VenueRouterConfig } from './routing/venue-router';
export { intersectCapabilities } from './routing/intersect-capabilities';
export { routeOrders, RouteOrdersConfigSchema } from './routing/route-orders';
export type { RouteOrdersConfig } from './routing/route-orders';
export { allocateSmart } from './routing/smart-allocation';
export type { SmartTarget, SmartAllocationInput, SmartAllocation, SmartChild, PlannedTake } from './routing/smart-allocation';

// Fee models
export { MakerTakerFeeModel, MakerTakerFeeModelConfigSchema } from './fees/maker-taker-fee-model';
export type { MakerTakerFeeModelConfig } from './fees/maker-taker-fee-model';
export { TieredFeeModel, TieredFeeModelConfigSchema } from './fees/tiered-fee-model';
export type { TieredFeeModelConfig, FeeTier } from './fees/tiered-fee-model';
export { FixedFeeModel, FixedFeeModelConfigSchema } from './fees/fixed-fee-model';
export type { FixedFeeModelConfig } from './fees/fixed-fee-model';
export { PerShareFeeModel, PerShareFeeModelConfigSchema } from './fees/per-share-fee-model';
export type { PerShareFeeModelConfig } from './fees/per-share-fee-model';

// Slippage
export { NO_SLIPPAGE } from './slippage/slippage-model';
export type { SlippageModel, SlippageInput } from './slippage/slippage-model';
export { FixedBpsSlippage, FixedBpsSlippageConfigSchema } from './slippage/fixed-bps-slippage';
export type { FixedBpsSlippageConfig } from './slippage/fixed-bps-slippage';
export { HalfSpreadSlippage, HalfSpreadSlippageConfigSchema } from './slippage/half-spread-slippage';
export type { HalfSpreadSlippageConfig } from './slippage/half-spread-slippage';
export { SquareRootImpactSlippage, SquareRootImpactSlippageConfigSchema } from './slippage/square-root-impact-slippage';
export type { SquareRootImpactSlippageConfig } from './slippage/square-root-impact-slippage';
export { participationCap } from './slippage/participation';

// Accounts and funding
export type { VenueAccount } from './account/venue-account';
export { SimulatedAccount, SimulatedAccountConfigSchema, AccountType } from './account/simulated-account';
export type { SimulatedAccountConfig } from './account/simulated-account';
export { PerpetualFunding, PerpetualFundingConfigSchema } from './account/perpetual-funding';
export type { PerpetualFundingConfig, FundingRate, FundingRates } from './account/perpetual-funding';

// Execution algorithms
export { twap, TwapConfigSchema } from './algos/twap';
export type { TwapConfig } from './algos/twap';
export { vwap, VwapConfigSchema } from './algos/vwap';
export type { VwapConfig } from './algos/vwap';
export { iceberg, IcebergConfigSchema } from './algos/iceberg';
export type { IcebergConfig } from './algos/iceberg';
export { pov, PovConfigSchema, PovVolumeSource } from './algos/pov';
export type { PovConfig } from './algos/pov';
export { volumeProfile, VolumeProfileConfigSchema } from './algos/volume-profile';
export type { VolumeProfileConfig } from './algos/volume-profile';
export { splitQuantity, sliceTimes } from './algos/child-schedule';
export { executionAlgorithm } from './algos/execution-algorithm';
export type { ExecutionAlgorithm, AlgoHandle, AlgoRun } from './algos/execution-algorithm';
export { ParentOrder } from './algos/parent-order';
export type { ChildUpdate } from './algos/parent-order';

// Simulated venue: latency and the intrabar path
export { SIMULATED_VENUE_CAPABILITIES } from './simulated-venue';
export { latencyModel, NO_LATENCY, LatencyModelConfigSchema } from './latency-model';
export type { LatencyModel, LatencyModelConfig } from './latency-model';
export { barPath } from './matching/bar-path';

// Journal: the live node's crash-safe local log of commands, events and snapshots
export { FileJournal, FileJournalConfigSchema, FsyncPolicy } from './journal/file-journal';
export type { FileJournalConfig, JournalRecovery, JournalSnapshot, PruneResult, TornTail } from './journal/file-journal';
export type { Journal } from './journal/journal';
export {
  JournalRecordKind,
  JournalEntryWireSchema,
  OrderCommandWireSchema,
  SubmitOrderWireSchema,
  SubmitOrderListWireSchema,
  CancelOrderWireSchema,
  ModifyOrderWireSchema,
  NodeMarkerSchema,
  FundingPaymentWireSchema,
  encodeJournalEntry,
  decodeJournalRecord,
} from './journal/journal-codec';
export type { CashAdjusted, JournalEntry, JournalRecord, NodeMarker, NodeStarted, NodeStopped, ReconciliationDone } from './journal/journal-codec';
export { JournalCorruptionError, JournalLockedError, JournalWriteError } from './journal/journal-errors';
export { nodeJournalFs } from './journal/journal-fs';
export type { JournalFs } from './journal/journal-fs';

/**
 * `@rxtrade/execution`: the order state machine, the order manager and the simulated venue.
 *
 * @packageDocumentation
 */

// Order life cycle
export { ORDER_TRANSITIONS, nextStatus, isTerminalStatus } from './order-state-machine';
export type { OrderTransitionTable, TransitionContext } from './order-state-machine';
export { Order } from './order';
export { OrderAnomalyReason } from './order-anomaly';
export type { OrderAnomaly, OrderApplyResult } from './order-anomaly';

// Order manager
export { OrderManager, OrderManagerConfigSchema } from './order-manager';
export type { OrderManagerConfig } from './order-manager';

// Simulated venue and its models
export { SimulatedVenue, SimulatedVenueConfigSchema } from './simulated-venue';
export type { SimulatedVenueConfig } from './simulated-venue';
export { ZERO_FEE_MODEL } from './fee-model';
export type { FeeModel, FeeContext } from './fee-model';
export { PercentFeeModel, PercentFeeModelConfigSchema } from './percent-fee-model';
export type { PercentFeeModelConfig } from './percent-fee-model';
export { BarOpenFillModel } from './fill-model';
export type { FillModel } from './fill-model';

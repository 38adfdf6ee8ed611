/**
 * `@rxtrade/execution`: the order state machine, the order manager and the simulated venue.
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

// Simulated venue and its models
export { SimulatedVenue, SimulatedVenueConfigSchema } from './simulated-venue';
export type { SimulatedVenueConfig } from './simulated-venue';
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

/**
 * Errors a run fails with besides a bad config or bad data (`ValidationError`): an asynchronous stage
 * that never settles, and an order anomaly in strict mode. The trading kernel in `@rxtrade/execution`
 * raises them; they are re-exported here, where runners have always exported them.
 */
export { OrderAnomalyError, StageTimeoutError } from '@rxtrade/execution';

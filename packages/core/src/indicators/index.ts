// Streaming indicators. Each file holds one indicator and cites its definition.
export type { Indicator } from './indicator';
export { Sma } from './sma';

/**
 * `@rxtrade/portfolio`: the ledger (cash, positions, fees and P&L, exact in Decimal) and the
 * performance analytics that backtest reports and other packages share.
 *
 * @packageDocumentation
 */

// Ledger
export { Ledger, LedgerConfigSchema } from './ledger';
export type { LedgerConfig } from './ledger';

// Returns
export type { Series } from './analytics/series';
export { simpleReturns } from './analytics/simple-returns';
export { totalReturn } from './analytics/total-return';
export { annualizedReturn } from './analytics/annualized-return';
export { annualizedVolatility } from './analytics/annualized-volatility';

// Risk-adjusted ratios (R PerformanceAnalytics conventions)
export { sharpeRatio, SharpeRatioConfigSchema } from './analytics/sharpe-ratio';
export type { SharpeRatioConfig } from './analytics/sharpe-ratio';
export { sortinoRatio, SortinoRatioConfigSchema } from './analytics/sortino-ratio';
export type { SortinoRatioConfig } from './analytics/sortino-ratio';
export { calmarRatio } from './analytics/calmar-ratio';

// Drawdowns
export { maxDrawdown, MaxDrawdownConfigSchema, SeriesKind } from './analytics/max-drawdown';
export type { MaxDrawdownConfig } from './analytics/max-drawdown';
export { drawdownSeries } from './analytics/drawdown-series';

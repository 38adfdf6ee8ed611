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

// Accounting, rebalancing, attribution
export { PositionMode, PositionSide } from './accounting/position-mode';
export { LotMethod } from './accounting/lot-method';
export { parseFxPair } from './accounting/fx-pair';
export type { FxPair } from './accounting/fx-pair';
export { trackFxRates } from './accounting/track-fx-rates';
export type { FxRate } from './accounting/track-fx-rates';
export { LedgerSnapshotSchema } from './accounting/ledger-snapshot';
export type { LedgerSnapshot } from './accounting/ledger-snapshot';
export { LedgerRestoreConfigSchema } from './ledger';
export type { LedgerRestoreConfig, ApplyFillOptions, InstrumentPnl } from './ledger';
export { capmBeta, CapmConfigSchema } from './analytics/capm-beta';
export type { CapmConfig } from './analytics/capm-beta';
export { capmAlpha } from './analytics/capm-alpha';
export { trackingError } from './analytics/tracking-error';
export { activePremium } from './analytics/active-premium';
export { informationRatio } from './analytics/information-ratio';
export { contributionByWeights } from './attribution/contribution-by-weights';
export type { ContributionInput, Contribution } from './attribution/contribution-by-weights';
export { attributePnl, AttributePnlConfigSchema, AttributionKey } from './attribution/attribute-pnl';
export type { AttributePnlConfig, PnlAttribution } from './attribution/attribute-pnl';
export { TargetWeightsSchema } from './rebalance/target-weights';
export type { TargetWeights } from './rebalance/target-weights';
export { rebalanceOnCalendar, RebalanceOnCalendarConfigSchema, RebalanceEvery, nextCalendarBoundary } from './rebalance/rebalance-on-calendar';
export type { RebalanceOnCalendarConfig } from './rebalance/rebalance-on-calendar';
export { rebalanceOnDrift, RebalanceOnDriftConfigSchema } from './rebalance/rebalance-on-drift';
export type { RebalanceOnDriftConfig } from './rebalance/rebalance-on-drift';
export { volatilityTarget, VolatilityTargetConfigSchema } from './rebalance/volatility-target';
export type { VolatilityTargetConfig } from './rebalance/volatility-target';
export { sizeToTargets, SizeToTargetsConfigSchema } from './rebalance/size-to-targets';
export type { SizeToTargetsConfig } from './rebalance/size-to-targets';
export { currentWeights } from './rebalance/current-weights';

// Optimizers
export { minVariance, MinVarianceConfigSchema } from './optimize/min-variance';
export type { MinVarianceConfig } from './optimize/min-variance';
export { meanVariance, MeanVarianceConfigSchema } from './optimize/mean-variance';
export type { MeanVarianceConfig } from './optimize/mean-variance';
export { maxSharpe, MaxSharpeConfigSchema } from './optimize/max-sharpe';
export type { MaxSharpeConfig, MaxSharpeOptimum } from './optimize/max-sharpe';
export { riskParity, RiskParityConfigSchema } from './optimize/risk-parity';
export type { RiskParityConfig } from './optimize/risk-parity';
export { hierarchicalRiskParity, HierarchicalRiskParityConfigSchema, HrpDistance } from './optimize/hierarchical-risk-parity';
export type { HierarchicalRiskParityConfig, HierarchicalRiskParityResult } from './optimize/hierarchical-risk-parity';
export { blackLitterman, BlackLittermanConfigSchema } from './optimize/black-litterman';
export type { BlackLittermanConfig, BlackLittermanPosterior } from './optimize/black-litterman';
export { sampleCovariance, ReturnsMatrixSchema } from './optimize/covariance/sample-covariance';
export { sampleMean } from './optimize/covariance/sample-mean';
export { ledoitWolfCovariance } from './optimize/covariance/ledoit-wolf-covariance';
export type { ShrunkCovariance } from './optimize/covariance/ledoit-wolf-covariance';
export { ewmaCovariance, EwmaCovarianceConfigSchema } from './optimize/covariance/ewma-covariance';
export type { EwmaCovarianceConfig } from './optimize/covariance/ewma-covariance';
export { solveQuadraticProgram } from './optimize/solve-quadratic-program';
export type { QuadraticProgram, QuadraticProgramSolution, QuadraticProgramLabels } from './optimize/solve-quadratic-program';
export { CovarianceMatrixSchema, MatrixSchema, VectorSchema, GroupLimitSchema, TransactionCostPenaltySchema } from './optimize/optimizer-inputs';
export type { MatrixInput, VectorInput, GroupLimit, TransactionCostPenalty } from './optimize/optimizer-inputs';
export type { PortfolioOptimum } from './optimize/portfolio-optimum';

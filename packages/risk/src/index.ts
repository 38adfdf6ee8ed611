/**
 * `@rxtrade/risk`: a pure, exact pre-trade risk engine with trading states, circuit breakers, a kill
 * switch and a hash-chained audit trail, its RxJS operator, and risk measures (VaR, ES, stress tests).
 * Depends only on `@rxtrade/core`; usable without RxJS.
 *
 * @packageDocumentation
 */

// Engine
export { RiskEngine } from './risk-engine';
export type { BreakerStatus, KillSwitchOptions } from './risk-engine';
export { RiskState } from './risk-state';
export type { RiskStateInput, RiskPositionInput, RiskOpenOrderInput, RiskPriceInput } from './risk-state';
export { TradingState } from './trading-state';
export { DenialCode, APPROVED, formatDenial } from './risk-decision';
export type { DenialReason, RiskDecision, RiskApproved, RiskDenied } from './risk-decision';

// Configuration
export { RiskEngineConfigSchema, RiskLimitsSchema, BreakersConfigSchema } from './config';
export type { RiskEngineConfig, ParsedRiskEngineConfig, RiskLimits, ParsedRiskLimits, BreakersConfig } from './config';

// Events
export { BreakerName } from './events';
export type { BreakerAlert, TradingStateChange, KillSwitchActivated, DecisionRecorded, RiskEngineEvents } from './events';

// Operator
export { riskGate } from './risk-gate';
export type { RiskGateOptions } from './risk-gate';
export { riskInputFromContext } from './risk-input-from-context';

// Audit trail
export { AuditLog, AuditKey, AuditKind, GENESIS_HASH, auditHash } from './audit-log';
export type { AuditLogOptions, AuditRecord } from './audit-log';
export { verifyAuditTrail } from './verify-audit-trail';
export type { AuditVerification } from './verify-audit-trail';

// Measures
export { valueAtRisk, cornishFisherQuantile } from './measures/value-at-risk';
export { expectedShortfall } from './measures/expected-shortfall';
export { RiskMeasureMethod, RiskMeasureConfigSchema } from './measures/risk-measure-config';
export type { RiskMeasureConfig } from './measures/risk-measure-config';
export { sampleMoments } from './measures/moments';
export type { SampleMoments } from './measures/moments';
export { quantileType7 } from './measures/quantile';
export { normalQuantile, normalDensity, normalCdf } from './measures/normal';
export { portfolioVar, PortfolioVarConfigSchema } from './measures/portfolio-var';
export type { PortfolioVarConfig, PortfolioVarResult } from './measures/portfolio-var';
export { covarianceMatrix } from './measures/covariance-matrix';
export { monteCarloVar, MonteCarloVarConfigSchema } from './measures/monte-carlo-var';
export type { MonteCarloVarConfig } from './measures/monte-carlo-var';
export { SeededRandom } from './measures/seeded-random';
export { scaleToHorizon, scaleGaussianToHorizon } from './measures/scale-to-horizon';
export { stressTest } from './measures/stress-test';
export type { StressPosition, StressScenario, StressResult } from './measures/stress-test';

// Feature operators: withIndicators, resample, toFeatures, window, and the streaming transforms they use.

// Bar inputs
export { BarField } from './bar-field';

// Indicators on bars
export { withIndicators, WithIndicatorsConfigSchema } from './with-indicators';
export type { WithIndicatorsConfig, BarWithIndicators, IndicatorEntry, IndicatorFeed, IndicatorSpec, IndicatorValues } from './with-indicators';

// Resampling
export { resample, ResampleConfigSchema, LateBarPolicy } from './resample';
export type { ResampleConfig, ResampledBar } from './resample';
export { Timeframe } from './timeframe';

// Bars from trades
export { timeBars, tickBars, volumeBars, valueBars, TimeBarsConfigSchema, TickBarsConfigSchema, VolumeBarsConfigSchema, ValueBarsConfigSchema } from './trade-bars';
export type { TimeBarsConfig, TickBarsConfig, VolumeBarsConfig, ValueBarsConfig } from './trade-bars';
export { TradeBarAggregator } from './trade-bars-aggregator';
export type { TradeBar } from './trade-bars-aggregator';
export {
  BarCloseAt,
  PartialBar,
  EmptyPeriod,
  TradeBarSpecSchema,
  TimeBarSpecSchema,
  TickBarSpecSchema,
  VolumeBarSpecSchema,
  ValueBarSpecSchema,
  barSeriesId,
  parseBarSeriesId,
  parseTradeBarSpec,
} from './trade-bars-spec';
export type { TradeBarSpec, ResolvedTradeBarSpec } from './trade-bars-spec';

// Transforms (streaming number-to-number indicators)
export { Returns } from './returns';
export { LogReturns } from './log-returns';
export { RollingMinMax } from './rolling-min-max';

// Feature rows and windows
export { toFeatures, ToFeaturesConfigSchema, FeatureWarmup } from './to-features';
export type { ToFeaturesConfig, FeatureDefinition, FeatureEntry, FeatureRow, FeatureOperator } from './to-features';
export { window, WindowConfigSchema } from './window';
export type { WindowConfig } from './window';
export { FeatureWindow } from './feature-window';

/**
 * `@rxtrade/ml`: model adapters for rxtrade pipelines. This version holds the model contract and the
 * `applyModel` stage; adapters for TensorFlow.js and ONNX Runtime are not part of this version.
 *
 * @packageDocumentation
 */

export { applyModel } from './apply-model';
export type { Predictor, ApplyModelOptions } from './apply-model';

// Models: the contract, adapters, the model stage, scalers
export { TensorDtype, sampleSize, formatDims, checkPredictInput } from './models/model';
export type { Model, TensorSpec } from './models/model';
export { OnnxModel, OnnxModelConfigSchema } from './models/onnx-model';
export type { OnnxModelConfig } from './models/onnx-model';
export { TfjsModel, TfjsBackend, TfjsModelConfigSchema } from './models/tfjs-model';
export type { TfjsModelConfig, TfjsModelArtifacts } from './models/tfjs-model';
export { StandardScaler, StandardScalerConfigSchema, StandardScalerJSONSchema } from './models/scalers/standard-scaler';
export type { StandardScalerConfig } from './models/scalers/standard-scaler';
export { MinMaxScaler, MinMaxScalerConfigSchema, MinMaxScalerJSONSchema } from './models/scalers/min-max-scaler';
export type { MinMaxScalerConfig } from './models/scalers/min-max-scaler';
export { RobustScaler, RobustScalerConfigSchema, RobustScalerJSONSchema } from './models/scalers/robust-scaler';
export type { RobustScalerConfig } from './models/scalers/robust-scaler';
export { scalerFromJSON } from './models/scalers/scaler-from-json';
export { normalQuantile } from './models/scalers/normal-quantile';
export type { Scaler, ScalerJSON, StandardScalerJSON, MinMaxScalerJSON, RobustScalerJSON, FitData } from './models/scalers/scaler';

// Trees: XGBoost models evaluated in TypeScript
export { XgboostModel } from './trees/xgboost-model';
export type { XgboostModelOptions } from './trees/xgboost-model';
export { XGBOOST_OBJECTIVES } from './trees/xgboost-objective';
export type { ObjectiveSpec, MarginLink, PredictionTransform } from './trees/xgboost-objective';

// Forecasts: quantile forecasters, their stage, stops and sizes from quantiles
export { QuantileForecast } from './forecast/quantile-forecast';
export { QuantileForecaster, QuantileForecasterConfigSchema, forecastQuantiles } from './forecast/quantile-forecaster';
export type { QuantileForecasterConfig, ForecastQuantilesOptions } from './forecast/quantile-forecaster';
export { quantileStop, spreadScaledSize } from './forecast/quantile-sizing';
export type { QuantileStopOptions, SpreadScaledSizeOptions } from './forecast/quantile-sizing';

// Regimes: Gaussian hidden Markov models and the streaming regime stage
export { GaussianHmm } from './regime/gaussian-hmm';
export type { GaussianHmmFit, HmmObservations, ViterbiResult } from './regime/gaussian-hmm';
export { CovarianceType, GaussianHmmConfigSchema, GaussianHmmFitOptionsSchema } from './regime/gaussian-hmm-config';
export type { GaussianHmmConfig, GaussianHmmFitOptions } from './regime/gaussian-hmm-config';
export { regime } from './regime/regime';
export { RegimeFilter } from './regime/regime-filter';

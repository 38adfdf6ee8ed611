/**
 * `@rxtrade/ml`: machine learning for rxtrade pipelines: the `Model` contract with its ONNX Runtime
 * adapter, the model stage, scalers, and the models, regimes, forecasts and lifecycle tools built on them.
 * What TensorFlow.js types (the `TfjsModel` adapter and the CNN+LSTM) is in `@rxtrade/ml/tfjs`, so that
 * this entry neither loads TensorFlow.js nor puts its declarations (which need the DOM's types) into a
 * program that does not use it.
 *
 * @packageDocumentation
 */

export { applyModel } from './apply-model';
export type { Predictor, ApplyModelOptions } from './apply-model';

// Models: the contract, adapters, the model stage, scalers
export { TensorDtype, sampleSize, formatDims, checkPredictInput } from './models/model';
export type { Model, TensorSpec } from './models/model';
export { OnnxModel, OnnxModelConfigSchema } from './models/onnx-model';
export type { OnnxModelConfig, OnnxSession } from './models/onnx-model';
export { StandardScaler, StandardScalerConfigSchema, StandardScalerJSONSchema } from './models/scalers/standard-scaler';
export type { StandardScalerConfig } from './models/scalers/standard-scaler';
export { MinMaxScaler, MinMaxScalerConfigSchema, MinMaxScalerJSONSchema } from './models/scalers/min-max-scaler';
export type { MinMaxScalerConfig } from './models/scalers/min-max-scaler';
export { RobustScaler, RobustScalerConfigSchema, RobustScalerJSONSchema } from './models/scalers/robust-scaler';
export type { RobustScalerConfig } from './models/scalers/robust-scaler';
export { scalerFromJSON } from './models/scalers/scaler-from-json';
export { normalQuantile } from './models/scalers/normal-quantile';
export { predictStage, PredictStageConfigSchema } from './models/predict-stage';
export type { Prediction, PredictStageConfig } from './models/predict-stage';
export { precomputePredictions, PrecomputedPredictions, PrecomputeConfigSchema } from './models/precompute-predictions';
export type { PrecomputeConfig, FeatureFactory } from './models/precompute-predictions';
export { predictBars, PredictBarsConfigSchema } from './models/predict-bars';
export type { PredictBarsConfig } from './models/predict-bars';
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

// Lifecycle: registry, walk-forward and background retraining, drift, outlier gate, shadow models
export { ModelRegistry, ModelVersionMetadataSchema, TrainingWindowSchema } from './lifecycle/model-registry';
export type { ModelVersionMetadata, SaveModelVersion, LoadedModelVersion, ModelRegistryOptions, TrainingWindow, JsonValue } from './lifecycle/model-registry';
export { hashTrainingData } from './lifecycle/training-data-hash';
export type { TrainingRow } from './lifecycle/training-data-hash';
export type { ModelVersion, ModelVersionSource, TrainingSet, TrainedModel, Trainer } from './lifecycle/model-version';
export { RetrainTrigger, RetrainScheduleSchema, TrainingWindowRuleSchema } from './lifecycle/retrain-schedule';
export type { RetrainSchedule, TrainingWindowRule } from './lifecycle/retrain-schedule';
export { walkForwardModel, WalkForwardModel } from './lifecycle/walk-forward-model';
export type { WalkForwardModelConfig, WalkForwardVersion } from './lifecycle/walk-forward-model';
export { predictVersioned } from './lifecycle/predict-versioned';
export type { PredictVersionedOptions, VersionedPrediction } from './lifecycle/predict-versioned';
export { BackgroundRetrainer } from './lifecycle/background-retrainer';
export type { BackgroundRetrainerConfig, ModelSwapped } from './lifecycle/background-retrainer';
export { ksTwoSample, ksTwoSampleSorted, ksStatisticSorted, kolmogorovSurvival, KS_EXACT_MAX_N, psiBins, populationStabilityIndex, quantileSorted } from './lifecycle/drift-statistics';
export type { KsTestResult, PsiBins, PsiOptions } from './lifecycle/drift-statistics';
export { driftMonitor } from './lifecycle/drift-monitor';
export type { DriftMonitorConfig, DriftAlert, DriftReport } from './lifecycle/drift-monitor';
export { fitOutlierDetector, OutlierDetector, outlierGate, OutlierRuleSchema } from './lifecycle/outlier-gate';
export type { OutlierRule, OutlierCheck, OutlierDetectorJson, OutlierGateConfig, OutlierWithheld } from './lifecycle/outlier-gate';
export { shadowSignals, ShadowLog } from './lifecycle/shadow-signals';
export type { ShadowSignalsConfig, ShadowLogEntry } from './lifecycle/shadow-signals';

// Signals: the Signal type, the decision stage, sizing, orders
export { Direction, directionSign, signal, SignalSchema } from './signals/signal';
export type { Signal } from './signals/signal';
export { decide } from './signals/decide';
export type { DecideConfig, DecisionMember, Decision, Vote, MemberFailure } from './signals/decide';
export { fixedFraction, volatilityTarget, cappedKelly, kellyFraction } from './signals/sizing';
export type { Sizer, SizingContext, VolatilityTargetConfig, CappedKellyConfig } from './signals/sizing';
export { sizeSignals } from './signals/size-signals';
export type { SizeSignalsConfig } from './signals/size-signals';

// Streaming indicators. Each file holds one indicator and cites its definition (TA-Lib function and
// source file, or the paper / R TTR function where TA-Lib has none).
export type { Indicator, Writable } from './indicator';
export type { HighLow, HighLowClose, HighLowCloseVolume, OpenHighLowClose, CloseVolume, VolumeOnly, TimedHighLowCloseVolume } from './inputs';

// Configuration
export {
  periodConfigSchema,
  MacdConfigSchema,
  BollingerBandsConfigSchema,
  KeltnerConfigSchema,
  StochasticConfigSchema,
  StochasticRsiConfigSchema,
  ParabolicSarConfigSchema,
  VwapConfigSchema,
  VwapPrice,
  VolatilityConfigSchema,
} from './config';
export type { MacdConfig, BollingerBandsConfig, KeltnerConfig, StochasticConfig, StochasticRsiConfig, ParabolicSarConfig, VwapConfig, VolatilityConfig } from './config';

// Moving averages
export { Sma } from './sma';
export { Ema } from './ema';
export { Wma } from './wma';
export { Dema } from './dema';
export { Tema } from './tema';
export { Kama } from './kama';

// Momentum and oscillators
export { Rsi } from './rsi';
export { Macd } from './macd';
export type { MacdValue } from './macd';
export { Stochastic } from './stochastic';
export type { StochasticValue } from './stochastic';
export { StochasticRsi } from './stochastic-rsi';
export { Cci } from './cci';
export { Mfi } from './mfi';
export { WilliamsR } from './williams-r';
export { Roc } from './roc';
export { Momentum } from './momentum';
export { Aroon } from './aroon';
export type { AroonValue } from './aroon';

// Trend
export { Adx } from './adx';
export type { AdxValue } from './adx';
export { ParabolicSar } from './parabolic-sar';

// Volatility and channels
export { TrueRange, trueRange } from './true-range';
export { Atr } from './atr';
export { Natr } from './natr';
export { BollingerBands } from './bollinger-bands';
export type { BandsValue } from './bollinger-bands';
export { Donchian } from './donchian';
export { Keltner } from './keltner';
export { StdDev } from './std-dev';
export { ZScore } from './z-score';
export { GarmanKlass } from './garman-klass';
export { RealizedVolatility } from './realized-volatility';

// Volume
export { Obv } from './obv';
export { Vwap } from './vwap';
export { VolumeRoc } from './volume-roc';

// Building blocks
export { RingBuffer } from './ring-buffer';
export { LaggedChange } from './lagged-change';
export { RollingExtreme, ExtremeKind } from './rolling-extreme';

// Research
export { batch } from './batch';
export type { BarColumns, BatchOutput } from './batch';

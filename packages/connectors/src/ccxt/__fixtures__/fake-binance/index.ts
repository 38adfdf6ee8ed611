/** A fake Binance (spot and USDⓈ-M futures) for tests that drive the real ccxt client. */
export { FakeBinance, BinanceError, DEFAULT_SPOT_MARKETS, DEFAULT_FUTURES_MARKETS } from './fake-binance';
export type { FakeBinanceConfig } from './fake-binance';
export { binanceCcxtOptions } from './ccxt-options';
export type { BinanceCcxtOptionsConfig } from './ccxt-options';

/** A fake Bybit (v5, unified account: spot and USDT perpetuals) for tests that drive the real ccxt client. */
export { FakeBybit, BybitError, DEFAULT_SPOT_MARKETS, DEFAULT_LINEAR_MARKETS } from './fake-bybit';
export type { FakeBybitConfig } from './fake-bybit';
export { bybitCcxtOptions } from './ccxt-options';
export type { BybitCcxtOptionsConfig } from './ccxt-options';

/** A fake Coinbase Advanced Trade for tests that drive the real ccxt client. */
export { FakeCoinbase, DEFAULT_COINBASE_MARKETS, newClientOrderId } from './fake-coinbase';
export type { FakeCoinbaseConfig } from './fake-coinbase';
export { coinbaseCcxtOptions } from './ccxt-options';
export type { CoinbaseCcxtOptionsConfig } from './ccxt-options';
export { cdpKey, verifyCdpJwt, JwtError } from './jwt';
export type { CdpKey } from './jwt';

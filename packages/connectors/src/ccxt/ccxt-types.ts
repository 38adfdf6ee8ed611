/**
 * How rxtrade's public declarations name ccxt's objects. ccxt's own type declarations do not compile
 * under `skipLibCheck: false` (and not under node16 CommonJS resolution), so no declaration that an
 * application compiles against imports them: an exchange instance and a market are named by the
 * little the API needs, and the adapter reads them as ccxt's types inside.
 */

/**
 * A ccxt exchange instance (`new ccxt.pro.binance({...})`, `new ccxt.bybit({...})`): any of them is one.
 *
 * @example
 * ```ts
 * const exchange: CcxtExchange = new ccxt.pro.binance({ apiKey, secret });
 * ```
 */
export type CcxtExchange = { readonly id: string; readonly [member: string]: any };

/**
 * A market of a ccxt exchange (an entry of `exchange.markets`), by the fields rxtrade's API reads.
 *
 * @example
 * ```ts
 * const market: CcxtMarket = exchange.markets['BTC/USDT'];
 * ```
 */
export interface CcxtMarket {
  readonly id?: string | undefined;
  readonly symbol: string;
  readonly type?: string | undefined;
}

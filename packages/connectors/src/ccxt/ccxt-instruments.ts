/**
 * Instruments from ccxt markets (`exchange.loadMarkets()`): tick size, lot size, minimum notional,
 * contract size and fees, converted exactly with Decimal. ccxt states a market's precision in one of two
 * ways (`exchange.precisionMode`): TICK_SIZE, where `precision.price` is the increment itself (0.01), or
 * DECIMAL_PLACES, where it is a count of decimals (2 means 0.01). SIGNIFICANT_DIGITS has no fixed
 * increment and is refused.
 *
 * Names: spot markets keep the exchange's id (`BTCUSDT.BINANCE`, `BTC-USD.COINBASE`); perpetual swaps
 * get `-PERP` (`BTCUSDT-PERP.BINANCEUSDM`), as in NautilusTrader, because exchanges reuse the spot id
 * for the swap; dated futures and options keep their ids, which carry the expiry.
 */
import type { Exchange, MarketInterface as Market } from 'ccxt';
import type { CcxtExchange, CcxtMarket } from './ccxt-types';
import { AssetClass, Decimal, ValidationError, defineInstrument, type Instrument, type InstrumentId } from '@rxtrade/core';

/** ccxt's precision modes (`ccxt.DECIMAL_PLACES`, `ccxt.SIGNIFICANT_DIGITS`, `ccxt.TICK_SIZE`). */
export const PrecisionMode = { DECIMAL_PLACES: 2, SIGNIFICANT_DIGITS: 3, TICK_SIZE: 4 } as const;
export type PrecisionMode = (typeof PrecisionMode)[keyof typeof PrecisionMode];

/**
 * The increment a ccxt precision value stands for, exactly: the value itself under TICK_SIZE, `10^-n`
 * under DECIMAL_PLACES. Numbers are read through their shortest decimal form (`0.1` is `0.1`, not
 * `0.1000000000000000055…`), which is the string the exchange sent.
 *
 * @param field names the value in the error when it is unusable.
 * @example
 * ```ts
 * precisionToIncrement(0.01, PrecisionMode.TICK_SIZE, 'price').toString(); // '0.01'
 * precisionToIncrement(8, PrecisionMode.DECIMAL_PLACES, 'amount').toString(); // '1e-8'
 * ```
 */
export function precisionToIncrement(value: number | string | undefined, mode: number, field: string): Decimal {
  if (value === undefined || value === null) throw new ValidationError([{ path: [field], message: 'the market has no precision for it' }]);
  const d = new Decimal(String(value));
  if (!d.isFinite()) throw new ValidationError([{ path: [field], message: `precision ${String(value)} is not a finite number` }]);
  switch (mode) {
    case PrecisionMode.TICK_SIZE:
      if (d.lte(0)) throw new ValidationError([{ path: [field], message: `tick size ${String(value)} must be positive` }]);
      return d;
    case PrecisionMode.DECIMAL_PLACES:
      if (!d.isInteger()) throw new ValidationError([{ path: [field], message: `decimal places ${String(value)} must be an integer` }]);
      return new Decimal(10).pow(d.neg());
    case PrecisionMode.SIGNIFICANT_DIGITS:
      throw new ValidationError([{ path: [field], message: 'precision in significant digits has no fixed increment' }]);
    default:
      throw new ValidationError([{ path: [field], message: `unknown ccxt precision mode ${mode}` }]);
  }
}

/** The asset class of a ccxt market type. */
function assetClassOf(market: Market): AssetClass {
  if (market.swap) return AssetClass.PERPETUAL;
  if (market.future) return AssetClass.FUTURE;
  if (market.option) return AssetClass.OPTION;
  return AssetClass.SPOT;
}

/** The rxtrade symbol of a market (see the file header). */
export function ccxtInstrumentSymbol(ccxtMarket: CcxtMarket): string {
  const market = ccxtMarket as Market;
  return market.swap ? `${market.id}-PERP` : String(market.id);
}

const decimalOrZero = (v: number | string | undefined): Decimal => (v === undefined || v === null ? new Decimal(0) : new Decimal(String(v)));

/**
 * One ccxt market as an rxtrade {@link Instrument}.
 *
 * @param venue the venue id (`BINANCE`), the `venue` of the instrument and the suffix of its id.
 * @param precisionMode the exchange's `precisionMode`.
 * @example
 * ```ts
 * const btc = ccxtInstrument(exchange.market('BTC/USDT'), 'BINANCE', exchange.precisionMode);
 * btc.id; // 'BTCUSDT.BINANCE'
 * btc.tickSize.toString(); // '0.01'
 * ```
 */
export function ccxtInstrument(ccxtMarket: CcxtMarket, venue: string, precisionMode: number): Instrument {
  const market = ccxtMarket as Market;
  const symbol = ccxtInstrumentSymbol(market);
  try {
    const tickSize = precisionToIncrement(market.precision.price, precisionMode, 'precision.price');
    const lotSize = precisionToIncrement(market.precision.amount, precisionMode, 'precision.amount');
    const contract = market.contract === true;
    return defineInstrument({
      symbol,
      venue,
      assetClass: assetClassOf(market),
      base: market.base,
      // A contract's quantity is counted in contracts of `contractSize` units of the base (linear) or of
      // the quote (inverse); its P&L is in the settle currency.
      quote: (contract && market.settle ? market.settle : market.quote) ?? market.quote,
      tickSize,
      lotSize,
      minNotional: decimalOrZero(market.limits?.cost?.min),
      multiplier: contract && market.contractSize !== undefined ? new Decimal(String(market.contractSize)) : 1,
      fees: { maker: decimalOrZero(market.maker), taker: decimalOrZero(market.taker) },
    });
  } catch (error) {
    if (error instanceof ValidationError)
      throw new ValidationError(
        error.issues.map((i) => ({ ...i, path: [`markets`, market.symbol, ...i.path] })),
      );
    throw error;
  }
}

/**
 * The instruments of one ccxt exchange and the way between rxtrade's instrument ids and ccxt's unified
 * symbols (`BTCUSDT.BINANCE` ⇄ `BTC/USDT`).
 *
 * @example
 * ```ts
 * const markets = await loadCcxtInstruments(exchange, { venue: 'BINANCE' });
 * markets.symbolOf(instrumentId('BTCUSDT.BINANCE')); // 'BTC/USDT'
 * markets.instrumentOf('BTC/USDT')?.tickSize.toString(); // '0.01'
 * ```
 */
export class CcxtInstruments {
  readonly instruments: readonly Instrument[];
  private readonly byId = new Map<string, { instrument: Instrument; market: Market }>();
  private readonly bySymbol = new Map<string, Instrument>();

  constructor(
    readonly venue: string,
    entries: readonly { instrument: Instrument; market: CcxtMarket }[],
  ) {
    for (const e of entries) {
      const clash = this.byId.get(e.instrument.id);
      if (clash !== undefined)
        throw new ValidationError([{ path: ['markets', e.market.symbol], message: `instrument id ${e.instrument.id} is also ${clash.market.symbol}'s: load one of them (marketTypes or symbols)` }]);
      this.byId.set(e.instrument.id, e as { instrument: Instrument; market: Market });
      this.bySymbol.set(e.market.symbol, e.instrument);
    }
    this.instruments = entries.map((e) => e.instrument);
  }

  /** The ccxt unified symbol of an instrument; throws a ValidationError naming it when unknown. */
  symbolOf(id: InstrumentId | string): string {
    return this.marketOf(id).symbol;
  }

  /** The ccxt market of an instrument; throws a ValidationError naming it when unknown. */
  marketOf(id: InstrumentId | string): CcxtMarket {
    const e = this.byId.get(id);
    if (e === undefined) throw new ValidationError([{ path: ['instrumentId'], message: `${id} is not an instrument of ${this.venue}` }]);
    return e.market;
  }

  /** The instrument of a ccxt unified symbol; undefined for a market not loaded. */
  instrumentOf(symbol: string | undefined): Instrument | undefined {
    return symbol === undefined ? undefined : this.bySymbol.get(symbol);
  }

  /** The instrument with this id, if loaded. */
  get(id: InstrumentId | string): Instrument | undefined {
    return this.byId.get(id)?.instrument;
  }
}

/**
 * Which markets {@link loadCcxtInstruments} keeps.
 *
 * @example
 * ```ts
 * const options: LoadCcxtInstrumentsOptions = { venue: 'BINANCE', marketTypes: ['spot'], symbols: ['BTC/USDT'] };
 * ```
 */
export interface LoadCcxtInstrumentsOptions {
  /** The venue id of the instruments. */
  readonly venue: string;
  /** ccxt market types to keep (`spot`, `swap`, `future`, `option`); all by default. */
  readonly marketTypes?: readonly string[] | undefined;
  /** ccxt unified symbols to keep; all by default. An unknown symbol is an error. */
  readonly symbols?: readonly string[] | undefined;
  /** Also keep markets the exchange lists as inactive (default false). */
  readonly includeInactive?: boolean | undefined;
}

/**
 * Loads the exchange's markets (`loadMarkets`) and maps every kept market to an instrument. A market
 * whose precision cannot be read is an error naming it when it was asked for by symbol, and is left out
 * otherwise.
 *
 * @example
 * ```ts
 * const exchange = new ccxt.pro.binance({ options: { fetchMarkets: { types: ['spot'] } } });
 * const { instruments } = await loadCcxtInstruments(exchange, { venue: 'BINANCE', symbols: ['BTC/USDT'] });
 * ```
 */
export async function loadCcxtInstruments(instance: CcxtExchange, options: LoadCcxtInstrumentsOptions): Promise<CcxtInstruments> {
  const exchange = instance as Exchange;
  const markets = await exchange.loadMarkets();
  const wanted = options.symbols === undefined ? undefined : new Set(options.symbols);
  for (const s of wanted ?? []) if (markets[s] === undefined) throw new ValidationError([{ path: ['symbols'], message: `${exchange.id} has no market ${s}` }]);
  const entries: { instrument: Instrument; market: Market }[] = [];
  for (const market of Object.values(markets)) {
    if (market === undefined) continue;
    if (wanted !== undefined && !wanted.has(market.symbol)) continue;
    if (options.marketTypes !== undefined && !options.marketTypes.includes(market.type ?? 'spot')) continue;
    if (wanted === undefined && market.active === false && options.includeInactive !== true) continue;
    try {
      entries.push({ instrument: ccxtInstrument(market, options.venue, exchange.precisionMode ?? PrecisionMode.TICK_SIZE), market });
    } catch (error) {
      if (wanted !== undefined) throw error;
    }
  }
  return new CcxtInstruments(options.venue, entries);
}

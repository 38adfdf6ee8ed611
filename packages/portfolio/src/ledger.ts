/**
 * The ledger: cash, positions, fees and P&L of one account, kept exactly in Decimal by the
 * average-cost method, plus float64 mirrors so that an equity curve can be sampled on every bar without
 * building a Decimal.
 */
import {
  Decimal,
  OrderSide,
  parseWith,
  toDecimal,
  ValidationError,
  ZERO,
  type Balance,
  type Fill,
  type Instrument,
  type InstrumentId,
  type InstrumentRegistry,
  type LedgerView,
  type Position,
} from '@rxtrade/core';
import { z } from 'zod';

const nonNegativeDecimal = z
  .union([z.string(), z.number(), z.instanceof(Decimal as unknown as new (...args: never[]) => Decimal)])
  .transform((v, ctx) => {
    try {
      const d = new Decimal(v);
      if (d.isFinite() && d.gte(0)) return d;
    } catch {
      // reported below
    }
    ctx.addIssue({ code: 'custom', message: `must be a finite number >= 0, got ${JSON.stringify(String(v))}` });
    return z.NEVER;
  });

/**
 * Schema of {@link LedgerConfig}.
 *
 * @example
 * ```ts
 * const config = parseWith(LedgerConfigSchema, { baseCurrency: 'USD', startingCash: '100000', instruments });
 * config.startingCash // Decimal 100000
 * ```
 */
export const LedgerConfigSchema = z.object({
  /** Currency of cash, equity and P&L, such as `'USD'`. Only this currency is supported for now. */
  baseCurrency: z.string().min(1),
  /** Cash at the start, in the base currency: a string, number or Decimal >= 0. */
  startingCash: nonNegativeDecimal,
  /** The instruments fills and marks may refer to. */
  instruments: z.custom<InstrumentRegistry>(
    (v) =>
      typeof v === 'object' &&
      v !== null &&
      typeof (v as InstrumentRegistry).get === 'function' &&
      typeof (v as InstrumentRegistry).find === 'function' &&
      typeof (v as InstrumentRegistry).all === 'function',
    'must be an InstrumentRegistry (build one with instrumentRegistry([...]))',
  ),
});
/**
 * Configuration of a {@link Ledger}.
 *
 * @example
 * ```ts
 * const config: LedgerConfig = { baseCurrency: 'USD', startingCash: 100_000, instruments: instrumentRegistry([goog]) };
 * ```
 */
export type LedgerConfig = z.input<typeof LedgerConfigSchema>;

/**
 * Decimal places kept in an average price beyond the instrument's tick. A new average is a division and
 * is rounded to `pricePrecision + AVG_PRICE_EXTRA_DECIMALS` places; the rounding residual is booked to
 * realized P&L (see {@link Ledger}), so the books balance exactly.
 */
const AVG_PRICE_EXTRA_DECIMALS = 10;

/** Mutable state of one instrument. Created with every field so that all books share one shape. */
class Book {
  readonly multiplierValue: number;
  readonly avgDecimals: number;
  quantity: Decimal = ZERO;
  /** `quantity.toNumber()`, refreshed on every fill. */
  quantityValue = 0;
  avgPrice: Decimal = ZERO;
  realizedPnl: Decimal = ZERO;
  /** Last price from `mark` (or the first fill before any mark); NaN until then. */
  lastPrice = NaN;
  /** Whether a fill was ever applied. */
  opened = false;
  ts = 0;

  constructor(
    readonly instrument: Instrument,
    readonly multiplier: Decimal,
  ) {
    this.multiplierValue = multiplier.toNumber();
    this.avgDecimals = instrument.pricePrecision + AVG_PRICE_EXTRA_DECIMALS;
  }
}

/**
 * The account's books: cash, signed positions at average cost, realized and unrealized P&L and fees,
 * all exact in Decimal. It implements core's {@link LedgerView}, which pipeline stages and the risk
 * engine read through the context.
 *
 * Conventions:
 * - Average-cost method. A fill in the direction of the position (or opening one) moves the average
 *   price to the quantity-weighted mean; a fill against it realizes
 *   `(price - avgPrice) * quantity * multiplier` on a long (`avgPrice - price` on a short) and leaves the
 *   average unchanged; a fill that crosses through zero closes the old position, realizes its P&L and
 *   opens the remainder at the fill price.
 * - Cash: a BUY pays `quantity * price * multiplier`, a SELL receives it; the commission is paid out of
 *   cash and added to {@link Ledger.totalFees} (a negative commission, a rebate, is received).
 * - The average price keeps the instrument's price decimals plus 10. When that rounding leaves a
 *   residual (at most half a unit in the last kept place per unit held), it is booked to realized P&L,
 *   so that `cash + sum(quantity * avgPrice * multiplier) == startingCash - totalFees + realizedPnl`
 *   holds exactly at all times.
 * - Marks are plain numbers: {@link Ledger.mark} stores the last price without building a Decimal;
 *   {@link Ledger.equity} converts it exactly when asked, {@link Ledger.equityValue} stays in float64.
 *   A position never marked is valued at its first fill price; later fills do not overwrite a mark.
 * - Single currency: cash exists only in the base currency. A fill on an instrument quoted in another
 *   currency, or with a commission in another currency, is rejected with a {@link ValidationError};
 *   multi-currency accounts are planned for a later version.
 *
 * @example
 * ```ts
 * const ledger = new Ledger({ baseCurrency: 'USD', startingCash: 100_000, instruments: instrumentRegistry([goog]) });
 * ledger.applyFill(fill);            // BUY 100 GOOG @ 500, commission 1
 * ledger.mark(goog.id, 510);         // on every bar
 * ledger.equity().toString();        // '100999'
 * ledger.equityValue();              // 100999 (float64, for the equity curve)
 * ```
 */
export class Ledger implements LedgerView {
  /** The account's base currency. */
  readonly baseCurrency: string;
  /** Cash at the start. */
  readonly startingCash: Decimal;
  private readonly instruments: InstrumentRegistry;
  private readonly byId = new Map<InstrumentId, Book>();
  /** The same books as `byId`, for allocation-free iteration. */
  private readonly books: Book[] = [];
  private cashBalance: Decimal;
  private cashValue: number;
  private fees: Decimal = ZERO;
  private realized: Decimal = ZERO;

  constructor(config: LedgerConfig) {
    const c = parseWith(LedgerConfigSchema, config, 'ledger');
    this.baseCurrency = c.baseCurrency;
    this.startingCash = c.startingCash;
    this.instruments = c.instruments;
    this.cashBalance = c.startingCash;
    this.cashValue = c.startingCash.toNumber();
  }

  /**
   * Books one fill: cash, fees, the position's quantity and average price, and realized P&L.
   *
   * @throws ValidationError naming `fill.instrumentId` (unknown instrument), `fill.quantity` (not > 0),
   *   `fill.price`, `fill.commission` (not finite), `instrument.quote` or `fill.commissionCurrency` (not
   *   the base currency). Nothing is changed when it throws.
   */
  applyFill(fill: Fill): void {
    const instrument = this.instruments.find(fill.instrumentId);
    if (!instrument) throw fieldError('fill', 'instrumentId', `unknown instrument ${JSON.stringify(fill.instrumentId)}`);
    if (instrument.quote !== this.baseCurrency)
      throw fieldError(
        'instrument',
        'quote',
        `${instrument.id} is quoted in ${instrument.quote} but the ledger's base currency is ${this.baseCurrency}; multi-currency ledgers are not supported yet`,
      );
    const quantity = checkDecimal(fill.quantity, 'quantity');
    if (!quantity.gt(0)) throw fieldError('fill', 'quantity', `must be > 0, got ${quantity.toString()}`);
    const price = checkDecimal(fill.price, 'price');
    const commission = checkDecimal(fill.commission, 'commission');
    if (fill.commissionCurrency !== this.baseCurrency)
      throw fieldError(
        'fill',
        'commissionCurrency',
        `is ${JSON.stringify(fill.commissionCurrency)} but the ledger's base currency is ${this.baseCurrency}; multi-currency ledgers are not supported yet`,
      );
    if (fill.side !== OrderSide.BUY && fill.side !== OrderSide.SELL) throw fieldError('fill', 'side', `must be BUY or SELL, got ${String(fill.side)}`);

    const book = this.bookFor(instrument);
    const buy = fill.side === OrderSide.BUY;
    const mult = book.multiplier;
    const notional = quantity.mul(price).mul(mult);
    this.cashBalance = (buy ? this.cashBalance.minus(notional) : this.cashBalance.plus(notional)).minus(commission);
    this.fees = this.fees.plus(commission);

    const signed = buy ? quantity : quantity.neg();
    const held = book.quantity;
    let realized: Decimal = ZERO;
    if (held.isZero() || held.isNegative() === signed.isNegative()) {
      // Open or add: the average moves to the quantity-weighted mean.
      realized = this.setAverage(book, held.mul(book.avgPrice).plus(signed.mul(price)), held.plus(signed));
    } else {
      // Reduce, close or reverse: realize P&L on the part that closes at the old average.
      const heldAbs = held.abs();
      const closing = Decimal.min(quantity, heldAbs);
      const perUnit = held.isPositive() ? price.minus(book.avgPrice) : book.avgPrice.minus(price);
      realized = perUnit.mul(closing).mul(mult);
      const remainder = quantity.minus(closing);
      if (remainder.isZero()) {
        book.quantity = held.plus(signed);
        if (book.quantity.isZero()) book.avgPrice = ZERO;
      } else {
        // Crossed through zero: the remainder opens a new position at the fill price.
        const opened = buy ? remainder : remainder.neg();
        realized = realized.plus(this.setAverage(book, opened.mul(price), opened));
      }
    }
    book.realizedPnl = book.realizedPnl.plus(realized);
    this.realized = this.realized.plus(realized);
    book.quantityValue = book.quantity.toNumber();
    book.opened = true;
    book.ts = fill.ts;
    if (Number.isNaN(book.lastPrice)) book.lastPrice = price.toNumber();
    this.cashValue = this.cashBalance.toNumber();
  }

  /**
   * Records the last price of an instrument (a plain number): called on every bar, so it builds no
   * Decimal and allocates nothing once the instrument has been seen.
   *
   * @throws ValidationError naming `price` when it is not finite, or `instrumentId` when unknown.
   */
  mark(instrumentId: InstrumentId, price: number): void {
    if (!Number.isFinite(price)) throw new ValidationError([{ path: ['price'], message: `must be a finite number, got ${String(price)}` }]);
    const book = this.byId.get(instrumentId) ?? this.bookFor(this.instruments.get(instrumentId));
    book.lastPrice = price;
  }

  /** The last price recorded for an instrument (by {@link Ledger.mark} or a first fill), or undefined. */
  lastPrice(instrumentId: InstrumentId): number | undefined {
    const p = this.byId.get(instrumentId)?.lastPrice;
    return p === undefined || Number.isNaN(p) ? undefined : p;
  }

  /** Cash plus every open position at its last price times its multiplier, exact in Decimal. */
  equity(): Decimal {
    let total = this.cashBalance;
    for (let i = 0; i < this.books.length; i++) {
      const b = this.books[i]!;
      if (!b.quantity.isZero()) total = total.plus(b.quantity.mul(new Decimal(b.lastPrice)).mul(b.multiplier));
    }
    return total;
  }

  /** {@link Ledger.equity} in float64, from float mirrors of cash and quantities: no Decimal, O(instruments). */
  equityValue(): number {
    let total = this.cashValue;
    const books = this.books;
    for (let i = 0; i < books.length; i++) {
      const b = books[i]!;
      if (b.quantityValue !== 0) total += b.quantityValue * b.lastPrice * b.multiplierValue;
    }
    return total;
  }

  /** Cash in `currency` (default: the base currency); zero for a currency not held. */
  cash(currency: string = this.baseCurrency): Decimal {
    return currency === this.baseCurrency ? this.cashBalance : ZERO;
  }

  /** Balances in every currency held: the base currency only, nothing locked. */
  balances(): readonly Balance[] {
    return [{ currency: this.baseCurrency, total: this.cashBalance, free: this.cashBalance, locked: ZERO }];
  }

  /** Signed quantity held (negative = short, 0 when flat or never traded). */
  positionQuantity(instrumentId: InstrumentId): Decimal {
    return this.byId.get(instrumentId)?.quantity ?? ZERO;
  }

  /** A snapshot of the position in an instrument, or undefined when it was never traded. */
  position(instrumentId: InstrumentId): Position | undefined {
    const book = this.byId.get(instrumentId);
    return book?.opened ? snapshot(book) : undefined;
  }

  /** Snapshots of every position that is not flat, in the order they were first traded. */
  openPositions(): readonly Position[] {
    const open: Position[] = [];
    for (const b of this.books) if (!b.quantity.isZero()) open.push(snapshot(b));
    return open;
  }

  /** Total commissions paid (net of rebates). */
  totalFees(): Decimal {
    return this.fees;
  }

  /** Realized P&L over every instrument, before fees. */
  realizedPnl(): Decimal {
    return this.realized;
  }

  /** Unrealized P&L of every open position at its last price, before fees. */
  unrealizedPnl(): Decimal {
    let total: Decimal = ZERO;
    for (const b of this.books) if (!b.quantity.isZero()) total = total.plus(unrealized(b));
    return total;
  }

  private bookFor(instrument: Instrument): Book {
    let book = this.byId.get(instrument.id);
    if (!book) {
      book = new Book(instrument, instrument.multiplier);
      this.byId.set(instrument.id, book);
      this.books.push(book);
    }
    return book;
  }

  /**
   * Sets a new quantity and the average price `cost / quantity` (rounded), returning the rounding
   * residual `(quantity * avgPrice - cost) * multiplier` that the caller books to realized P&L.
   */
  private setAverage(book: Book, cost: Decimal, quantity: Decimal): Decimal {
    const avg = cost.div(quantity).toDecimalPlaces(book.avgDecimals, Decimal.ROUND_HALF_EVEN);
    book.quantity = quantity;
    book.avgPrice = avg;
    return quantity.mul(avg).minus(cost).mul(book.multiplier);
  }
}

function unrealized(b: Book): Decimal {
  return new Decimal(b.lastPrice).minus(b.avgPrice).mul(b.quantity).mul(b.multiplier);
}

function snapshot(b: Book): Position {
  return {
    instrumentId: b.instrument.id,
    quantity: b.quantity,
    avgPrice: b.avgPrice,
    realizedPnl: b.realizedPnl,
    unrealizedPnl: b.quantity.isZero() ? ZERO : unrealized(b),
    ts: b.ts,
  };
}

function fieldError(object: string, field: string, message: string): ValidationError {
  return new ValidationError([{ path: [object, field], message }]);
}

function checkDecimal(value: unknown, field: string): Decimal {
  if (!Decimal.isDecimal(value)) throw fieldError('fill', field, `must be a Decimal, got ${typeof value}`);
  const d = value instanceof Decimal ? value : new Decimal(value);
  if (!d.isFinite()) throw fieldError('fill', field, `must be finite, got ${d.toString()}`);
  return d;
}

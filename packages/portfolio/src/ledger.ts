/**
 * The ledger: cash, positions, fees and P&L of one account, kept exactly in Decimal, plus float64
 * mirrors so that an equity curve can be sampled on every bar without building a Decimal.
 *
 * The defaults (one currency, netting, average cost) behave as the first version did; multi-currency
 * cash, FIFO lots, hedging legs, funding, deposits, margin figures and snapshots are opt-in.
 */
import {
  decimalToNumber,
  AssetClass,
  Decimal,
  DecimalAccumulator,
  OrderSide,
  parseWith,
  StateError,
  ValidationError,
  ZERO,
  type Balance,
  type DecimalLike,
  type Fill,
  type Instrument,
  type InstrumentId,
  type InstrumentRegistry,
  type AccountLedger,
  type LedgerView,
  type Position,
} from '@rxtrade/core';
import { z } from 'zod';
import { parseFxPair } from './accounting/fx-pair';
import { LedgerSnapshotSchema, type LedgerSnapshot } from './accounting/ledger-snapshot';
import { LotMethod } from './accounting/lot-method';
import { PositionMode, PositionSide } from './accounting/position-mode';

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

const registrySchema = z.custom<InstrumentRegistry>(
  (v) =>
    typeof v === 'object' &&
    v !== null &&
    typeof (v as InstrumentRegistry).get === 'function' &&
    typeof (v as InstrumentRegistry).find === 'function' &&
    typeof (v as InstrumentRegistry).all === 'function',
  'must be an InstrumentRegistry (build one with instrumentRegistry([...]))',
);

const marginSchema = z
  .strictObject({
    /** Initial margin as a fraction of gross exposure (0.1 = 10x leverage allowed); 1 = a cash account. */
    initial: z.number().gt(0).lte(1),
    /** Maintenance margin as a fraction of gross exposure; defaults to `initial`. */
    maintenance: z.number().gt(0).lte(1).optional(),
  })
  .refine((m) => m.maintenance === undefined || m.maintenance <= m.initial, { message: 'maintenance must be <= initial', path: ['maintenance'] });

/**
 * Schema of {@link LedgerConfig}.
 *
 * @example
 * ```ts
 * const config = parseWith(LedgerConfigSchema, { baseCurrency: 'USD', startingCash: '100000', instruments });
 * config.startingCash // Decimal 100000
 * ```
 */
export const LedgerConfigSchema = z.strictObject({
  /** Currency of equity and of every total, such as `'USD'`. */
  baseCurrency: z.string().min(1),
  /** Cash at the start, in the base currency: a string, number or Decimal >= 0. */
  startingCash: nonNegativeDecimal,
  /** The instruments fills and marks may refer to. */
  instruments: registrySchema,
  /** `netting` (default: one signed position per instrument) or `hedging` (a long and a short leg). */
  positionMode: z.enum([PositionMode.NETTING, PositionMode.HEDGING]).default(PositionMode.NETTING),
  /** `average` (default: average cost) or `fifo` (oldest lots close first). */
  lotMethod: z.enum([LotMethod.AVERAGE, LotMethod.FIFO]).default(LotMethod.AVERAGE),
  /**
   * Turns on multi-currency cash: instruments may be quoted, and commissions paid, in any currency, each
   * held in its own cash account and converted to the base currency at these rates (pair -> rate, such
   * as `{ EURUSD: 1.08 }`; `{}` when rates come later through `setFxRate` or `trackFxRates`). Without it
   * the ledger holds the base currency only and rejects anything else, as before.
   */
  fxRates: z.record(z.string(), z.number().positive()).optional(),
  /** Margin figures (`marginUsed`, `marginAvailable`, `isBelowMaintenance`); default: a cash account (initial 1). */
  margin: marginSchema.optional(),
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
 * Schema of {@link LedgerRestoreConfig}.
 *
 * @example
 * ```ts
 * parseWith(LedgerRestoreConfigSchema, { instruments }, 'restore');
 * ```
 */
export const LedgerRestoreConfigSchema = z.strictObject({
  /** The instruments of the restored ledger: every instrument the snapshot mentions must be there. */
  instruments: registrySchema,
  /** Margin figures, as in {@link LedgerConfig} (not part of a snapshot). */
  margin: marginSchema.optional(),
});
/**
 * What {@link Ledger.restore} needs beside the snapshot: everything else (base currency, modes, rates,
 * balances) comes from the snapshot.
 *
 * @example
 * ```ts
 * const config: LedgerRestoreConfig = { instruments: instrumentRegistry([goog]) };
 * ```
 */
export type LedgerRestoreConfig = z.input<typeof LedgerRestoreConfigSchema>;

/**
 * Options of {@link Ledger.applyFill}.
 *
 * @example
 * ```ts
 * ledger.applyFill(fill, { positionSide: 'LONG' } satisfies ApplyFillOptions);
 * ```
 */
export interface ApplyFillOptions {
  /**
   * Hedging mode only: the leg the fill belongs to. A BUY on `LONG` or a SELL on `SHORT` opens or adds;
   * a SELL on `LONG` or a BUY on `SHORT` closes (at most the leg's quantity). Default: the fill's own
   * direction (BUY -> LONG, SELL -> SHORT), so an unnamed fill always opens or adds.
   */
  readonly positionSide?: PositionSide;
}

/**
 * P&L of one instrument, in the base currency at the current FX rates.
 *
 * @example
 * ```ts
 * const p: InstrumentPnl = ledger.instrumentPnl(goog.id);
 * p.total.toString(); // realized + unrealized + funding - fees
 * ```
 */
export interface InstrumentPnl {
  readonly instrumentId: InstrumentId;
  readonly realized: Decimal;
  readonly unrealized: Decimal;
  /** Funding received (negative: paid), see {@link Ledger.applyFunding}. */
  readonly funding: Decimal;
  /** Commissions paid on this instrument's fills. */
  readonly fees: Decimal;
  /** `realized + unrealized + funding - fees`. */
  readonly total: Decimal;
}

/**
 * Decimal places kept in an average price beyond the instrument's tick. A new average is a division and
 * is rounded to `pricePrecision + AVG_PRICE_EXTRA_DECIMALS` places; the rounding residual is booked to
 * realized P&L (see {@link Ledger}), so the books balance exactly.
 */
const AVG_PRICE_EXTRA_DECIMALS = 10;
const ONE = new Decimal(1);

/**
 * Cash and totals in one currency. Created with every field so that all accounts share one shape.
 * Cash, fees and realized P&L change on every fill: they are {@link DecimalAccumulator}s, updated in
 * integer arithmetic, and read as Decimals through `cash`, `fees` and `realized`.
 */
class Account {
  readonly cashSum = new DecimalAccumulator();
  /** `cash.toNumber()`, refreshed on every change. */
  cashValue = 0;
  deposits: Decimal = ZERO;
  readonly feeSum = new DecimalAccumulator();
  readonly realizedSum = new DecimalAccumulator();
  funding: Decimal = ZERO;
  used = false;
  /** Base-currency units per unit of this currency: 1 for the base, NaN until a rate is set. */
  rate: number;
  /** The rate as quoted (for the Decimal conversion) and whether it is quoted base-per-this (inverted). */
  quoted = NaN;
  inverted = false;
  private exact: Decimal | undefined;

  constructor(
    readonly currency: string,
    readonly isBase: boolean,
  ) {
    this.rate = isBase ? 1 : NaN;
    this.exact = isBase ? ONE : undefined;
  }

  setRate(quoted: number, inverted: boolean): void {
    this.quoted = quoted;
    this.inverted = inverted;
    this.rate = inverted ? 1 / quoted : quoted;
    this.exact = undefined;
  }

  /** The rate as a Decimal; an inverted quote is divided to 34 significant digits. */
  rateDecimal(baseCurrency: string): Decimal {
    if (this.exact) return this.exact;
    if (Number.isNaN(this.quoted))
      throw new StateError(`no FX rate to convert ${this.currency} into ${baseCurrency}: set one with setFxRate('${this.currency}/${baseCurrency}', rate)`);
    this.exact = this.inverted ? ONE.div(new Decimal(this.quoted)) : new Decimal(this.quoted);
    return this.exact;
  }

  toBase(amount: Decimal, baseCurrency: string): Decimal {
    return this.isBase || amount.isZero() ? amount : amount.mul(this.rateDecimal(baseCurrency));
  }

  get cash(): Decimal {
    return this.cashSum.value;
  }
  get fees(): Decimal {
    return this.feeSum.value;
  }
  set fees(value: Decimal) {
    this.feeSum.set(value);
  }
  get realized(): Decimal {
    return this.realizedSum.value;
  }
  set realized(value: Decimal) {
    this.realizedSum.set(value);
  }

  setCash(cash: Decimal): void {
    this.cashSum.set(cash);
    this.cashChanged();
  }

  /** Refreshes {@link cashValue} after `cashSum` changed. */
  cashChanged(): void {
    this.cashValue = this.cashSum.toNumber();
    this.used = true;
  }
}

/** One FIFO lot: a signed quantity opened at a price. */
interface Lot {
  quantity: Decimal;
  price: Decimal;
  ts: number;
}

/** Marks and per-instrument totals of one instrument. */
class Holding {
  /** Last price from `mark` (or the first fill before any mark); NaN until then. */
  lastPrice = NaN;
  /** Whether a fill was ever applied. */
  opened = false;
  ts = 0;
  net: Leg | undefined = undefined;
  long: Leg | undefined = undefined;
  short: Leg | undefined = undefined;
  /** Fees and funding of this instrument, per currency. */
  fees: Map<string, DecimalAccumulator> | undefined = undefined;
  funding: Map<string, DecimalAccumulator> | undefined = undefined;

  constructor(readonly instrument: Instrument) {}
}

/**
 * Asset classes traded on margin: a fill moves no notional through cash (a futures wallet pays and
 * receives only realized P&L, fees and funding), and the position counts in equity at its unrealized P&L.
 */
const MARGIN_ASSET_CLASSES: ReadonlySet<string> = new Set<string>([AssetClass.PERPETUAL, AssetClass.FUTURE]);

/** One position leg: the net position (netting) or the long or short leg (hedging). */
class Leg {
  readonly multiplierValue: number;
  /** The multiplier is exactly 1 (most instruments): amounts need no multiplication. */
  readonly unitMultiplier: boolean;
  /** A perpetual or a future: cash moves by realized P&L only, equity counts unrealized P&L (see {@link Ledger}). */
  readonly margined: boolean;
  /** `cost.toNumber()` of a margined leg, refreshed on every fill (for {@link Ledger.equityValue}). */
  costValue = 0;
  readonly avgDecimals: number;
  /** The signed quantity, read as a Decimal through `quantity`. */
  readonly quantitySum = new DecimalAccumulator();
  /** `quantity.toNumber()`, refreshed on every fill. */
  quantityValue = 0;
  avgPrice: Decimal = ZERO;
  /** Signed cost without the multiplier: `sum(quantity x price)` of the open lots (average: quantity x avgPrice). */
  readonly costSum = new DecimalAccumulator();
  readonly realizedSum = new DecimalAccumulator();
  ts = 0;
  lots: Lot[] = [];

  get quantity(): Decimal {
    return this.quantitySum.value;
  }
  set quantity(value: Decimal) {
    this.quantitySum.set(value);
  }
  get cost(): Decimal {
    return this.costSum.value;
  }
  set cost(value: Decimal) {
    this.costSum.set(value);
  }
  get realizedPnl(): Decimal {
    return this.realizedSum.value;
  }
  set realizedPnl(value: Decimal) {
    this.realizedSum.set(value);
  }

  constructor(
    readonly holding: Holding,
    readonly side: PositionSide,
    readonly account: Account,
    readonly multiplier: Decimal,
  ) {
    this.multiplierValue = decimalToNumber(multiplier);
    this.unitMultiplier = multiplier.eq(1);
    this.margined = MARGIN_ASSET_CLASSES.has(holding.instrument.assetClass);
    this.avgDecimals = holding.instrument.pricePrecision + AVG_PRICE_EXTRA_DECIMALS;
  }
}

/**
 * The account's books: cash per currency, positions, realized and unrealized P&L, fees and funding, all
 * exact in Decimal. It implements core's {@link AccountLedger}, through which a trading node books
 * fills, funding and marks, and so {@link LedgerView}, which pipeline stages and the risk engine read
 * through the context.
 *
 * Conventions:
 * - Average-cost method (default). A fill in the direction of the position (or opening one) moves the
 *   average price to the quantity-weighted mean; a fill against it realizes
 *   `(price - avgPrice) * quantity * multiplier` on a long (`avgPrice - price` on a short) and leaves the
 *   average unchanged; a fill that crosses through zero closes the old position, realizes its P&L and
 *   opens the remainder at the fill price. The average keeps the price decimals plus 10; the rounding
 *   residual is booked to realized P&L so the books balance exactly.
 * - FIFO (`lotMethod: 'fifo'`): each opening fill is a lot; a reduction closes the oldest lots first and
 *   realizes `(price - lotPrice) * quantity * multiplier` per lot. `avgPrice` is then the cost of the open
 *   lots over their quantity, rounded, for display; {@link Ledger.costBasis} is exact.
 * - Hedging (`positionMode: 'hedging'`): a long and a short leg per instrument, see
 *   {@link ApplyFillOptions}. {@link Ledger.positionQuantity} and {@link Ledger.position} report the
 *   net of the two legs, {@link Ledger.positionLegs} each leg.
 * - Cash: a BUY pays `quantity * price * multiplier` in the instrument's quote currency, a SELL receives
 *   it; the commission is paid out of cash in its own currency and added to the fees. Cash may go below
 *   zero (a margin loan); the ledger records, the risk engine limits.
 * - Perpetuals and futures (`assetClass` `'perpetual'` or `'future'`) are on margin, as a futures wallet
 *   is: a fill moves no notional through cash, only the realized P&L of what it reduces or closes (and
 *   the commission, and funding); the open position counts in equity at its unrealized P&L
 *   `(last - avg) x qty x multiplier` rather than at its value. Equity is the same figure either way.
 * - Currencies: without `fxRates` in the config only the base currency exists and anything else is
 *   rejected with a {@link ValidationError}. With it, every currency has its own cash account, and
 *   equity and totals are translated into the base currency at the latest rates (no FX P&L is booked:
 *   translation differences show in equity only).
 * - Exactness, per currency `c`: `cash(c) + costBasis of c-quoted positions in cash instruments ==
 *   deposits(c) - fees(c) + realized(c) + funding(c)`, where the base currency's deposits include the
 *   starting cash (a perpetual's or future's cost never went through cash).
 * - Marks are plain numbers: {@link Ledger.mark} stores the last price without building a Decimal;
 *   {@link Ledger.equity} converts it exactly when asked, {@link Ledger.equityValue} stays in float64.
 *   A position never marked is valued at its first fill price; later fills do not overwrite a mark.
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
export class Ledger implements AccountLedger {
  /** The account's base currency. */
  readonly baseCurrency: string;
  /** Cash at the start, in the base currency. */
  readonly startingCash: Decimal;
  /** `netting` or `hedging`. */
  readonly positionMode: PositionMode;
  /** `average` or `fifo`. */
  readonly lotMethod: LotMethod;
  /** Whether cash may be held in currencies other than the base currency. */
  readonly multiCurrency: boolean;
  private readonly instruments: InstrumentRegistry;
  private readonly initialMargin: number;
  private readonly maintenanceMargin: number;
  private readonly byId = new Map<InstrumentId, Holding>();
  /** Holdings in the order first seen. */
  private readonly holdings: Holding[] = [];
  /** Every leg, for allocation-free iteration. */
  private readonly legs: Leg[] = [];
  private readonly base: Account;
  /** Every cash account, base first. */
  private readonly accounts: Account[] = [];
  private readonly byCurrency = new Map<string, Account>();
  /** The P&L a fill realizes, written by the lot methods and booked by {@link Ledger.applyFill}. */
  private readonly fillRealized = new DecimalAccumulator();
  /** FX rates as last set, by normalized pair (`EUR/USD`). */
  private readonly fx = new Map<string, { account: Account; inverted: boolean; rate: number }>();

  constructor(config: LedgerConfig) {
    const c = parseWith(LedgerConfigSchema, config, 'ledger');
    this.baseCurrency = c.baseCurrency;
    this.startingCash = c.startingCash;
    this.instruments = c.instruments;
    this.positionMode = c.positionMode;
    this.lotMethod = c.lotMethod;
    this.multiCurrency = c.fxRates !== undefined;
    this.initialMargin = c.margin?.initial ?? 1;
    this.maintenanceMargin = c.margin?.maintenance ?? this.initialMargin;
    this.base = new Account(c.baseCurrency, true);
    this.accounts.push(this.base);
    this.byCurrency.set(c.baseCurrency, this.base);
    this.base.setCash(c.startingCash);
    this.base.deposits = c.startingCash;
    for (const [pair, rate] of Object.entries(c.fxRates ?? {})) {
      try {
        this.setFxRate(pair, rate);
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        throw new ValidationError(e.issues.map((i) => ({ path: ['ledger', 'fxRates', pair], message: i.message })));
      }
    }
  }

  /**
   * Rebuilds a ledger from {@link Ledger.snapshot}: it then behaves exactly as the ledger that wrote the
   * snapshot (same balances, positions, lots, marks and rates).
   *
   * @throws ValidationError naming the bad field of the snapshot, or an instrument it names that
   *   `config.instruments` does not have.
   * @example
   * ```ts
   * const text = JSON.stringify(ledger.snapshot());
   * const again = Ledger.restore(JSON.parse(text), { instruments });
   * ```
   */
  static restore(snapshot: LedgerSnapshot, config: LedgerRestoreConfig): Ledger {
    const s = parseWith(LedgerSnapshotSchema, snapshot, 'snapshot');
    const c = parseWith(LedgerRestoreConfigSchema, config, 'restore');
    const ledger = new Ledger({
      baseCurrency: s.baseCurrency,
      startingCash: s.startingCash,
      instruments: c.instruments,
      positionMode: s.positionMode,
      lotMethod: s.lotMethod,
      ...(s.multiCurrency ? { fxRates: {} } : {}),
      ...(c.margin ? { margin: c.margin } : {}),
    });
    const d = (v: string): Decimal => new Decimal(v);
    for (const a of s.accounts) {
      const account = ledger.accountFor(a.currency);
      account.setCash(d(a.cash));
      account.used = a.used;
      account.deposits = d(a.deposits);
      account.fees = d(a.fees);
      account.realized = d(a.realized);
      account.funding = d(a.funding);
    }
    for (const r of s.fxRates) ledger.setFxRate(r.pair, r.rate);
    const instrumentOf = (id: string, path: (string | number)[]): Instrument => {
      const instrument = c.instruments.find(id as InstrumentId);
      if (!instrument) throw new ValidationError([{ path: ['snapshot', ...path], message: `unknown instrument ${JSON.stringify(id)}` }]);
      return instrument;
    };
    s.instruments.forEach((h, i) => {
      const holding = ledger.holdingFor(instrumentOf(h.instrumentId, ['instruments', i, 'instrumentId']));
      holding.lastPrice = h.lastPrice ?? NaN;
      holding.opened = h.opened;
      holding.ts = h.ts;
      if (h.fees.length) holding.fees = new Map(h.fees.map(([k, v]) => [k, new DecimalAccumulator(d(v))]));
      if (h.funding.length) holding.funding = new Map(h.funding.map(([k, v]) => [k, new DecimalAccumulator(d(v))]));
    });
    s.legs.forEach((l, i) => {
      const holding = ledger.holdingFor(instrumentOf(l.instrumentId, ['legs', i, 'instrumentId']));
      const leg = ledger.legFor(holding, l.side);
      leg.quantity = d(l.quantity);
      leg.quantityValue = decimalToNumber(leg.quantity);
      leg.avgPrice = d(l.avgPrice);
      leg.cost = d(l.cost);
      leg.costValue = decimalToNumber(leg.cost);
      leg.realizedPnl = d(l.realized);
      leg.ts = l.ts;
      leg.lots = l.lots.map((lot) => ({ quantity: d(lot.quantity), price: d(lot.price), ts: lot.ts }));
    });
    return ledger;
  }

  /**
   * Books one fill: cash, fees, the position's quantity, cost and lots, and realized P&L.
   *
   * A commission charged in the instrument's base currency (a spot exchange's fee on a buy, taken from
   * the coins bought: Binance's BTC on BTC/USDT) is taken from the position, as the venue takes it: a
   * BUY of `quantity` adds `quantity - commission`, a SELL removes `quantity + commission`, at the fill
   * price, while cash pays or receives `quantity x price` as for any fill. The commission is a fee in
   * the quote currency, valued at the fill price (`commission x price x multiplier`), so the books
   * balance exactly and P&L counts it as a fee, not as a loss on the position. Perpetuals and futures
   * (margined, with no coins to take it from) and an instrument whose base is its quote do not do this.
   *
   * @throws ValidationError naming `fill.instrumentId` (unknown instrument), `fill.quantity` (not > 0, or
   *   more than the hedging leg it closes, or not more than a commission taken from it), `fill.price`,
   *   `fill.commission` (not finite), `fill.side`, `instrument.quote` or `fill.commissionCurrency`
   *   (neither the base currency of a single-currency ledger nor the instrument's base currency: a third
   *   currency, such as BNB, needs a multi-currency ledger), `options.positionSide`. Nothing is changed
   *   when it throws.
   * @example
   * ```ts
   * // BUY 0.01 BTC at 30000 on BTC/USDT, commission 0.00001 BTC: the position is 0.00999 BTC at 30000,
   * // cash pays 300 USDT and the fee is 0.3 USDT.
   * ledger.applyFill({ ...fill, quantity: new Decimal('0.01'), price: new Decimal(30000), commission: new Decimal('0.00001'), commissionCurrency: 'BTC' });
   * ```
   */
  applyFill(fill: Fill, options?: ApplyFillOptions): void {
    const { instrument, quantity, price, commission, fromPosition, buy, moved, side } = this.checkedFill(fill, options);
    const holding = this.holdingFor(instrument);
    const leg = this.legFor(holding, side);
    const account = leg.account;
    // A commission taken from the position is a fee in the quote currency, at the fill price.
    const feeCurrency = fromPosition ? instrument.quote : fill.commissionCurrency;
    const fee = fromPosition && !commission.isZero() ? scaleBy(commission.mul(price), leg) : commission;
    const feeAccount = fromPosition ? account : this.accountFor(fill.commissionCurrency);
    // Nothing below can fail: the fill was checked and the accounts exist.
    const realized = this.fillRealized;
    if (this.lotMethod === LotMethod.FIFO) realized.set(this.fifo(leg, buy ? moved : moved.neg(), moved, price, fill.ts));
    else this.average(leg, moved, price, buy, realized);
    // A cash instrument pays or receives its notional; a margined one moves cash by the P&L it realizes.
    const cash = account.cashSum;
    if (leg.margined) {
      if (!realized.isZero()) cash.add(realized);
      leg.costValue = leg.costSum.toNumber();
    } else if (leg.unitMultiplier) {
      if (buy) cash.subProduct(quantity, price);
      else cash.addProduct(quantity, price);
    } else {
      const notional = quantity.mul(price).mul(leg.multiplier);
      if (buy) cash.sub(notional);
      else cash.add(notional);
    }
    // The fee taken from the position was paid in coins, not cash: cash pays the notional alone, and
    // the coins' value at the fill price (the fee) is what the position did not get for it.
    if (!fromPosition) {
      if (feeAccount === account) cash.sub(fee);
      else {
        feeAccount.cashSum.sub(fee);
        feeAccount.cashChanged();
      }
    }
    account.cashChanged();
    feeAccount.feeSum.add(fee);
    if (!fee.isZero()) holding.fees = addTo(holding.fees, feeCurrency, fee);

    // An opening fill realizes nothing.
    if (!realized.isZero()) {
      leg.realizedSum.add(realized);
      account.realizedSum.add(realized);
    }
    leg.quantityValue = leg.quantitySum.toNumber();
    leg.ts = fill.ts;
    holding.opened = true;
    holding.ts = fill.ts;
    if (Number.isNaN(holding.lastPrice)) holding.lastPrice = decimalToNumber(price);
  }

  /**
   * Checks that {@link Ledger.applyFill} would book `fill`, and changes nothing: for a caller that must
   * refuse a fill before it records it (a live node, before its journal).
   *
   * @throws ValidationError as {@link Ledger.applyFill} does.
   * @example
   * ```ts
   * ledger.checkFill(fill); // throws `fill.commissionCurrency: is "BNB" but the ledger holds USDT only: …`
   * ```
   */
  checkFill(fill: Fill, options?: ApplyFillOptions): void {
    this.checkedFill(fill, options);
  }

  /**
   * What {@link checkedFill} returns, one object reused: {@link Ledger.applyFill} reads it into locals at
   * once (a fill a microsecond apart from the next should not allocate a result object).
   */
  private readonly checked: CheckedFill = { instrument: undefined as unknown as Instrument, quantity: ZERO, price: ZERO, commission: ZERO, fromPosition: false, buy: false, moved: ZERO, side: PositionSide.NET };

  /** The validation of {@link Ledger.applyFill}: the checked figures, or a ValidationError naming the field. */
  private checkedFill(fill: Fill, options: ApplyFillOptions | undefined): CheckedFill {
    const instrument = this.instruments.find(fill.instrumentId);
    if (!instrument) throw fieldError('fill', 'instrumentId', `unknown instrument ${JSON.stringify(fill.instrumentId)}`);
    if (!this.multiCurrency && instrument.quote !== this.baseCurrency)
      throw fieldError(
        'instrument',
        'quote',
        `${instrument.id} is quoted in ${instrument.quote} but the ledger's base currency is ${this.baseCurrency}; pass fxRates in the config for a multi-currency ledger`,
      );
    const quantity = checkDecimal(fill.quantity, 'quantity');
    // isPositive/isZero read the sign and digits; gt(0) would build a Decimal from 0 on every fill.
    if (!quantity.isPositive() || quantity.isZero()) throw fieldError('fill', 'quantity', `must be > 0, got ${quantity.toString()}`);
    const price = checkDecimal(fill.price, 'price');
    const commission = checkDecimal(fill.commission, 'commission');
    // A commission in the base currency of a cash instrument is taken from the position (see above).
    const fromPosition = fill.commissionCurrency === instrument.base && instrument.base !== instrument.quote && !MARGIN_ASSET_CLASSES.has(instrument.assetClass);
    if (!this.multiCurrency && fill.commissionCurrency !== this.baseCurrency && !fromPosition)
      throw fieldError(
        'fill',
        'commissionCurrency',
        `is ${JSON.stringify(fill.commissionCurrency)} but the ledger holds ${this.baseCurrency} only: a commission is booked in ${this.baseCurrency}` +
          (MARGIN_ASSET_CLASSES.has(instrument.assetClass) || instrument.base === instrument.quote ? '' : ` or in ${instrument.base}, the base currency of ${instrument.id}`) +
          `; pass fxRates in the config for a multi-currency ledger that holds ${JSON.stringify(fill.commissionCurrency)}`,
      );
    if (typeof fill.commissionCurrency !== 'string' || fill.commissionCurrency === '')
      throw fieldError('fill', 'commissionCurrency', `must be a currency code, got ${JSON.stringify(fill.commissionCurrency)}`);
    if (fill.side !== OrderSide.BUY && fill.side !== OrderSide.SELL) throw fieldError('fill', 'side', `must be BUY or SELL, got ${String(fill.side)}`);
    const buy = fill.side === OrderSide.BUY;
    // What the position gains or loses: the quantity, less (BUY) or plus (SELL) a commission taken from it.
    const moved = !fromPosition || commission.isZero() ? quantity : buy ? quantity.minus(commission) : quantity.plus(commission);
    if (!moved.isPositive() || moved.isZero())
      throw fieldError('fill', 'quantity', `${quantity.toString()} is not more than the commission ${commission.toString()} ${fill.commissionCurrency} taken from it`);
    const side = this.legSideOf(buy, options?.positionSide);
    if (side !== PositionSide.NET) {
      const reducing = (side === PositionSide.LONG) !== buy;
      if (reducing) {
        const existing = this.byId.get(instrument.id);
        const leg = side === PositionSide.LONG ? existing?.long : existing?.short;
        const held = leg ? leg.quantity.abs() : ZERO;
        if (moved.gt(held))
          throw fieldError('fill', 'quantity', `${moved.toString()} exceeds the ${side} leg of ${instrument.id} (${held.toString()}) it closes`);
      }
    }
    const checked = this.checked;
    checked.instrument = instrument;
    checked.quantity = quantity;
    checked.price = price;
    checked.commission = commission;
    checked.fromPosition = fromPosition;
    checked.buy = buy;
    checked.moved = moved;
    checked.side = side;
    return checked;
  }

  /**
   * Books a funding payment of a position (perpetual funding, swap, borrow fee, dividend): `amount` is
   * received when positive and paid when negative, in `currency` (default: the instrument's quote
   * currency). It moves cash and {@link Ledger.totalFunding}, not realized P&L.
   *
   * @throws ValidationError naming `instrumentId`, `amount` (not finite) or `currency` (not the base
   *   currency in a single-currency ledger).
   * @example
   * ```ts
   * ledger.applyFunding(btcPerp.id, '-12.50'); // paid 12.50 USDT of funding
   * ```
   */
  applyFunding(instrumentId: InstrumentId, amount: DecimalLike, currency?: string): void {
    const instrument = this.instruments.find(instrumentId);
    if (!instrument) throw new ValidationError([{ path: ['instrumentId'], message: `unknown instrument ${JSON.stringify(instrumentId)}` }]);
    const value = toAmount(amount, 'amount');
    const ccy = currency ?? instrument.quote;
    this.checkCurrency(ccy, 'currency');
    const holding = this.holdingFor(instrument);
    const account = this.accountFor(ccy);
    account.setCash(account.cash.plus(value));
    account.funding = account.funding.plus(value);
    holding.funding = addTo(holding.funding, ccy, value);
  }

  /**
   * Adds cash (a deposit, `amount` > 0) in `currency` (default: the base currency).
   *
   * @throws ValidationError naming `amount` (not > 0) or `currency`.
   * @example
   * ```ts
   * ledger.deposit('5000', 'EUR');
   * ```
   */
  deposit(amount: DecimalLike, currency: string = this.baseCurrency): void {
    this.moveCash(amount, currency, 1);
  }

  /**
   * Takes cash out (a withdrawal, `amount` > 0) in `currency` (default: the base currency); cash may go
   * below zero, as a margin loan would.
   *
   * @throws ValidationError naming `amount` (not > 0) or `currency`.
   * @example
   * ```ts
   * ledger.withdraw(1000);
   * ```
   */
  withdraw(amount: DecimalLike, currency: string = this.baseCurrency): void {
    this.moveCash(amount, currency, -1);
  }

  /**
   * Sets the rate of a currency pair, one side of which must be the base currency: `setFxRate('EURUSD', 1.08)`
   * or `setFxRate('USD/JPY', 151.2)` in a USD ledger. Cheap enough for every FX tick (no Decimal is built
   * until equity is asked for).
   *
   * @throws ValidationError naming `pair` or `rate` (not a finite number > 0).
   * @example
   * ```ts
   * ledger.setFxRate('EUR/USD', 1.0842);
   * ```
   */
  setFxRate(pair: string, rate: number): void {
    if (typeof rate !== 'number' || !Number.isFinite(rate) || rate <= 0)
      throw new ValidationError([{ path: ['rate'], message: `must be a finite number > 0, got ${String(rate)}` }]);
    let entry = this.fx.get(pair);
    if (!entry) {
      const p = parseFxPair(pair);
      const key = `${p.base}/${p.quote}`;
      entry = this.fx.get(key);
      if (!entry) {
        let currency: string;
        let inverted: boolean;
        if (p.quote === this.baseCurrency) [currency, inverted] = [p.base, false];
        else if (p.base === this.baseCurrency) [currency, inverted] = [p.quote, true];
        else throw new ValidationError([{ path: ['pair'], message: `${key} does not involve the base currency ${this.baseCurrency}` }]);
        entry = { account: this.accountFor(currency), inverted, rate };
        this.fx.set(key, entry);
      }
      if (key !== pair) this.fx.set(pair, entry);
    }
    entry.rate = rate;
    entry.account.setRate(rate, entry.inverted);
  }

  /** Base-currency units per unit of `currency` at the latest rate (1 for the base), or undefined when unknown. */
  fxRate(currency: string): number | undefined {
    const rate = this.byCurrency.get(currency)?.rate;
    return rate === undefined || Number.isNaN(rate) ? undefined : rate;
  }

  /**
   * Records the last price of an instrument (a plain number): called on every bar, so it builds no
   * Decimal and allocates nothing once the instrument has been seen.
   *
   * @throws ValidationError naming `price` when it is not finite, or `instrumentId` when unknown.
   */
  mark(instrumentId: InstrumentId, price: number): void {
    if (!Number.isFinite(price)) throw new ValidationError([{ path: ['price'], message: `must be a finite number, got ${String(price)}` }]);
    const holding = this.byId.get(instrumentId) ?? this.holdingFor(this.instruments.get(instrumentId));
    holding.lastPrice = price;
  }

  /** The last price recorded for an instrument (by {@link Ledger.mark} or a first fill), or undefined. */
  lastPrice(instrumentId: InstrumentId): number | undefined {
    const p = this.byId.get(instrumentId)?.lastPrice;
    return p === undefined || Number.isNaN(p) ? undefined : p;
  }

  /**
   * Cash in every currency plus every open position at its last price times its multiplier (a perpetual
   * or future: its unrealized P&L, its cost never having left cash), in the base currency at the latest
   * FX rates, exact in Decimal (an inverted rate to 34 significant digits).
   *
   * @throws StateError when an amount is held in a currency with no FX rate.
   */
  equity(): Decimal {
    let total: Decimal = ZERO;
    for (const a of this.accounts) if (!a.cash.isZero()) total = total.plus(a.toBase(a.cash, this.baseCurrency));
    for (const l of this.legs) {
      if (l.quantity.isZero()) continue;
      const value = l.margined ? unrealized(l) : l.quantity.mul(new Decimal(l.holding.lastPrice)).mul(l.multiplier);
      total = total.plus(l.account.toBase(value, this.baseCurrency));
    }
    return total;
  }

  /**
   * {@link Ledger.equity} in float64, from float mirrors of cash, quantities and rates: no Decimal,
   * O(currencies + legs).
   *
   * @throws StateError when an amount is held in a currency with no FX rate.
   */
  equityValue(): number {
    let total = 0;
    const accounts = this.accounts;
    for (let i = 0; i < accounts.length; i++) {
      const a = accounts[i]!;
      if (a.cashValue !== 0) total += a.isBase ? a.cashValue : a.cashValue * a.rate;
    }
    const legs = this.legs;
    for (let i = 0; i < legs.length; i++) {
      const l = legs[i]!;
      if (l.quantityValue === 0) continue;
      total += l.margined
        ? (l.quantityValue * l.holding.lastPrice - l.costValue) * l.multiplierValue * l.account.rate
        : l.quantityValue * l.holding.lastPrice * l.multiplierValue * l.account.rate;
    }
    if (Number.isNaN(total)) this.equity(); // throws the StateError naming the missing rate
    return total;
  }

  /** Cash in `currency` (default: the base currency); zero for a currency not held. */
  cash(currency: string = this.baseCurrency): Decimal {
    return this.byCurrency.get(currency)?.cash ?? ZERO;
  }

  /** Balances: the base currency, then every other currency cash ever moved in; nothing locked. */
  balances(): readonly Balance[] {
    const out: Balance[] = [];
    for (const a of this.accounts) if (a.isBase || a.used) out.push({ currency: a.currency, total: a.cash, free: a.cash, locked: ZERO });
    return out;
  }

  /**
   * Signed quantity held (negative = short, 0 when flat or never traded). In hedging mode, the net of
   * the two legs, or one leg when `side` names it.
   */
  positionQuantity(instrumentId: InstrumentId, side?: PositionSide): Decimal {
    const h = this.byId.get(instrumentId);
    if (!h) return ZERO;
    if (this.positionMode === PositionMode.NETTING) return h.net?.quantity ?? ZERO;
    if (side === PositionSide.LONG) return h.long?.quantity ?? ZERO;
    if (side === PositionSide.SHORT) return h.short?.quantity ?? ZERO;
    return (h.long?.quantity ?? ZERO).plus(h.short?.quantity ?? ZERO);
  }

  /**
   * The position in an instrument, or undefined when it was never traded. In hedging mode the two legs
   * are combined: net quantity, summed P&L, and the average `net cost / net quantity` (0 when the legs
   * offset); {@link Ledger.positionLegs} has each leg.
   */
  position(instrumentId: InstrumentId): Position | undefined {
    const h = this.byId.get(instrumentId);
    return h?.opened ? this.positionOf(h) : undefined;
  }

  /**
   * Each leg of a position with its side: one `NET` leg in netting mode, the `LONG` and `SHORT` legs
   * opened so far in hedging mode.
   *
   * @example
   * ```ts
   * ledger.positionLegs(eurusd.id).map((l) => `${l.side} ${l.quantity}`); // ['LONG 100000', 'SHORT -50000']
   * ```
   */
  positionLegs(instrumentId: InstrumentId): readonly (Position & { readonly side: PositionSide })[] {
    const h = this.byId.get(instrumentId);
    if (!h) return [];
    const out: (Position & { side: PositionSide })[] = [];
    for (const leg of [h.net, h.long, h.short]) if (leg) out.push({ ...legPosition(leg), side: leg.side });
    return out;
  }

  /** Positions that are not flat (in hedging mode: with any leg open), in the order first seen. */
  openPositions(): readonly Position[] {
    const open: Position[] = [];
    for (const h of this.holdings) {
      if (this.positionMode === PositionMode.NETTING) {
        if (h.net && !h.net.quantity.isZero()) open.push(legPosition(h.net));
      } else if ((h.long && !h.long.quantity.isZero()) || (h.short && !h.short.quantity.isZero())) open.push(this.positionOf(h));
    }
    return open;
  }

  /**
   * The exact cost of the open position(s) in an instrument, in its quote currency, multiplier included:
   * `sum(quantity x price x multiplier)` of the open lots (average cost: `quantity x avgPrice x multiplier`).
   * Signed like the quantity; the net of the legs in hedging mode.
   */
  costBasis(instrumentId: InstrumentId): Decimal {
    const h = this.byId.get(instrumentId);
    if (!h) return ZERO;
    let total: Decimal = ZERO;
    for (const leg of [h.net, h.long, h.short]) if (leg && !leg.cost.isZero()) total = total.plus(leg.cost.mul(leg.multiplier));
    return total;
  }

  /** Commissions paid (net of rebates): in `currency` when given, else every currency in the base currency. */
  totalFees(currency?: string): Decimal {
    return this.total((a) => a.fees, currency);
  }

  /** Realized P&L before fees: in `currency` when given, else every currency in the base currency. */
  realizedPnl(currency?: string): Decimal {
    return this.total((a) => a.realized, currency);
  }

  /** Funding received (negative: paid): in `currency` when given, else every currency in the base currency. */
  totalFunding(currency?: string): Decimal {
    return this.total((a) => a.funding, currency);
  }

  /**
   * Deposits net of withdrawals, starting cash included: in `currency` when given, else every currency
   * in the base currency.
   */
  totalDeposits(currency?: string): Decimal {
    return this.total((a) => a.deposits, currency);
  }

  /** Unrealized P&L of every open position at its last price, before fees, in the base currency. */
  unrealizedPnl(): Decimal {
    let total: Decimal = ZERO;
    for (const l of this.legs) if (!l.quantity.isZero()) total = total.plus(l.account.toBase(unrealized(l), this.baseCurrency));
    return total;
  }

  /**
   * Realized, unrealized, funding and fees of one instrument, in the base currency at the latest rates:
   * the ledger's P&L attribution by instrument.
   *
   * @example
   * ```ts
   * ledger.instrumentPnl(goog.id).total.toFixed(2); // '1224.00'
   * ```
   */
  instrumentPnl(instrumentId: InstrumentId): InstrumentPnl {
    const h = this.byId.get(instrumentId);
    let realized: Decimal = ZERO;
    let unrealizedTotal: Decimal = ZERO;
    let funding: Decimal = ZERO;
    let fees: Decimal = ZERO;
    if (h) {
      for (const leg of [h.net, h.long, h.short]) {
        if (!leg) continue;
        realized = realized.plus(leg.account.toBase(leg.realizedPnl, this.baseCurrency));
        if (!leg.quantity.isZero()) unrealizedTotal = unrealizedTotal.plus(leg.account.toBase(unrealized(leg), this.baseCurrency));
      }
      for (const [ccy, v] of h.funding ?? []) funding = funding.plus(this.accountFor(ccy).toBase(v.value, this.baseCurrency));
      for (const [ccy, v] of h.fees ?? []) fees = fees.plus(this.accountFor(ccy).toBase(v.value, this.baseCurrency));
    }
    return { instrumentId, realized, unrealized: unrealizedTotal, funding, fees, total: realized.plus(unrealizedTotal).plus(funding).minus(fees) };
  }

  /** Sum of `|quantity x lastPrice x multiplier|` over every open leg, in the base currency. */
  grossExposure(): Decimal {
    let total: Decimal = ZERO;
    for (const l of this.legs) {
      if (!l.quantity.isZero()) total = total.plus(l.account.toBase(l.quantity.mul(new Decimal(l.holding.lastPrice)).mul(l.multiplier).abs(), this.baseCurrency));
    }
    return total;
  }

  /** Gross exposure over equity (a number); Infinity when equity is <= 0 with exposure open. */
  leverage(): number {
    const gross = this.grossExposure();
    if (gross.isZero()) return 0;
    const equity = this.equity();
    return equity.lte(0) ? Infinity : gross.div(equity).toNumber();
  }

  /** Initial margin tied up by open positions: gross exposure x the `margin.initial` fraction (1 by default). */
  marginUsed(): Decimal {
    return this.grossExposure().mul(new Decimal(this.initialMargin));
  }

  /** Equity less {@link Ledger.marginUsed}: what new positions may still use (negative: over-extended). */
  marginAvailable(): Decimal {
    return this.equity().minus(this.marginUsed());
  }

  /** Whether equity has fallen below the maintenance margin (gross exposure x `margin.maintenance`). */
  isBelowMaintenance(): boolean {
    const gross = this.grossExposure();
    return !gross.isZero() && this.equity().lt(gross.mul(new Decimal(this.maintenanceMargin)));
  }

  /**
   * The whole state as plain JSON (Decimals as strings). {@link Ledger.restore} rebuilds a ledger that
   * continues exactly where this one stands.
   *
   * @example
   * ```ts
   * fs.writeFileSync('ledger.json', JSON.stringify(ledger.snapshot()));
   * ```
   */
  snapshot(): LedgerSnapshot {
    const s = (d: Decimal): string => d.toString();
    const amounts = (m: Map<string, DecimalAccumulator> | undefined): [string, string][] => [...(m ?? [])].map(([k, v]) => [k, s(v.value)]);
    const rates: { pair: string; rate: number }[] = [];
    const seen = new Set<object>();
    for (const [pair, entry] of this.fx) {
      if (seen.has(entry)) continue; // an alias of a pair already listed
      seen.add(entry);
      rates.push({ pair, rate: entry.rate });
    }
    return {
      version: 1,
      baseCurrency: this.baseCurrency,
      startingCash: s(this.startingCash),
      positionMode: this.positionMode,
      lotMethod: this.lotMethod,
      multiCurrency: this.multiCurrency,
      accounts: this.accounts.map((a) => ({
        currency: a.currency,
        cash: s(a.cash),
        deposits: s(a.deposits),
        fees: s(a.fees),
        realized: s(a.realized),
        funding: s(a.funding),
        used: a.used,
      })),
      fxRates: rates,
      instruments: this.holdings.map((h) => ({
        instrumentId: h.instrument.id,
        lastPrice: Number.isNaN(h.lastPrice) ? null : h.lastPrice,
        opened: h.opened,
        ts: h.ts,
        fees: amounts(h.fees),
        funding: amounts(h.funding),
      })),
      legs: this.legs.map((l) => ({
        instrumentId: l.holding.instrument.id,
        side: l.side,
        quantity: s(l.quantity),
        avgPrice: s(l.avgPrice),
        cost: s(l.cost),
        realized: s(l.realizedPnl),
        ts: l.ts,
        lots: l.lots.map((lot) => ({ quantity: s(lot.quantity), price: s(lot.price), ts: lot.ts })),
      })),
    };
  }

  private total(pick: (a: Account) => Decimal, currency: string | undefined): Decimal {
    if (currency !== undefined) {
      const a = this.byCurrency.get(currency);
      return a ? pick(a) : ZERO;
    }
    if (this.accounts.length === 1) return pick(this.base);
    let total: Decimal = ZERO;
    for (const a of this.accounts) {
      const v = pick(a);
      if (!v.isZero()) total = total.plus(a.toBase(v, this.baseCurrency));
    }
    return total;
  }

  private moveCash(amount: DecimalLike, currency: string, sign: 1 | -1): void {
    const value = toAmount(amount, 'amount');
    if (!value.gt(0)) throw new ValidationError([{ path: ['amount'], message: `must be > 0, got ${value.toString()}` }]);
    this.checkCurrency(currency, 'currency');
    const account = this.accountFor(currency);
    const signed = sign > 0 ? value : value.neg();
    account.setCash(account.cash.plus(signed));
    account.deposits = account.deposits.plus(signed);
  }

  private checkCurrency(currency: string, field: string): void {
    if (typeof currency !== 'string' || currency === '') throw new ValidationError([{ path: [field], message: `must be a currency code, got ${JSON.stringify(currency)}` }]);
    if (!this.multiCurrency && currency !== this.baseCurrency)
      throw new ValidationError([
        { path: [field], message: `is ${currency} but the ledger holds ${this.baseCurrency} only; pass fxRates in the config for a multi-currency ledger` },
      ]);
  }

  private legSideOf(buy: boolean, requested: PositionSide | undefined): PositionSide {
    if (this.positionMode === PositionMode.NETTING) {
      if (requested !== undefined && requested !== PositionSide.NET)
        throw fieldError('options', 'positionSide', `${String(requested)} needs positionMode 'hedging'; this ledger nets positions`);
      return PositionSide.NET;
    }
    if (requested === undefined) return buy ? PositionSide.LONG : PositionSide.SHORT;
    if (requested !== PositionSide.LONG && requested !== PositionSide.SHORT)
      throw fieldError('options', 'positionSide', `must be LONG or SHORT in hedging mode, got ${String(requested)}`);
    return requested;
  }

  private accountFor(currency: string): Account {
    let a = this.byCurrency.get(currency);
    if (!a) {
      a = new Account(currency, false);
      this.byCurrency.set(currency, a);
      this.accounts.push(a);
    }
    return a;
  }

  private holdingFor(instrument: Instrument): Holding {
    let h = this.byId.get(instrument.id);
    if (!h) {
      h = new Holding(instrument);
      this.byId.set(instrument.id, h);
      this.holdings.push(h);
    }
    return h;
  }

  private legFor(holding: Holding, side: PositionSide): Leg {
    const existing = side === PositionSide.NET ? holding.net : side === PositionSide.LONG ? holding.long : holding.short;
    if (existing) return existing;
    const leg = new Leg(holding, side, this.accountFor(holding.instrument.quote), holding.instrument.multiplier);
    if (side === PositionSide.NET) holding.net = leg;
    else if (side === PositionSide.LONG) holding.long = leg;
    else holding.short = leg;
    this.legs.push(leg);
    return leg;
  }

  /**
   * Average cost: books a fill of `quantity` (BUY or SELL) at `price` into the leg and writes the P&L it
   * realizes (multiplier applied, any rounding residual included) into `realized`. Reductions, closes,
   * reversals and openings run in integer arithmetic (see DecimalAccumulator); an addition to a
   * position divides for its new average in Decimal.
   */
  private average(leg: Leg, quantity: Decimal, price: Decimal, buy: boolean, realized: DecimalAccumulator): void {
    const held = leg.quantitySum;
    if (held.isZero()) {
      this.openAt(leg, quantity, price, buy, realized);
      return;
    }
    const long = !held.isNegative();
    if (long === buy) {
      // Add: the average moves to the quantity-weighted mean.
      const signed = buy ? quantity : quantity.neg();
      const before = leg.quantity;
      realized.set(this.setAverage(leg, before.mul(leg.avgPrice).plus(signed.mul(price)), before.plus(signed)));
      return;
    }
    // Reduce, close or reverse: realize P&L on the part that closes at the old average.
    if (long) realized.set(price).sub(leg.avgPrice);
    else realized.set(leg.avgPrice).sub(price);
    if (held.cmpAbs(quantity) >= 0) {
      // The fill closes `quantity` of the position.
      realized.mul(quantity);
      if (!leg.unitMultiplier) realized.mul(leg.multiplier);
      if (buy) held.add(quantity);
      else held.sub(quantity);
      if (held.isZero()) leg.avgPrice = ZERO;
      leg.costSum.set(leg.avgPrice).mul(held);
      return;
    }
    // Crossed through zero: the whole position closes and the remainder opens a new one at the price.
    realized.mul(held);
    if (!long) realized.neg();
    if (!leg.unitMultiplier) realized.mul(leg.multiplier);
    if (buy) held.add(quantity);
    else held.sub(quantity);
    if (price.decimalPlaces() > leg.avgDecimals) {
      const opened = leg.quantity;
      realized.add(this.setAverage(leg, opened.mul(price), opened));
      return;
    }
    leg.avgPrice = price;
    leg.costSum.set(price).mul(held);
  }

  /**
   * Opens a position from flat at one price: the average is the price itself, so no division (the
   * costliest Decimal operation) is needed unless the price has more decimals than averages keep.
   * Writes the rounding residual (zero without a division) into `realized`.
   */
  private openAt(leg: Leg, quantity: Decimal, price: Decimal, buy: boolean, realized: DecimalAccumulator): void {
    if (price.decimalPlaces() > leg.avgDecimals) {
      const signed = buy ? quantity : quantity.neg();
      realized.set(this.setAverage(leg, signed.mul(price), signed));
      return;
    }
    const q = leg.quantitySum.set(quantity);
    if (!buy) q.neg();
    leg.avgPrice = price;
    leg.costSum.set(price).mul(q);
    realized.set(ZERO);
  }

  /**
   * Sets a new quantity and the average price `cost / quantity` (rounded), returning the rounding
   * residual `(quantity * avgPrice - cost) * multiplier` that the caller books to realized P&L.
   */
  private setAverage(leg: Leg, cost: Decimal, quantity: Decimal): Decimal {
    const avg = cost.div(quantity).toDecimalPlaces(leg.avgDecimals, Decimal.ROUND_HALF_EVEN);
    leg.quantity = quantity;
    leg.avgPrice = avg;
    leg.cost = quantity.mul(avg);
    return scaleBy(leg.cost.minus(cost), leg);
  }

  /** FIFO lots: returns the realized P&L (multiplier applied). Exact: no division is kept. */
  private fifo(leg: Leg, signed: Decimal, quantity: Decimal, price: Decimal, ts: number): Decimal {
    const held = leg.quantity;
    let realized: Decimal = ZERO;
    if (held.isZero() || held.isNegative() === signed.isNegative()) {
      leg.lots.push({ quantity: signed, price, ts });
      leg.quantity = held.plus(signed);
      leg.cost = leg.cost.plus(signed.mul(price));
    } else {
      const long = held.isPositive();
      let remaining = quantity;
      while (remaining.gt(0) && leg.lots.length > 0) {
        const lot = leg.lots[0]!;
        const lotSize = lot.quantity.abs();
        const take = Decimal.min(remaining, lotSize);
        realized = realized.plus((long ? price.minus(lot.price) : lot.price.minus(price)).mul(take));
        const takeSigned = long ? take : take.neg();
        leg.cost = leg.cost.minus(takeSigned.mul(lot.price));
        leg.quantity = leg.quantity.minus(takeSigned);
        if (take.eq(lotSize)) leg.lots.shift();
        else lot.quantity = lot.quantity.minus(takeSigned);
        remaining = remaining.minus(take);
      }
      realized = scaleBy(realized, leg);
      if (remaining.gt(0)) {
        // Crossed through zero: the remainder is a new lot at the fill price.
        const opened = long ? remaining.neg() : remaining;
        leg.lots.push({ quantity: opened, price, ts });
        leg.quantity = opened;
        leg.cost = opened.mul(price);
      }
    }
    leg.avgPrice = leg.quantity.isZero() ? ZERO : leg.cost.div(leg.quantity).toDecimalPlaces(leg.avgDecimals, Decimal.ROUND_HALF_EVEN);
    return realized;
  }

  private positionOf(h: Holding): Position {
    if (h.net) return legPosition(h.net);
    const legs = [h.long, h.short].filter((l): l is Leg => l !== undefined);
    if (legs.length === 1) return legPosition(legs[0]!);
    let quantity: Decimal = ZERO;
    let cost: Decimal = ZERO;
    let realized: Decimal = ZERO;
    let unrealizedTotal: Decimal = ZERO;
    for (const l of legs) {
      quantity = quantity.plus(l.quantity);
      cost = cost.plus(l.cost);
      realized = realized.plus(l.realizedPnl);
      if (!l.quantity.isZero()) unrealizedTotal = unrealizedTotal.plus(unrealized(l));
    }
    const avgDecimals = h.instrument.pricePrecision + AVG_PRICE_EXTRA_DECIMALS;
    return {
      instrumentId: h.instrument.id,
      quantity,
      avgPrice: quantity.isZero() ? ZERO : cost.div(quantity).toDecimalPlaces(avgDecimals, Decimal.ROUND_HALF_EVEN),
      realizedPnl: realized,
      unrealizedPnl: unrealizedTotal,
      ts: h.ts,
    };
  }
}

/** Unrealized P&L of a leg in its quote currency: `(last - avg) x qty x mult` (average) or `(qty x last - cost) x mult`. */
function unrealized(l: Leg): Decimal {
  const last = new Decimal(l.holding.lastPrice);
  return l.lots.length === 0 ? last.minus(l.avgPrice).mul(l.quantity).mul(l.multiplier) : l.quantity.mul(last).minus(l.cost).mul(l.multiplier);
}

function legPosition(l: Leg): Position {
  return {
    instrumentId: l.holding.instrument.id,
    quantity: l.quantity,
    avgPrice: l.avgPrice,
    realizedPnl: l.realizedPnl,
    unrealizedPnl: l.quantity.isZero() ? ZERO : unrealized(l),
    ts: l.ts,
  };
}

function addTo(map: Map<string, DecimalAccumulator> | undefined, key: string, value: Decimal): Map<string, DecimalAccumulator> {
  const m = map ?? new Map<string, DecimalAccumulator>();
  const sum = m.get(key);
  if (sum === undefined) m.set(key, new DecimalAccumulator(value));
  else sum.add(value);
  return m;
}

/** `amount x multiplier`, without a Decimal multiplication for the common multiplier of 1. */
function scaleBy(amount: Decimal, leg: Leg): Decimal {
  return leg.unitMultiplier ? amount : amount.mul(leg.multiplier);
}

function fieldError(object: string, field: string, message: string): ValidationError {
  return new ValidationError([{ path: [object, field], message }]);
}

/** A fill's figures as {@link Ledger.applyFill} checked them. */
interface CheckedFill {
  instrument: Instrument;
  quantity: Decimal;
  price: Decimal;
  commission: Decimal;
  fromPosition: boolean;
  buy: boolean;
  moved: Decimal;
  side: PositionSide;
}

function checkDecimal(value: unknown, field: string): Decimal {
  // This package's Decimal, finite: the fill the kernel books, without isDecimal's second test.
  if (value instanceof Decimal && value.isFinite()) return value;
  if (!Decimal.isDecimal(value)) throw fieldError('fill', field, `must be a Decimal, got ${typeof value}`);
  const d = value instanceof Decimal ? value : new Decimal(value);
  if (!d.isFinite()) throw fieldError('fill', field, `must be finite, got ${d.toString()}`);
  return d;
}

function toAmount(value: DecimalLike, field: string): Decimal {
  let d: Decimal | undefined;
  try {
    d = value instanceof Decimal ? value : new Decimal(value);
  } catch {
    d = undefined;
  }
  if (!d || !d.isFinite()) throw new ValidationError([{ path: [field], message: `must be a finite number, got ${JSON.stringify(String(value))}` }]);
  return d;
}

/**
 * Perpetual-futures funding: at every funding time (epoch-aligned, every `intervalMs` from `offsetMs`:
 * 00:00, 08:00 and 16:00 UTC on Binance and Bybit by default) each holder of a perpetual position pays
 * or receives
 *
 *   amount = −position × mark × multiplier × rate
 *
 * in the instrument's quote currency, so longs pay shorts when the rate is positive and receive when it
 * is negative (Binance, "Introduction to Binance Futures Funding Rates": funding = nominal value of
 * position × funding rate, with nominal value = mark price × size).
 *
 * The amount is kept as an exact Decimal, not rounded to the currency's unit: venues round (Binance to
 * 8 decimals of USDT) and a caller that wants that rounding can apply it in `pay`.
 */
import { z } from 'zod';
import {
  Decimal,
  parseWith,
  type Clock,
  type FundingPayment,
  type InstrumentId,
  type InstrumentRegistry,
  type TimerHandle,
} from '@rxtrade/core';

const HOUR_MS = 3_600_000;

/**
 * One historical funding rate: `rate` applies at funding times at or after `ts` until the next entry.
 *
 * @example
 * ```ts
 * const rate: FundingRate = { instrumentId: 'BTCUSDT-PERP.BINANCE', ts: Date.UTC(2024, 0, 1, 8), rate: 0.0001 };
 * ```
 */
export interface FundingRate {
  readonly instrumentId: string;
  readonly ts: number;
  readonly rate: number;
}

/**
 * A funding-rate source: a function of (instrument, funding time), or a list of historical rates.
 *
 * @example
 * ```ts
 * const constant: FundingRates = () => 0.0001; // 1 bp every interval, every perpetual
 * ```
 */
export type FundingRates = ((instrumentId: InstrumentId, ts: number) => number | undefined) | readonly FundingRate[];

/** @internal One historical funding rate. */
export const FundingRateSchema = z.strictObject({ instrumentId: z.string().min(1), ts: z.number().int(), rate: z.number().finite() });

/**
 * Schema of {@link PerpetualFunding}'s config.
 *
 * @example
 * ```ts
 * parseWith(PerpetualFundingConfigSchema, { clock, instruments, rates: () => 0.0001 }).intervalMs // 28800000
 * ```
 */
export const PerpetualFundingConfigSchema = z
  .strictObject({
    clock: z.custom<Clock>((v) => typeof v === 'object' && v !== null && typeof (v as { setRepeatingTimer?: unknown }).setRepeatingTimer === 'function', 'must be a Clock'),
    instruments: z.custom<InstrumentRegistry>((v) => typeof v === 'object' && v !== null && typeof (v as { all?: unknown }).all === 'function', 'must be an InstrumentRegistry'),
    rates: z.union([
      z.custom<(instrumentId: InstrumentId, ts: number) => number | undefined>((v) => typeof v === 'function', 'must be a function or an array of { instrumentId, ts, rate }'),
      z.array(FundingRateSchema),
    ]),
    intervalMs: z.number().int().positive().default(8 * HOUR_MS),
    offsetMs: z.number().int().nonnegative().default(0),
  })
  .superRefine((c, ctx) => {
    if (c.offsetMs >= c.intervalMs) ctx.addIssue({ code: 'custom', path: ['offsetMs'], message: `must be less than intervalMs ${c.intervalMs}, got ${c.offsetMs}` });
  });
/**
 * Input of {@link PerpetualFundingConfigSchema}.
 *
 * @example
 * ```ts
 * const config: PerpetualFundingConfig = { clock, instruments, rates: [{ instrumentId: 'BTCUSDT-PERP.BINANCE', ts: 0, rate: 0.0001 }] };
 * ```
 */
export type PerpetualFundingConfig = z.input<typeof PerpetualFundingConfigSchema>;

/**
 * Pays perpetual funding on the clock at every funding time.
 *
 * @example
 * ```ts
 * const funding = new PerpetualFunding({ clock, instruments, rates: historicalRates });
 * const timer = funding.start(
 *   (id) => account.positionQuantity(id),
 *   (id) => account.markOf(id),
 *   (payment) => account.applyFunding(payment),
 * );
 * clock.advanceTo(Date.UTC(2024, 0, 2)); // pays at 08:00 and 16:00 (and 00:00 of Jan 2)
 * timer.cancel();
 * ```
 */
export class PerpetualFunding {
  readonly intervalMs: number;
  readonly offsetMs: number;
  private readonly clock: Clock;
  private readonly instruments: InstrumentRegistry;
  private readonly rateFn: ((instrumentId: InstrumentId, ts: number) => number | undefined) | undefined;
  private readonly history = new Map<string, { ts: number[]; rate: number[] }>();

  constructor(config: PerpetualFundingConfig) {
    const c = parseWith(PerpetualFundingConfigSchema, config, 'PerpetualFunding');
    this.clock = c.clock;
    this.instruments = c.instruments;
    this.intervalMs = c.intervalMs;
    this.offsetMs = c.offsetMs;
    if (typeof c.rates === 'function') {
      this.rateFn = c.rates;
    } else {
      const sorted = [...c.rates].sort((a, b) => a.ts - b.ts);
      for (const r of sorted) {
        let h = this.history.get(r.instrumentId);
        if (h === undefined) this.history.set(r.instrumentId, (h = { ts: [], rate: [] }));
        h.ts.push(r.ts);
        h.rate.push(r.rate);
      }
    }
  }

  /** The first funding time strictly after `ts`. */
  nextFundingTime(ts: number): number {
    const t = Math.floor((ts - this.offsetMs) / this.intervalMs) * this.intervalMs + this.offsetMs;
    return t > ts ? t : t + this.intervalMs;
  }

  /** The funding rate of an instrument at funding time `ts`: the latest rate at or before `ts`, if any. */
  rateAt(instrumentId: InstrumentId, ts: number): number | undefined {
    if (this.rateFn !== undefined) return this.rateFn(instrumentId, ts);
    const h = this.history.get(instrumentId);
    if (h === undefined) return undefined;
    // Binary search for the last entry with ts <= the funding time.
    let lo = 0;
    let hi = h.ts.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (h.ts[mid]! <= ts) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found < 0 ? undefined : h.rate[found];
  }

  /**
   * The payments due at funding time `ts`: one per perpetual instrument with a non-zero position, a mark
   * and a rate (none for a zero amount).
   */
  paymentsAt(ts: number, positionOf: (instrumentId: InstrumentId) => Decimal, markOf: (instrumentId: InstrumentId) => number | undefined): FundingPayment[] {
    const out: FundingPayment[] = [];
    for (const instrument of this.instruments.all()) {
      if (instrument.assetClass !== 'perpetual') continue;
      const position = positionOf(instrument.id);
      if (position.isZero()) continue;
      const mark = markOf(instrument.id);
      if (mark === undefined || !Number.isFinite(mark)) continue;
      const rate = this.rateAt(instrument.id, ts);
      if (rate === undefined || rate === 0) continue;
      const markPrice = new Decimal(mark);
      const amount = position.mul(markPrice).mul(instrument.multiplier).mul(rate).neg();
      out.push(
        Object.freeze({
          type: 'FundingPayment' as const,
          instrumentId: instrument.id,
          rate,
          positionQuantity: position,
          markPrice,
          amount,
          currency: instrument.quote,
          ts,
        }),
      );
    }
    return out;
  }

  /**
   * Sets a repeating timer on the clock at every funding time after now and pays what is due at each.
   * Cancel the returned handle to stop.
   */
  start(
    positionOf: (instrumentId: InstrumentId) => Decimal,
    markOf: (instrumentId: InstrumentId) => number | undefined,
    pay: (payment: FundingPayment) => void,
  ): TimerHandle {
    return this.clock.setRepeatingTimer({ interval: this.intervalMs, start: this.nextFundingTime(this.clock.now()) }, (event) => {
      for (const payment of this.paymentsAt(event.ts, positionOf, markOf)) pay(payment);
    });
  }
}

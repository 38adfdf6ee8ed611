/**
 * Garman-Klass volatility (Mark Garman and Michael Klass, "On the Estimation of Security Price
 * Volatilities from Historical Data", Journal of Business 53(1), 1980):
 * sqrt(annualization / n * sum over the last n bars of
 * 0.5 * ln(high / low)^2 - (2 ln 2 - 1) * ln(close / open)^2).
 * TA-Lib has none; the formula and the reference are R's TTR
 * `volatility(OHLC, n, calc = "garman.klass", N)`. A running sum keeps updates O(1); a window of
 * flat bars (every term 0) gives exactly 0 (TTR's running sum leaves rounding there, ~1e-8 after the
 * square root); in the rare case that the window's sum is negative (closes far from opens on tiny
 * ranges) the value is 0 where TTR gives NaN.
 */
import { parseWith } from '../validation';
import { VolatilityConfigSchema, type VolatilityConfig } from './config';
import { checkHighLow, throwNotFinite, throwNotPositive } from './input-checks';
import type { Indicator } from './indicator';
import type { OpenHighLowClose } from './inputs';
import { RingBuffer } from './ring-buffer';

const K = 2 * Math.log(2) - 1;

/**
 * Annualised Garman-Klass volatility over `period` bars.
 *
 * @example
 * ```ts
 * const gk = new GarmanKlass({ period: 10, annualization: 252 });
 * for (const bar of bars) gk.update(bar);
 * ```
 */
export class GarmanKlass implements Indicator<OpenHighLowClose, number> {
  readonly period: number;
  readonly annualization: number;
  readonly warmup: number;
  private readonly label: string;
  private readonly ring: RingBuffer;
  private sum = 0;
  private nonZero = 0;
  private cur = 0;
  private pSum = 0;
  private pNonZero = 0;

  constructor(config: VolatilityConfig = {}) {
    const c = parseWith(VolatilityConfigSchema, config, 'GarmanKlass');
    this.period = c.period;
    this.annualization = c.annualization;
    this.label = `GarmanKlass(${c.period})`;
    this.warmup = c.period;
    this.ring = new RingBuffer(c.period);
  }

  get value(): number | undefined {
    return this.ring.isFull ? this.cur : undefined;
  }

  get isReady(): boolean {
    return this.ring.isFull;
  }

  update(input: OpenHighLowClose): number | undefined {
    this.check(input);
    this.pSum = this.sum;
    this.pNonZero = this.nonZero;
    return this.step(input);
  }

  replace(input: OpenHighLowClose): number | undefined {
    if (this.ring.size === 0) return this.update(input);
    this.check(input);
    this.ring.undo();
    this.sum = this.pSum;
    this.nonZero = this.pNonZero;
    return this.step(input);
  }

  private check(input: OpenHighLowClose): void {
    checkHighLow(this.label, input);
    for (const field of ['open', 'high', 'low', 'close'] as const) {
      const v = input[field];
      if (!Number.isFinite(v)) throwNotFinite(this.label, field, v);
      if (v <= 0) throwNotPositive(this.label, field, v);
    }
  }

  private step(input: OpenHighLowClose): number | undefined {
    const hl = Math.log(input.high / input.low);
    const co = Math.log(input.close / input.open);
    const term = 0.5 * hl * hl - K * co * co;
    const dropped = this.ring.push(term);
    if (term !== 0) this.nonZero++;
    if (dropped !== 0) this.nonZero--;
    // A window of flat bars sums to exactly 0 (and the running sum's rounding is forgotten).
    this.sum = this.nonZero === 0 ? 0 : this.sum + (term - dropped);
    if (!this.ring.isFull) return undefined;
    const s = (this.annualization / this.period) * this.sum;
    this.cur = s > 0 ? Math.sqrt(s) : 0;
    return this.cur;
  }

  reset(): void {
    this.ring.reset();
    this.sum = 0;
    this.nonZero = 0;
    this.cur = 0;
  }
}

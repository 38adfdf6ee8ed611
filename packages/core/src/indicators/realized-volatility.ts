/**
 * Close-to-close realised volatility: sqrt(annualization) * the sample standard deviation of the last
 * `period` log returns ln(close / previous close).
 * TA-Lib has none; the estimator and the reference are R's TTR `volatility(x, n, calc = "close", N)`,
 * whose `n` counts closes, so TTR's n = period + 1. Running sums of the returns and of their squares
 * keep updates O(1) (a window of unchanged closes gives exactly 0); the first value appears at close
 * `period + 1`.
 */
import { parseWith } from '../validation';
import { VolatilityConfigSchema, type VolatilityConfig } from './config';
import { throwNotFinite, throwNotPositive } from './input-checks';
import type { Indicator } from './indicator';
import { RingBuffer } from './ring-buffer';

/**
 * Annualised close-to-close volatility over `period` returns.
 *
 * @example
 * ```ts
 * const rv = new RealizedVolatility({ period: 20, annualization: 252 });
 * for (const bar of bars) rv.update(bar.close);
 * ```
 */
export class RealizedVolatility implements Indicator<number, number> {
  readonly period: number;
  readonly annualization: number;
  readonly warmup: number;
  private readonly label: string;
  private readonly returns: RingBuffer;
  private count = 0;
  private prev = 0;
  private sum = 0;
  private sumSq = 0;
  private nonZero = 0;
  private cur = 0;
  private pCount = 0;
  private pPrev = 0;
  private pSum = 0;
  private pSumSq = 0;
  private pNonZero = 0;

  constructor(config: VolatilityConfig = {}) {
    const c = parseWith(VolatilityConfigSchema, config, 'RealizedVolatility');
    this.period = c.period;
    this.annualization = c.annualization;
    this.label = `RealizedVolatility(${c.period})`;
    this.warmup = c.period + 1;
    this.returns = new RingBuffer(c.period);
  }

  get value(): number | undefined {
    return this.returns.isFull ? this.cur : undefined;
  }

  get isReady(): boolean {
    return this.returns.isFull;
  }

  update(input: number): number | undefined {
    this.check(input);
    this.pCount = this.count;
    this.pPrev = this.prev;
    this.pSum = this.sum;
    this.pSumSq = this.sumSq;
    this.pNonZero = this.nonZero;
    return this.step(input);
  }

  replace(input: number): number | undefined {
    if (this.count === 0) return this.update(input);
    this.check(input);
    if (this.count > 1) this.returns.undo();
    this.count = this.pCount;
    this.prev = this.pPrev;
    this.sum = this.pSum;
    this.sumSq = this.pSumSq;
    this.nonZero = this.pNonZero;
    return this.step(input);
  }

  private check(x: number): void {
    if (!Number.isFinite(x)) throwNotFinite(this.label, '', x);
    if (x <= 0) throwNotPositive(this.label, '', x);
  }

  private step(x: number): number | undefined {
    const prev = this.prev;
    this.prev = x;
    if (this.count === 0) {
      this.count = 1;
      return undefined;
    }
    this.count = 2;
    const r = Math.log(x) - Math.log(prev);
    const dropped = this.returns.push(r);
    if (r !== 0) this.nonZero++;
    if (dropped !== 0) this.nonZero--;
    if (this.nonZero === 0) {
      // Unchanged closes throughout the window: exactly 0, and the running sums' rounding is forgotten.
      this.sum = 0;
      this.sumSq = 0;
    } else {
      this.sum += r - dropped;
      this.sumSq += r * r - dropped * dropped;
    }
    if (!this.returns.isFull) return undefined;
    const n = this.period;
    const variance = (this.sumSq - (this.sum * this.sum) / n) / (n - 1);
    this.cur = variance > 0 ? Math.sqrt(this.annualization * variance) : 0;
    return this.cur;
  }

  reset(): void {
    this.returns.reset();
    this.count = 0;
    this.prev = 0;
    this.sum = 0;
    this.sumSq = 0;
    this.nonZero = 0;
    this.cur = 0;
  }
}

/**
 * True range (J. Welles Wilder, 1978): the largest of high - low, |high - previous close| and
 * |low - previous close|.
 * Definition as TA-Lib's `TA_TRANGE` (ta_func/ta_TRANGE.c): it needs the previous close, so the first
 * value appears at the second bar.
 */
import { checkField, checkHighLow } from './input-checks';
import type { Indicator } from './indicator';
import type { HighLowClose } from './inputs';

/**
 * Wilder's true range of each bar against the previous close.
 *
 * @example
 * ```ts
 * const tr = new TrueRange();
 * tr.update({ high: 10, low: 9, close: 9.5 }); // undefined: no previous close yet
 * tr.update({ high: 11, low: 10, close: 10.5 }); // 1.5 = 11 - 9.5
 * ```
 */
export class TrueRange implements Indicator<HighLowClose, number> {
  readonly warmup = 2;
  private count = 0;
  private prevClose = 0;
  private cur = 0;
  private pCount = 0;
  private pPrevClose = 0;

  get value(): number | undefined {
    return this.count >= 2 ? this.cur : undefined;
  }

  get isReady(): boolean {
    return this.count >= 2;
  }

  update(input: HighLowClose): number | undefined {
    checkHighLow('TrueRange', input);
    checkField('TrueRange', 'close', input.close);
    this.pCount = this.count;
    this.pPrevClose = this.prevClose;
    return this.step(input);
  }

  replace(input: HighLowClose): number | undefined {
    if (this.count === 0) return this.update(input);
    checkHighLow('TrueRange', input);
    checkField('TrueRange', 'close', input.close);
    this.count = this.pCount;
    this.prevClose = this.pPrevClose;
    return this.step(input);
  }

  private step(input: HighLowClose): number | undefined {
    const high = input.high;
    const low = input.low;
    const yc = this.prevClose;
    this.prevClose = input.close;
    if (this.count === 0) {
      this.count = 1;
      return undefined;
    }
    this.count = 2;
    this.cur = trueRange(high, low, yc);
    return this.cur;
  }

  reset(): void {
    this.count = 0;
    this.prevClose = 0;
    this.cur = 0;
  }
}

/**
 * The true range of one bar given the previous close, in TA-Lib's order of comparisons.
 *
 * @example
 * ```ts
 * trueRange(11, 10, 9.5); // 1.5
 * ```
 */
export function trueRange(high: number, low: number, prevClose: number): number {
  let greatest = high - low;
  const v2 = Math.abs(prevClose - high);
  if (v2 > greatest) greatest = v2;
  const v3 = Math.abs(prevClose - low);
  if (v3 > greatest) greatest = v3;
  return greatest;
}

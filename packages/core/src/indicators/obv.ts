/**
 * On-balance volume (Joseph Granville, 1963): a running total that adds the volume on an up close,
 * subtracts it on a down close and keeps it on an unchanged close.
 * Definition and seeding as TA-Lib's `TA_OBV` (ta_func/ta_OBV.c): the first value is the first bar's
 * volume.
 */
import { checkField, checkVolume } from './input-checks';
import type { Indicator } from './indicator';
import type { CloseVolume } from './inputs';

/**
 * On-balance volume.
 *
 * @example
 * ```ts
 * const obv = new Obv();
 * obv.update({ close: 10, volume: 100 }); // 100
 * obv.update({ close: 11, volume: 50 });  // 150
 * ```
 */
export class Obv implements Indicator<CloseVolume, number> {
  readonly warmup = 1;
  private count = 0;
  private prevClose = 0;
  private cur = 0;
  private pCount = 0;
  private pPrevClose = 0;
  private pCur = 0;

  get value(): number | undefined {
    return this.count > 0 ? this.cur : undefined;
  }

  get isReady(): boolean {
    return this.count > 0;
  }

  update(input: CloseVolume): number | undefined {
    checkField('Obv', 'close', input.close);
    checkVolume('Obv', input.volume);
    this.pCount = this.count;
    this.pPrevClose = this.prevClose;
    this.pCur = this.cur;
    return this.step(input.close, input.volume);
  }

  replace(input: CloseVolume): number | undefined {
    if (this.count === 0) return this.update(input);
    checkField('Obv', 'close', input.close);
    checkVolume('Obv', input.volume);
    this.count = this.pCount;
    this.prevClose = this.pPrevClose;
    this.cur = this.pCur;
    return this.step(input.close, input.volume);
  }

  private step(close: number, volume: number): number {
    if (this.count === 0) {
      this.count = 1;
      this.cur = volume;
    } else if (close > this.prevClose) this.cur += volume;
    else if (close < this.prevClose) this.cur -= volume;
    this.prevClose = close;
    return this.cur;
  }

  reset(): void {
    this.count = 0;
    this.prevClose = 0;
    this.cur = 0;
  }
}

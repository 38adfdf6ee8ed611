/**
 * Volume-weighted average price: sum(price * volume) / sum(volume), where price is the typical price
 * (high + low + close) / 3 (the usual choice for bars) or the close.
 * TA-Lib has no VWAP. Two forms:
 * - `session`: anchored at the start of each session and accumulated bar by bar (the intraday VWAP of
 *   trading desks). A session is `sessionMs` long and starts `offsetMs` after the epoch (UTC), so a bar
 *   belongs to session floor((ts - offsetMs) / sessionMs), unless a `sessionKey(ts)` function names the
 *   session (for exchange-local days across daylight-saving changes); the sums restart at the first bar
 *   of a new session. Verified against cumulative sums computed per session in R.
 * - `rolling`: over the last `period` bars, as R's TTR `VWAP(price, volume, n)` (TTR's reference).
 * While the sums hold no volume (for example a session's first bars with volume 0) the value is the
 * latest price.
 */
import { parseWith } from '../validation';
import { VwapConfigSchema, type VwapConfig } from './config';
import { checkField, checkHighLow, checkVolume } from './input-checks';
import type { Indicator } from './indicator';
import type { TimedHighLowCloseVolume } from './inputs';

/**
 * Session-anchored or rolling VWAP.
 *
 * @example
 * ```ts
 * const daily = new Vwap({ mode: 'session', sessionMs: 86_400_000, offsetMs: 13.5 * 3_600_000 });
 * const rolling = new Vwap({ mode: 'rolling', period: 20 });
 * for (const bar of bars) { daily.update(bar); rolling.update(bar); }
 * ```
 */
export class Vwap implements Indicator<TimedHighLowCloseVolume, number> {
  readonly warmup: number;
  private readonly label: string;
  private readonly rolling: boolean;
  private readonly typical: boolean;
  private readonly sessionMs: number;
  private readonly offsetMs: number;
  private readonly sessionKey: ((ts: number) => number) | undefined;
  private readonly period: number;
  private readonly pvs: Float64Array;
  private readonly vs: Float64Array;
  private count = 0;
  private head = 0;
  private session = 0;
  private sumPv = 0;
  private sumV = 0;
  private cur = 0;
  private pCount = 0;
  private pSession = 0;
  private pSumPv = 0;
  private pSumV = 0;
  private pSlotPv = 0;
  private pSlotV = 0;

  constructor(config: VwapConfig = { mode: 'session' }) {
    const c = parseWith(VwapConfigSchema, config, 'Vwap');
    this.typical = c.price === 'typical';
    if (c.mode === 'rolling') {
      this.rolling = true;
      this.period = c.period;
      this.sessionMs = 0;
      this.offsetMs = 0;
      this.sessionKey = undefined;
      this.label = `Vwap(rolling ${c.period})`;
    } else {
      this.rolling = false;
      this.period = 0;
      this.sessionMs = c.sessionMs;
      this.offsetMs = c.offsetMs;
      this.sessionKey = c.sessionKey;
      this.label = c.sessionKey ? 'Vwap(session)' : `Vwap(session ${c.sessionMs}ms)`;
    }
    this.warmup = this.rolling ? this.period : 1;
    this.pvs = new Float64Array(this.period);
    this.vs = new Float64Array(this.period);
  }

  get value(): number | undefined {
    return this.count >= this.warmup ? this.cur : undefined;
  }

  get isReady(): boolean {
    return this.count >= this.warmup;
  }

  update(input: TimedHighLowCloseVolume): number | undefined {
    this.check(input);
    this.pCount = this.count;
    this.pSession = this.session;
    this.pSumPv = this.sumPv;
    this.pSumV = this.sumV;
    if (this.rolling) {
      this.pSlotPv = this.pvs[this.head]!;
      this.pSlotV = this.vs[this.head]!;
    }
    return this.step(input);
  }

  replace(input: TimedHighLowCloseVolume): number | undefined {
    if (this.count === 0) return this.update(input);
    this.check(input);
    if (this.rolling) {
      this.head = this.head === 0 ? this.period - 1 : this.head - 1;
      this.pvs[this.head] = this.pSlotPv;
      this.vs[this.head] = this.pSlotV;
    }
    this.count = this.pCount;
    this.session = this.pSession;
    this.sumPv = this.pSumPv;
    this.sumV = this.pSumV;
    return this.step(input);
  }

  private check(input: TimedHighLowCloseVolume): void {
    if (this.typical) checkHighLow(this.label, input);
    checkField(this.label, 'close', input.close);
    checkVolume(this.label, input.volume);
    if (!this.rolling) checkField(this.label, 'ts', input.ts);
  }

  private step(input: TimedHighLowCloseVolume): number | undefined {
    const price = this.typical ? (input.high + input.low + input.close) / 3 : input.close;
    const volume = input.volume;
    const pv = price * volume;
    if (this.rolling) {
      const period = this.period;
      const head = this.head;
      if (this.count === period) {
        this.sumPv -= this.pvs[head]!;
        this.sumV -= this.vs[head]!;
      } else this.count++;
      this.pvs[head] = pv;
      this.vs[head] = volume;
      this.head = head + 1 === period ? 0 : head + 1;
      this.sumPv += pv;
      this.sumV += volume;
      if (this.count < period) return undefined;
    } else {
      const session = this.sessionKey ? this.sessionKey(input.ts) : Math.floor((input.ts - this.offsetMs) / this.sessionMs);
      if (this.count === 0 || session !== this.session) {
        this.session = session;
        this.sumPv = 0;
        this.sumV = 0;
      }
      this.count = 1;
      this.sumPv += pv;
      this.sumV += volume;
    }
    this.cur = this.sumV > 0 ? this.sumPv / this.sumV : price;
    return this.cur;
  }

  reset(): void {
    this.count = 0;
    this.head = 0;
    this.session = 0;
    this.sumPv = 0;
    this.sumV = 0;
    this.cur = 0;
    this.pvs.fill(0);
    this.vs.fill(0);
  }
}

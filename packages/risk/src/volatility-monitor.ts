/**
 * The volatility circuit breaker's measure (internal): per instrument, the log return over the last
 * `windowMs` against k standard deviations of one-step log returns (sample standard deviation of the
 * last `lookback` returns seen before the current one) scaled by the square root of the number of steps
 * in the window, sd * sqrt(n): under independent returns, the standard deviation of an n-step return.
 */

interface Series {
  times: number[];
  prices: number[];
  head: number;
  readonly returns: Float64Array;
  count: number;
  next: number;
  sum: number;
  sumSq: number;
}

/** A volatility breach: the window return and the threshold it crossed. */
export interface VolatilityBreach {
  readonly windowReturn: number;
  readonly threshold: number;
  readonly steps: number;
}

export class VolatilityMonitor {
  private readonly series: (Series | undefined)[] = [];

  constructor(
    private readonly windowMs: number,
    private readonly k: number,
    private readonly lookback: number,
    private readonly minObservations: number,
  ) {}

  /** Adds a price; returns a breach when the window return is beyond k standard deviations. */
  update(index: number, ts: number, price: number): VolatilityBreach | undefined {
    let s = this.series[index];
    if (s === undefined) {
      s = { times: [], prices: [], head: 0, returns: new Float64Array(this.lookback), count: 0, next: 0, sum: 0, sumSq: 0 };
      this.series[index] = s;
    }
    const n = s.prices.length;
    let breach: VolatilityBreach | undefined;
    if (n > s.head) {
      const r = Math.log(price / s.prices[n - 1]!);
      // Base: the last price at or before ts - windowMs (or the oldest kept).
      while (s.head + 1 < n && s.times[s.head + 1]! <= ts - this.windowMs) s.head++;
      if (s.count >= this.minObservations) {
        const mean = s.sum / s.count;
        const sd = Math.sqrt(Math.max(0, (s.sumSq - s.count * mean * mean) / (s.count - 1)));
        const steps = n - s.head;
        const windowReturn = Math.log(price / s.prices[s.head]!);
        const threshold = this.k * sd * Math.sqrt(steps);
        if (Math.abs(windowReturn) > threshold) breach = { windowReturn, threshold, steps };
      }
      if (s.count === this.lookback) {
        const old = s.returns[s.next]!;
        s.sum -= old;
        s.sumSq -= old * old;
      } else s.count++;
      s.returns[s.next] = r;
      s.sum += r;
      s.sumSq += r * r;
      s.next = (s.next + 1) % this.lookback;
    }
    s.times.push(ts);
    s.prices.push(price);
    if (s.head > 1024) {
      s.times = s.times.slice(s.head);
      s.prices = s.prices.slice(s.head);
      s.head = 0;
    }
    return breach;
  }
}

/**
 * Hand-written baselines for bench/indicators.bench.ts: the same arithmetic as the library's
 * indicators (same seeding, same smoothing), written as plainly and as fast as one would by hand, with
 * none of the library's extras (no input validation, no `replace`, no `undefined` while warming up:
 * NaN instead, and secondary outputs kept in fields rather than returned in an object).
 */

export class HandSma {
  private readonly buf: Float64Array;
  private i = 0;
  private n = 0;
  private sum = 0;
  constructor(private readonly p: number) {
    this.buf = new Float64Array(p);
  }
  /** TA-Lib's order, as the library's Sma: add the newest, divide, then drop the oldest. */
  update(x: number): number {
    const buf = this.buf;
    buf[this.i] = x;
    const next = this.i + 1 === this.p ? 0 : this.i + 1;
    this.i = next;
    if (this.n < this.p && ++this.n < this.p) {
      this.sum += x;
      return NaN;
    }
    const total = this.sum + x;
    this.sum = total - buf[next]!;
    return total / this.p;
  }
}

export class HandEma {
  private n = 0;
  private sum = 0;
  private ema = 0;
  private readonly k: number;
  constructor(private readonly p: number) {
    this.k = 2 / (p + 1);
  }
  update(x: number): number {
    if (this.n >= this.p) return (this.ema = (x - this.ema) * this.k + this.ema);
    this.sum += x;
    if (++this.n === this.p) return (this.ema = this.sum / this.p);
    return NaN;
  }
}

export class HandRsi {
  private n = 0;
  private prev = 0;
  private gain = 0;
  private loss = 0;
  constructor(private readonly p: number) {}
  update(x: number): number {
    const d = x - this.prev;
    this.prev = x;
    const p = this.p;
    if (this.n > p) {
      this.gain = (this.gain * (p - 1) + (d > 0 ? d : 0)) / p;
      this.loss = (this.loss * (p - 1) + (d < 0 ? -d : 0)) / p;
    } else {
      this.n++;
      if (this.n === 1) return NaN;
      if (d > 0) this.gain += d;
      else this.loss -= d;
      if (this.n <= p) return NaN;
      this.gain /= p;
      this.loss /= p;
    }
    const t = this.gain + this.loss;
    return t === 0 ? 0 : (100 * this.gain) / t;
  }
}

/**
 * TA-Lib's MACD seeding, as the library's Macd: both EMAs start at input `slow`, the slow one seeded with
 * the mean of the first `slow` inputs and the fast one with the mean of the last `fast` of those (so the
 * fast EMA is fed only from input slow - fast on); the signal EMA is seeded with the mean of the first
 * `signal` macd values.
 */
export class HandMacd {
  private readonly fastEma: HandEma;
  private readonly slowEma: HandEma;
  private readonly sigEma: HandEma;
  private n = 0;
  signal = NaN;
  histogram = NaN;
  constructor(
    private readonly fast = 12,
    private readonly slow = 26,
    sig = 9,
  ) {
    this.fastEma = new HandEma(fast);
    this.slowEma = new HandEma(slow);
    this.sigEma = new HandEma(sig);
  }
  update(x: number): number {
    const s = this.slowEma.update(x);
    if (s !== s) {
      if (++this.n > this.slow - this.fast) this.fastEma.update(x);
      return NaN;
    }
    const m = this.fastEma.update(x) - s;
    const g = this.sigEma.update(m);
    if (g !== g) return NaN;
    this.signal = g;
    this.histogram = m - g;
    return m;
  }
}

export class HandBollinger {
  private readonly buf: Float64Array;
  private i = 0;
  private n = 0;
  private sum = 0;
  private sumSq = 0;
  upper = NaN;
  lower = NaN;
  constructor(
    private readonly p: number,
    private readonly k: number,
  ) {
    this.buf = new Float64Array(p);
  }
  /** TA-Lib's order, as the library's BollingerBands: running sums with the newest added first. */
  update(x: number): number {
    const buf = this.buf;
    buf[this.i] = x;
    const next = this.i + 1 === this.p ? 0 : this.i + 1;
    this.i = next;
    if (this.n < this.p && ++this.n < this.p) {
      this.sum += x;
      this.sumSq += x * x;
      return NaN;
    }
    const old = buf[next]!;
    const total = this.sum + x;
    const totalSq = this.sumSq + x * x;
    this.sum = total - old;
    this.sumSq = totalSq - old * old;
    const mean = total / this.p;
    const v = totalSq / this.p - mean * mean;
    const dev = v < 1e-14 ? 0 : Math.sqrt(v) * this.k;
    this.upper = mean + dev;
    this.lower = mean - dev;
    return mean;
  }
}

interface Hlc {
  readonly high: number;
  readonly low: number;
  readonly close: number;
}

export class HandAtr {
  private n = 0;
  private prevClose = 0;
  private atr = 0;
  constructor(private readonly p: number) {}
  update(b: Hlc): number {
    const yc = this.prevClose;
    this.prevClose = b.close;
    if (this.n === 0) {
      this.n = 1;
      return NaN;
    }
    const tr = Math.max(b.high - b.low, Math.abs(b.high - yc), Math.abs(b.low - yc));
    const p = this.p;
    if (this.n > p) return (this.atr = (this.atr * (p - 1) + tr) / p);
    this.atr += tr;
    if (++this.n <= p) return NaN;
    return (this.atr /= p);
  }
}

export class HandAdx {
  private n = 0;
  private ph = 0;
  private pl = 0;
  private pc = 0;
  private pdm = 0;
  private mdm = 0;
  private tr = 0;
  private sumDx = 0;
  private adx = 0;
  plusDi = NaN;
  minusDi = NaN;
  constructor(private readonly p: number) {}
  update(b: Hlc): number {
    const p = this.p;
    const up = b.high - this.ph;
    const down = this.pl - b.low;
    const yc = this.pc;
    this.ph = b.high;
    this.pl = b.low;
    this.pc = b.close;
    const n = this.n;
    if (n === 0) {
      this.n = 1;
      return NaN;
    }
    const tr = Math.max(b.high - b.low, Math.abs(b.high - yc), Math.abs(b.low - yc));
    const pdm = up > down && up > 0 ? up : 0;
    const mdm = down > up && down > 0 ? down : 0;
    if (n < p) {
      this.n++;
      this.pdm += pdm;
      this.mdm += mdm;
      this.tr += tr;
      return NaN;
    }
    this.pdm = this.pdm - this.pdm / p + pdm;
    this.mdm = this.mdm - this.mdm / p + mdm;
    this.tr = this.tr - this.tr / p + tr;
    const pdi = (100 * this.pdm) / this.tr;
    const mdi = (100 * this.mdm) / this.tr;
    const s = pdi + mdi;
    const dx = s === 0 ? 0 : (100 * Math.abs(pdi - mdi)) / s;
    this.plusDi = pdi;
    this.minusDi = mdi;
    if (n < 2 * p - 1) {
      this.n++;
      this.sumDx += dx;
      return NaN;
    }
    if (n === 2 * p - 1) {
      this.n++;
      this.sumDx += dx;
      return (this.adx = this.sumDx / p);
    }
    return (this.adx = (this.adx * (p - 1) + dx) / p);
  }
}

/**
 * `TradeBarAggregator`: builds bars from a time-ordered trade tape, one trade at a time, in constant
 * memory (Lopez de Prado, "Advances in Financial Machine Learning", 2018, section 2.3). The RxJS
 * operators {@link timeBars}, {@link tickBars}, {@link volumeBars} and {@link valueBars} and the
 * catalog transform of `@rxtrade/connectors` drive it.
 *
 * Every bar is the OHLCV of its trades: open = the first trade's price, high and low the extremes, close
 * the last trade's price, volume the summed size. `ts` is the bar's OPEN time, the convention of every
 * `Bar` in rxtrade: the period start for a time bar (as `resample`), the first trade's time for a tick,
 * volume or value bar. A bar is only known once it closes: at `ts + timeframe` for a time bar, at
 * `closeTs` (its last trade) for the others. Volumes and values are summed with Neumaier's compensated
 * summation, so that a bar of a million trades carries no drift.
 */
import { ValidationError } from '../errors';
import type { Bar, Trade } from '../domain/market-data';
import { parseTradeBarSpec, type ResolvedTradeBarSpec, type TradeBarSpec } from './trade-bars-spec';

/**
 * A bar built from trades: a {@link Bar} (so it goes wherever bars go) with what a bar of trades also
 * knows.
 *
 * @example
 * ```ts
 * tickBars({ trades: 100 }).subscribe((b: TradeBar) => console.log(b.ts, b.closeTs, b.trades, b.value / b.volume)); // VWAP
 * ```
 */
export interface TradeBar extends Bar {
  /** Time of the bar's last trade, epoch ms UTC (a flat time bar, which has none, has its `ts`). */
  readonly closeTs: number;
  /** Trades in the bar (a trade split across bars counts in each). */
  readonly trades: number;
  /** Sum of price x size over its trades; `value / volume` is the bar's VWAP. */
  readonly value: number;
}

const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * Builds bars of one {@link TradeBarSpec} from the trades of one instrument, pushed in time order.
 *
 * @example
 * ```ts
 * const agg = new TradeBarAggregator({ type: 'volume', volume: 10 });
 * const bars: TradeBar[] = [];
 * for (const t of trades) agg.push(t, (b) => bars.push(b));
 * agg.finish((b) => bars.push(b)); // the last bar, if complete (or partial: 'emit')
 * ```
 */
export class TradeBarAggregator {
  /** The spec with its defaults. */
  readonly spec: ResolvedTradeBarSpec;
  private readonly source: string;
  private readonly tf: number;
  private readonly offset: number;
  private readonly threshold: number;
  /** A volume or value bar is complete at this sum. */
  private readonly reach: number;
  /** What a trade may exceed the room left in a bar by and still go in whole (split mode). */
  private readonly slack: number;

  private instrument: Bar['instrumentId'] | undefined;
  private lastTs = -Infinity;
  /** Time bars: end of the last closed period (an earlier trade is late). */
  private closedUntil = -Infinity;
  /** Open time of the open bar: a time bar's period start, else its first trade's time; NaN when none. */
  private start = Number.NaN;
  private n = 0;
  private open = 0;
  private high = 0;
  private low = 0;
  private close = 0;
  private closeTs = 0;
  private volume = 0;
  private volumeC = 0;
  private value = 0;
  private valueC = 0;
  /** Close of the last emitted bar (the price of a flat bar). */
  private lastClose = Number.NaN;
  /** closeAt 'millisecond': the open bar reached its threshold and waits for a later millisecond. */
  private full = false;

  /**
   * @param spec the kind of bar.
   * @param source the label of errors (the operator's name).
   */
  constructor(spec: TradeBarSpec, source = 'tradeBars') {
    this.spec = parseTradeBarSpec(spec, source);
    this.source = source;
    const s = this.spec;
    this.tf = s.type === 'time' ? s.timeframe : 0;
    this.offset = s.type === 'time' ? s.offset : 0;
    this.threshold = s.type === 'tick' ? s.trades : s.type === 'volume' ? s.volume : s.type === 'value' ? s.value : 0;
    const tol = s.type === 'volume' || s.type === 'value' ? s.tolerance : 0;
    this.reach = this.threshold * (1 - tol);
    this.slack = this.threshold * tol;
  }

  /** Start of the open time period (time bars), or NaN when no period is open. */
  get openPeriodStart(): number {
    return this.spec.type === 'time' ? this.start : Number.NaN;
  }

  /** Start of the time period holding `ts` (time bars). */
  periodStart(ts: number): number {
    return Math.floor((ts - this.offset) / this.tf) * this.tf + this.offset;
  }

  /**
   * Adds one trade, emitting the bars it completes. Throws a ValidationError naming the field for a
   * trade of another instrument, out of time order, late (before a period already closed), or with a
   * price that is not a finite number > 0 or a size that is not a finite number >= 0.
   *
   * @param late what to do with a time-bar trade whose period already closed: throw (default) or drop it.
   */
  push(trade: Trade, emit: (bar: TradeBar) => void, late: 'error' | 'drop' = 'error'): void {
    const { ts, price, size } = trade;
    if (!isFiniteNumber(ts)) this.fail('ts', `must be a finite number, got ${String(ts)}`);
    if (!isFiniteNumber(price) || price <= 0) this.fail('price', `must be a finite number > 0, got ${String(price)}`);
    if (!isFiniteNumber(size) || size < 0) this.fail('size', `must be a finite number >= 0, got ${String(size)}`);
    if (this.instrument === undefined) this.instrument = trade.instrumentId;
    else if (trade.instrumentId !== this.instrument)
      this.fail('instrumentId', `one instrument per stream: got ${trade.instrumentId} after ${this.instrument}; split the stream with groupBy`);
    if (ts < this.lastTs) this.fail('ts', `trades must be in time order: ${ts} came after ${this.lastTs}`);
    if (ts < this.closedUntil) {
      if (late === 'drop') return;
      this.fail('ts', `trade at ${ts} arrived after its period closed (at ${this.closedUntil}); raise grace or set onLate: 'drop'`);
    }
    this.lastTs = ts;
    if (this.spec.type === 'time') {
      const p = this.periodStart(ts);
      if (p > this.start) this.closeBefore(p, emit);
      if (Number.isNaN(this.start)) this.begin(p);
      this.add(price, size, ts);
      return;
    }
    if (this.full) {
      if (ts === this.closeTs) {
        this.add(price, size, ts); // the rest of the closing millisecond joins the bar
        return;
      }
      this.emitBar(emit);
    }
    if (this.spec.type !== 'tick' && this.spec.split) {
      this.pushSplit(price, size, ts, emit);
      return;
    }
    if (this.n === 0) this.begin(ts);
    this.add(price, size, ts);
    if (this.reached()) {
      if (this.spec.closeAt === 'trade') this.emitBar(emit);
      else this.full = true;
    }
  }

  /**
   * Time bars: closes every period that ends at or before `time` (emitting its bar, and flat bars for
   * empty periods with `empty: 'flat'`). A runner calls it when its clock passes a period's end, a
   * catalog transform with the end of the range it read. No-op for other bars.
   */
  advanceTo(time: number, emit: (bar: TradeBar) => void): void {
    if (this.spec.type !== 'time' || Number.isNaN(this.start)) return;
    const p = this.periodStart(time);
    if (p > this.start) this.closeBefore(p, emit);
  }

  /**
   * The stream ended: emits a complete bar still held (closeAt 'millisecond'), and the open bar when
   * the spec's `partial` is `'emit'`. The aggregator may be reused after for a new stream.
   */
  finish(emit: (bar: TradeBar) => void): void {
    if (this.full || (this.n > 0 && this.spec.partial === 'emit')) this.emitBar(emit);
    this.n = 0;
    this.full = false;
    this.start = Number.NaN;
    this.instrument = undefined;
    this.lastTs = -Infinity;
    this.closedUntil = -Infinity;
    this.lastClose = Number.NaN;
  }

  private fail(field: string, message: string): never {
    throw new ValidationError([{ path: ['trade', field], message }], { source: this.source });
  }

  private begin(start: number): void {
    this.start = start;
    this.n = 0;
    this.volume = this.volumeC = this.value = this.valueC = 0;
  }

  private add(price: number, size: number, ts: number): void {
    if (this.n === 0) {
      this.open = this.high = this.low = price;
    } else {
      if (price > this.high) this.high = price;
      if (price < this.low) this.low = price;
    }
    this.close = price;
    this.closeTs = ts;
    this.n++;
    // Neumaier's compensated summation.
    let t = this.volume + size;
    this.volumeC += Math.abs(this.volume) >= Math.abs(size) ? this.volume - t + size : size - t + this.volume;
    this.volume = t;
    const v = price * size;
    t = this.value + v;
    this.valueC += Math.abs(this.value) >= Math.abs(v) ? this.value - t + v : v - t + this.value;
    this.value = t;
  }

  private reached(): boolean {
    switch (this.spec.type) {
      case 'tick':
        return this.n >= this.threshold;
      case 'volume':
        return this.volume + this.volumeC >= this.reach;
      default:
        return this.value + this.valueC >= this.reach;
    }
  }

  /** Split mode: the crossing trade fills the bar exactly; the rest opens the next bars. */
  private pushSplit(price: number, size: number, ts: number, emit: (bar: TradeBar) => void): void {
    const byValue = this.spec.type === 'value';
    let rest = size;
    for (;;) {
      if (this.n === 0) this.begin(ts);
      const room = this.threshold - (byValue ? this.value + this.valueC : this.volume + this.volumeC);
      const amount = byValue ? rest * price : rest;
      if (amount <= room + this.slack) {
        this.add(price, rest, ts);
        if (this.reached()) this.emitBar(emit);
        return;
      }
      const part = byValue ? room / price : room;
      this.add(price, part, ts);
      this.emitBar(emit);
      rest -= part;
    }
  }

  /** Time bars: closes the open period and every later one before `p` (flat bars when asked). */
  private closeBefore(p: number, emit: (bar: TradeBar) => void): void {
    const flat = this.spec.type === 'time' && this.spec.empty === 'flat';
    while (this.start < p) {
      if (this.n > 0) this.emitBar(emit);
      else if (flat && !Number.isNaN(this.lastClose)) this.emitFlat(emit);
      this.closedUntil = this.start + this.tf;
      if (!flat) {
        this.start = Number.NaN;
        this.n = 0;
        return;
      }
      this.begin(this.start + this.tf);
    }
  }

  private emitBar(emit: (bar: TradeBar) => void): void {
    const bar: TradeBar = {
      type: 'Bar',
      instrumentId: this.instrument!,
      ts: this.start,
      open: this.open,
      high: this.high,
      low: this.low,
      close: this.close,
      volume: this.volume + this.volumeC,
      closeTs: this.closeTs,
      trades: this.n,
      value: this.value + this.valueC,
    };
    this.lastClose = this.close;
    this.n = 0;
    this.full = false;
    if (this.spec.type !== 'time') this.start = Number.NaN;
    emit(bar);
  }

  private emitFlat(emit: (bar: TradeBar) => void): void {
    const c = this.lastClose;
    emit({ type: 'Bar', instrumentId: this.instrument!, ts: this.start, open: c, high: c, low: c, close: c, volume: 0, closeTs: this.start, trades: 0, value: 0 });
  }
}

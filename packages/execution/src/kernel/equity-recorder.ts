/**
 * Collects the equity curve into `Float64Array` chunks, one point per distinct event time: several
 * events at the same time (bars of several instruments) give one point, the equity after the last of
 * them. With `every` > 1 it keeps one time in `every` (plus the last), so a very long backtest holds
 * bounded memory for its curve.
 *
 * Chunks grow from 1,024 points to 65,536 and are never copied while recording (a curve kept in one
 * array that doubles copies every point about twice and leaves the old arrays to the collector, about a
 * tenth of a run without orders); {@link EquityRecorder.curve} joins them once.
 *
 * A recorder told how many events to expect allocates its first chunk at the size of the whole curve:
 * the points then go into one pair of arrays, and `curve` hands out views of them instead of copying
 * (a million-bar run writes 16 MB of fresh memory instead of 32, and takes 10-20% less time per bar).
 * A point replaced after that is written into a copy, so a curve handed out never changes.
 */
const FIRST_CHUNK = 1024;
const MAX_CHUNK = 65_536;

export class EquityRecorder {
  /** Full chunks, in order. */
  private readonly fullTs: Float64Array<ArrayBuffer>[] = [];
  private readonly fullValues: Float64Array<ArrayBuffer>[] = [];
  /** The chunk being filled, and how many points it holds. */
  private ts: Float64Array<ArrayBuffer>;
  private values: Float64Array<ArrayBuffer>;
  private used = 0;
  /** Points recorded, over every chunk. */
  private length = 0;
  /** Time of the last point recorded (NaN before the first), and the chunk and slot that hold it. */
  private pushedTs = NaN;
  private pushedValues: Float64Array<ArrayBuffer> | undefined;
  private pushedAt = 0;
  private seen = 0;
  private lastTs = NaN;
  private lastValue = NaN;

  /** Whether `curve` handed out views of the current chunk (written to again only after a copy). */
  private shared = false;

  /**
   * @param every keep one event time in this many (plus the last).
   * @param expectedEvents the number of events to come, when known: the first chunk holds the whole curve.
   */
  constructor(
    private readonly every = 1,
    expectedEvents?: number,
  ) {
    // Allocated once, at the size it will have (a sweep builds thousands of recorders).
    const points = expectedEvents !== undefined && expectedEvents > 0 ? Math.max(FIRST_CHUNK, Math.ceil(expectedEvents / every) + 1) : FIRST_CHUNK;
    this.ts = new Float64Array(points);
    this.values = new Float64Array(points);
  }

  /** Records the equity after an event at `ts`; a later call with the same `ts` replaces the value. */
  record(ts: number, value: number): void {
    if (ts === this.lastTs) {
      this.lastValue = value;
      if (this.pushedValues !== undefined && this.pushedTs === ts) {
        if (this.shared && this.pushedValues === this.values) this.unshare();
        this.pushedValues[this.pushedAt] = value;
      }
      return;
    }
    this.lastTs = ts;
    this.lastValue = value;
    if (this.seen++ % this.every !== 0) return;
    this.push(ts, value);
  }

  /**
   * The recorded curve, ending with the last point seen. Reading it records nothing: with `every` > 1
   * the last point seen is appended to the copy handed out, not to the points kept, so a curve read
   * during a run leaves the final curve as it would have been.
   */
  curve(): { ts: Float64Array; equity: Float64Array } {
    const pending = this.seen > 0 && (this.length === 0 || this.pushedTs !== this.lastTs);
    // The whole curve in the one chunk, and most of it used: views, not a copy. Later points go past
    // the views' end; a replaced point is written into a copy (see record).
    if (!pending && this.fullTs.length === 0 && this.used > FIRST_CHUNK && this.used * 2 >= this.ts.length) {
      this.shared = true;
      return { ts: this.ts.subarray(0, this.used), equity: this.values.subarray(0, this.used) };
    }
    const n = this.length + (pending ? 1 : 0);
    const ts = new Float64Array(n);
    const equity = new Float64Array(n);
    let at = 0;
    for (let i = 0; i < this.fullTs.length; i++) {
      ts.set(this.fullTs[i]!, at);
      equity.set(this.fullValues[i]!, at);
      at += this.fullTs[i]!.length;
    }
    ts.set(this.ts.subarray(0, this.used), at);
    equity.set(this.values.subarray(0, this.used), at);
    if (pending) {
      ts[n - 1] = this.lastTs;
      equity[n - 1] = this.lastValue;
    }
    return { ts, equity };
  }

  /** Gives the current chunk's values a copy of their own, leaving the handed-out views as they are. */
  private unshare(): void {
    this.values = this.values.slice();
    this.pushedValues = this.values;
    this.shared = false;
  }

  private push(ts: number, value: number): void {
    if (this.used === this.ts.length) {
      // A chunk whose views were handed out is full: it is never written again, and stays shared.
      this.shared = false;
      this.fullTs.push(this.ts);
      this.fullValues.push(this.values);
      const size = Math.min(this.ts.length * 2, MAX_CHUNK);
      this.ts = new Float64Array(size);
      this.values = new Float64Array(size);
      this.used = 0;
    }
    const at = this.used++;
    this.ts[at] = ts;
    this.values[at] = value;
    this.length++;
    this.pushedTs = ts;
    this.pushedValues = this.values;
    this.pushedAt = at;
  }
}

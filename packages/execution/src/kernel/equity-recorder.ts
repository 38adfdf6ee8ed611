/**
 * Collects the equity curve into `Float64Array` chunks, one point per distinct event time: several
 * events at the same time (bars of several instruments) give one point, the equity after the last of
 * them. With `every` > 1 it keeps one time in `every` (plus the last), so a very long backtest holds
 * bounded memory for its curve.
 *
 * Chunks grow from 1,024 points to 65,536 and are never copied while recording (a curve kept in one
 * array that doubles copies every point about twice and leaves the old arrays to the collector, about a
 * tenth of a run without orders); {@link EquityRecorder.curve} joins them once.
 */
const FIRST_CHUNK = 1024;
const MAX_CHUNK = 65_536;

export class EquityRecorder {
  /** Full chunks, in order. */
  private readonly fullTs: Float64Array<ArrayBuffer>[] = [];
  private readonly fullValues: Float64Array<ArrayBuffer>[] = [];
  /** The chunk being filled, and how many points it holds. */
  private ts: Float64Array<ArrayBuffer> = new Float64Array(FIRST_CHUNK);
  private values: Float64Array<ArrayBuffer> = new Float64Array(FIRST_CHUNK);
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

  constructor(private readonly every = 1) {}

  /** Records the equity after an event at `ts`; a later call with the same `ts` replaces the value. */
  record(ts: number, value: number): void {
    if (ts === this.lastTs) {
      this.lastValue = value;
      if (this.pushedValues !== undefined && this.pushedTs === ts) this.pushedValues[this.pushedAt] = value;
      return;
    }
    this.lastTs = ts;
    this.lastValue = value;
    if (this.seen++ % this.every !== 0) return;
    this.push(ts, value);
  }

  /** The recorded curve, ending with the last point seen. */
  curve(): { ts: Float64Array; equity: Float64Array } {
    if (this.seen > 0 && (this.length === 0 || this.pushedTs !== this.lastTs)) this.push(this.lastTs, this.lastValue);
    const ts = new Float64Array(this.length);
    const equity = new Float64Array(this.length);
    let at = 0;
    for (let i = 0; i < this.fullTs.length; i++) {
      ts.set(this.fullTs[i]!, at);
      equity.set(this.fullValues[i]!, at);
      at += this.fullTs[i]!.length;
    }
    ts.set(this.ts.subarray(0, this.used), at);
    equity.set(this.values.subarray(0, this.used), at);
    return { ts, equity };
  }

  private push(ts: number, value: number): void {
    if (this.used === this.ts.length) {
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

/**
 * Collects the equity curve into growable `Float64Array` columns, one point per distinct event time:
 * several events at the same time (bars of several instruments) give one point, the equity after the
 * last of them. With `every` > 1 it keeps one time in `every` (plus the last), so a very long backtest
 * holds bounded memory for its curve.
 */
export class EquityRecorder {
  private ts: Float64Array<ArrayBuffer> = new Float64Array(1024);
  private values: Float64Array<ArrayBuffer> = new Float64Array(1024);
  private length = 0;
  private seen = 0;
  private lastTs = NaN;
  private lastValue = NaN;

  constructor(private readonly every = 1) {}

  /** Records the equity after an event at `ts`; a later call with the same `ts` replaces the value. */
  record(ts: number, value: number): void {
    if (ts === this.lastTs) {
      this.lastValue = value;
      if (this.length > 0 && this.ts[this.length - 1] === ts) this.values[this.length - 1] = value;
      return;
    }
    this.lastTs = ts;
    this.lastValue = value;
    if (this.seen++ % this.every !== 0) return;
    this.push(ts, value);
  }

  /** The recorded curve, ending with the last point seen. */
  curve(): { ts: Float64Array; equity: Float64Array } {
    if (this.seen > 0 && (this.length === 0 || this.ts[this.length - 1] !== this.lastTs)) this.push(this.lastTs, this.lastValue);
    return { ts: this.ts.slice(0, this.length), equity: this.values.slice(0, this.length) };
  }

  private push(ts: number, value: number): void {
    if (this.length === this.ts.length) {
      const grow = (a: Float64Array<ArrayBuffer>): Float64Array<ArrayBuffer> => {
        const b = new Float64Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.ts = grow(this.ts);
      this.values = grow(this.values);
    }
    this.ts[this.length] = ts;
    this.values[this.length] = value;
    this.length++;
  }
}

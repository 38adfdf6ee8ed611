/**
 * Which trading day a timestamp falls in, for a day that starts at `hour` o'clock in `timeZone`
 * (internal). The zone offset comes from Intl (so daylight saving time is followed) and is cached per
 * hour of UTC time, since offsets change on hour boundaries.
 */
export class TradingDay {
  private readonly format: Intl.DateTimeFormat | undefined;
  private bucket = NaN;
  private offset = 0;

  constructor(
    timeZone: string,
    private readonly hour: number,
  ) {
    this.format =
      timeZone === 'UTC'
        ? undefined
        : new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
  }

  /** A number that is the same for every time in one trading day and grows by one per day. */
  key(ts: number): number {
    const local = ts + this.offsetAt(ts);
    return Math.floor((local - this.hour * 3_600_000) / 86_400_000);
  }

  private offsetAt(ts: number): number {
    if (this.format === undefined) return 0;
    const bucket = Math.floor(ts / 3_600_000);
    if (bucket !== this.bucket) {
      const base = bucket * 3_600_000;
      const parts: Record<string, number> = {};
      for (const p of this.format.formatToParts(new Date(base))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
      this.offset = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!) - base;
      this.bucket = bucket;
    }
    return this.offset;
  }
}

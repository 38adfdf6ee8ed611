/**
 * The data-quality checks as a scanner that reads one bar (or trade) at a time, so that a series larger than
 * memory (a catalog query, a streamed CSV file) can be checked: what it keeps is, per instrument, the
 * last bar's figures, the trailing windows of the jump and spike checks, and the first `maxExamples`
 * findings of each check; findings beyond those are counted. Without `intervalMs`, the first
 * `inferFrom` bars are held until the interval is inferred from them.
 *
 * Bars of several instruments may be interleaved; each instrument is checked on its own. A bar that is
 * out of order or repeats the time of the bar before is reported and then left out of every other
 * check: gaps, returns and runs are measured along the bars in increasing time.
 *
 * Robust deviations: the median and 1.4826 x MAD (median absolute deviation) of a trailing window of
 * log returns (or log volumes), Hampel's identifier (Pearson, "Outliers in process modeling and
 * identification", IEEE Trans. Control Systems Technology 10(1), 2002), with the window before the
 * bar judged; a window whose MAD is 0 (flat) judges nothing.
 */
import { StateError } from '../../errors';
import { parseWith } from '../../validation';
import {
  DATA_QUALITY_CHECKS,
  DataQualityOptionsSchema,
  isIsoDate,
  minuteOfDay,
  type DataQualityCheck,
  type DataQualityOptions,
  type DataQualitySeverity,
  type ParsedDataQualityOptions,
} from './data-quality-options';
import type { DataQualityCheckResult, DataQualityExample, DataQualityReport, InstrumentDataQuality } from './data-quality-types';
import { continuousTimes, sessionTimes, type ExpectedBarTimes } from './expected-bar-times';
import { formatDuration, formatNumber, formatTs } from './format-values';
import { MAD_TO_SIGMA, RobustWindow } from './robust-window';

const DAY = 86_400_000;

/**
 * A bar as the quality checks read it (core's `Bar` fits).
 *
 * @example
 * ```ts
 * const bar: QualityBar = { instrumentId: 'BTC/USDT.BINANCE', ts: Date.UTC(2024, 0, 1), open: 42_000, high: 42_100, low: 41_900, close: 42_050, volume: 12.5 };
 * ```
 */
export interface QualityBar {
  readonly instrumentId: string;
  readonly ts: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

/**
 * A trade as the quality checks read it (core's `Trade` fits).
 *
 * @example
 * ```ts
 * const trade: QualityTrade = { instrumentId: 'BTC/USDT.BINANCE', ts: Date.UTC(2024, 0, 1), price: 42_000, size: 0.01, tradeId: '1' };
 * ```
 */
export interface QualityTrade {
  readonly instrumentId: string;
  readonly ts: number;
  readonly price: number;
  readonly size: number;
  /** The venue's id of the trade: a repeated id is a duplicate (empty ids are not compared). */
  readonly tradeId: string;
}

/** Trade ids remembered per instrument to find repeated trades. */
const RECENT_TRADE_IDS = 4096;

/** The checks that have a meaning for trades; the others are reported as not applicable. */
const TRADE_CHECKS: ReadonlySet<DataQualityCheck> = new Set<DataQualityCheck>(['outOfOrder', 'duplicates', 'invalidValues', 'priceJumps']);

const TITLES: Readonly<Record<DataQualityCheck, string>> = {
  outOfOrder: 'Out-of-order bars',
  duplicates: 'Duplicate timestamps',
  invalidValues: 'Invalid prices or volumes',
  ohlcInconsistent: 'Inconsistent OHLC',
  gaps: 'Gaps',
  offCalendar: 'Bars off the calendar',
  priceJumps: 'Price jumps',
  stalePrices: 'Stale prices',
  zeroVolume: 'Zero volume',
  volumeSpikes: 'Volume spikes',
};

const TRADE_TITLES: Partial<Record<DataQualityCheck, string>> = { outOfOrder: 'Out-of-order trades', duplicates: 'Repeated trade ids', invalidValues: 'Invalid prices or sizes' };

const RANK: Readonly<Record<DataQualitySeverity | 'ok', number>> = { ok: 0, info: 1, warning: 2, error: 3 };

interface Findings {
  count: number;
  readonly examples: DataQualityExample[];
}

interface Run {
  start: number;
  last: number;
  bars: number;
  value: number;
}

interface InstrumentState {
  readonly instrumentId: string;
  readonly findings: Record<DataQualityCheck, Findings>;
  times: ExpectedBarTimes | undefined;
  bars: number;
  accepted: number;
  firstTs: number;
  lastTs: number;
  onCalendar: number;
  missing: number;
  // Price checks: the last valid bar's prices.
  prevClose: number;
  prevOpen: number;
  prevHigh: number;
  prevLow: number;
  lastValidTs: number;
  returns: RobustWindow | undefined;
  stale: Run | undefined;
  // Volume checks.
  zero: Run | undefined;
  volumes: RobustWindow | undefined;
  // Trades: the last ids seen, in a ring, and as a set.
  recentIds: string[] | undefined;
  recentAt: number;
  recentSet: Set<string> | undefined;
}

/**
 * Checks bars one at a time and reports what it found (see {@link dataQualityReport} for the checks).
 *
 * @example
 * ```ts
 * const scanner = new DataQualityScanner({ intervalMs: 60_000 });
 * for await (const bar of catalog.query({ dataType: 'bars', instruments: [btc] })) scanner.push(bar);
 * console.log(formatDataQualityReport(scanner.report()));
 * ```
 */
export class DataQualityScanner {
  private readonly o: ParsedDataQualityOptions;
  private readonly states = new Map<string, InstrumentState>();
  private pending: QualityBar[] | undefined;
  private intervalMs: number | undefined;
  private intervalHow: string;
  private calendarNote: string | undefined;
  private shared: ExpectedBarTimes | undefined;
  private finished: DataQualityReport | undefined;
  private dataType: 'bars' | 'trades' | undefined;

  /** @param options see {@link DataQualityOptionsSchema}; unknown keys and bad values throw a `ValidationError` naming the field. */
  constructor(options: DataQualityOptions = {}) {
    this.o = parseWith(DataQualityOptionsSchema, options, 'dataQuality');
    if (this.o.intervalMs !== undefined) {
      this.intervalMs = this.o.intervalMs;
      this.intervalHow = `${formatDuration(this.o.intervalMs)}, as given`;
      this.setUpCalendar();
    } else {
      this.pending = [];
      this.intervalHow = '';
    }
  }

  /** Reads the next bar. Throws a `StateError` after {@link report}, or after a trade. */
  push(bar: QualityBar): void {
    this.expect('bars', 'push');
    if (this.pending) {
      this.pending.push(bar);
      if (this.pending.length >= this.o.inferFrom) this.inferInterval();
      return;
    }
    this.check(bar);
  }

  /**
   * Reads the next trade: trades are checked for order, repeated trade ids (among the last 4,096 of the
   * instrument), invalid prices and sizes, and price jumps from trade to trade; the calendar, stale,
   * OHLC and volume checks are about bars and report "not applicable". Throws a `StateError` after
   * {@link report}, or after a bar.
   */
  pushTrade(trade: QualityTrade): void {
    this.expect('trades', 'pushTrade');
    const o = this.o;
    const st = this.state(String(trade.instrumentId));
    st.bars++;
    const { ts, price, size, tradeId } = trade;
    if (this.badTime(st, ts, price, 'price')) return;
    if (st.accepted > 0 && ts < st.lastTs) {
      const prev = st.lastTs;
      if (o.outOfOrder) this.record(st, 'outOfOrder', () => ({ ts, detail: `a trade at ${formatTs(ts)} after a trade at ${formatTs(prev)}; left out`, values: { previousTs: prev, price } }));
      return;
    }
    if (tradeId !== '' && st.recentSet!.has(tradeId)) {
      if (o.duplicates) this.record(st, 'duplicates', () => ({ ts, detail: `trade id ${JSON.stringify(tradeId)} again at ${formatTs(ts)} (price ${formatNumber(price)}, size ${formatNumber(size)}); left out`, values: { price, size } }));
      return;
    }
    if (tradeId !== '') {
      const ids = st.recentIds!;
      const old = ids[st.recentAt];
      if (old !== undefined) st.recentSet!.delete(old);
      ids[st.recentAt] = tradeId;
      st.recentSet!.add(tradeId);
      st.recentAt = (st.recentAt + 1) % RECENT_TRADE_IDS;
    }
    if (st.accepted === 0) st.firstTs = ts;
    st.accepted++;
    st.lastTs = ts;
    const priceOk = price > 0 && Number.isFinite(price);
    const sizeOk = size > 0 && Number.isFinite(size);
    if ((!priceOk || !sizeOk) && o.invalidValues)
      this.record(st, 'invalidValues', () => ({
        ts,
        detail: `${[!priceOk ? `price ${formatNumber(price)}` : '', !sizeOk ? `size ${formatNumber(size)}` : ''].filter(Boolean).join(', ')} at ${formatTs(ts)}`,
        values: { price, size },
      }));
    if (priceOk) {
      this.jump(st, ts, price, 'price');
      st.prevClose = price;
    }
  }

  /** A time that is not a finite number is an invalid value, and the event is left out of every other check. */
  private badTime(st: InstrumentState, ts: number, price: number, what: 'close' | 'price'): boolean {
    if (typeof ts === 'number' && Number.isFinite(ts)) return false;
    if (this.o.invalidValues) this.record(st, 'invalidValues', () => ({ ts: NaN, detail: `time ${String(ts)} (${what} ${formatNumber(price)}); left out`, values: { [what]: price } }));
    return true;
  }

  private expect(dataType: 'bars' | 'trades', method: string): void {
    if (this.finished) throw new StateError(`DataQualityScanner.${method}: the report was already made; start a new scanner`);
    if (this.dataType !== undefined && this.dataType !== dataType)
      throw new StateError(`DataQualityScanner.${method}: this scanner reads ${this.dataType}; check bars and trades with a scanner each`);
    this.dataType = dataType;
  }

  /** Ends the scan and returns the report; later calls return the same report. */
  report(): DataQualityReport {
    if (this.finished) return this.finished;
    if (this.pending && this.dataType !== 'trades') this.inferInterval();
    const instruments = [...this.states.values()].map((st) => this.instrumentReport(st));
    const status = instruments.reduce<DataQualitySeverity | 'ok'>((w, i) => (RANK[i.status] > RANK[w] ? i.status : w), 'ok');
    const trades = this.dataType === 'trades';
    this.finished = {
      dataType: trades ? 'trades' : 'bars',
      calendar: trades ? 'not used for trades' : this.describeCalendar(),
      intervalMs: trades ? undefined : this.intervalMs,
      interval: trades ? 'not used for trades' : this.intervalHow,
      instruments,
      status,
    };
    return this.finished;
  }

  private inferInterval(): void {
    const bars = this.pending!;
    this.pending = undefined;
    const last = new Map<string, number>();
    const counts = new Map<number, number>();
    for (const b of bars) {
      const prev = last.get(b.instrumentId);
      if (prev !== undefined && b.ts > prev) counts.set(b.ts - prev, (counts.get(b.ts - prev) ?? 0) + 1);
      if (prev === undefined || b.ts > prev) last.set(b.instrumentId, b.ts);
    }
    let best: number | undefined;
    let bestCount = 0;
    for (const [d, c] of counts) if (c > bestCount || (c === bestCount && d < best!)) [best, bestCount] = [d, c];
    this.intervalMs = best;
    if (best === undefined) {
      this.intervalHow = 'not inferred: no instrument has two bars in increasing time';
      this.calendarNote = 'not run: the bar interval is unknown (pass intervalMs)';
    } else {
      const spacings = [...counts.values()].reduce((a, c) => a + c, 0);
      this.intervalHow = `${formatDuration(best)}, inferred: the most frequent spacing of consecutive bars (${formatNumber(bestCount, 0)} of the ${formatNumber(spacings, 0)} spacings among the first ${formatNumber(bars.length, 0)} bars)`;
      if (this.o.calendar.type === 'session' && best > DAY) this.calendarNote = `not run: a session calendar expects bars of at most a day, and the inferred interval is ${formatDuration(best)} (pass intervalMs)`;
      else this.setUpCalendar();
    }
    for (const b of bars) this.check(b);
  }

  private setUpCalendar(): void {
    const c = this.o.calendar;
    if (c.type !== 'session') return;
    const day = (s: string): number => Date.parse(`${s}T00:00:00Z`) / DAY;
    this.shared = sessionTimes(this.intervalMs!, {
      timeZone: c.timeZone,
      openMinute: minuteOfDay(c.open),
      closeMinute: minuteOfDay(c.close),
      weekdays: new Set(c.weekdays),
      holidays: new Set(c.holidays.map(day)),
      earlyCloses: new Map(Object.entries(c.earlyCloses).filter(([d]) => isIsoDate(d)).map(([d, t]) => [day(d), minuteOfDay(t)])),
      dailyTs: c.dailyTs,
    });
  }

  private describeCalendar(): string {
    const c = this.o.calendar;
    const every = this.intervalMs === undefined ? 'interval unknown' : this.intervalMs === DAY && c.type === 'session' ? 'one bar a session' : `a bar every ${formatDuration(this.intervalMs)}`;
    if (c.type === 'continuous') {
      const grid = c.offsetMs !== undefined ? `on the grid ${c.offsetMs} ms past each multiple of the interval since 1970-01-01 UTC` : `on the grid through each instrument's first bar`;
      return `24/7, ${every}, ${grid}`;
    }
    const days = c.weekdays.map((d) => ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'][d - 1]).join(' ');
    const stamp = this.intervalMs === DAY ? `, stamped at ${c.dailyTs === 'date' ? "the date's 00:00 UTC" : `the session's ${c.dailyTs}`}` : '';
    const early = Object.keys(c.earlyCloses).length;
    return `sessions ${c.open}-${c.close} ${c.timeZone} on ${days}, ${c.holidays.length} holiday${c.holidays.length === 1 ? '' : 's'}${early ? `, ${early} early close${early === 1 ? '' : 's'}` : ''}; ${every}${stamp}`;
  }

  private state(id: string): InstrumentState {
    let st = this.states.get(id);
    if (!st) {
      const findings = {} as Record<DataQualityCheck, Findings>;
      for (const c of DATA_QUALITY_CHECKS) findings[c] = { count: 0, examples: [] };
      const { priceJumps, volumeSpikes } = this.o;
      st = {
        instrumentId: id,
        findings,
        times: this.shared,
        bars: 0,
        accepted: 0,
        firstTs: NaN,
        lastTs: NaN,
        onCalendar: 0,
        missing: 0,
        prevClose: NaN,
        prevOpen: NaN,
        prevHigh: NaN,
        prevLow: NaN,
        lastValidTs: NaN,
        returns: priceJumps ? new RobustWindow(priceJumps.window) : undefined,
        stale: undefined,
        zero: undefined,
        volumes: volumeSpikes ? new RobustWindow(volumeSpikes.window) : undefined,
        recentIds: this.dataType === 'trades' ? [] : undefined,
        recentAt: 0,
        recentSet: this.dataType === 'trades' ? new Set() : undefined,
      };
      this.states.set(id, st);
    }
    return st;
  }

  private record(st: InstrumentState, check: DataQualityCheck, make: () => DataQualityExample): void {
    const f = st.findings[check];
    f.count++;
    if (f.examples.length < this.o.maxExamples) f.examples.push(make());
  }

  private check(bar: QualityBar): void {
    const o = this.o;
    const st = this.state(String(bar.instrumentId));
    st.bars++;
    const ts = bar.ts;
    if (this.badTime(st, ts, bar.close, 'close')) return;
    if (st.accepted > 0 && ts <= st.lastTs) {
      const prev = st.lastTs;
      if (ts === prev) {
        if (o.duplicates) {
          const same = bar.open === st.prevOpen && bar.high === st.prevHigh && bar.low === st.prevLow && bar.close === st.prevClose;
          this.record(st, 'duplicates', () => ({
            ts,
            detail: `a second bar at ${formatTs(ts)}${same ? ' with the same prices' : ` with other prices (close ${formatNumber(bar.close)}; the bar kept closed at ${formatNumber(st.prevClose)})`}; left out`,
            values: { open: bar.open, high: bar.high, low: bar.low, close: bar.close, volume: bar.volume },
          }));
        }
      } else if (o.outOfOrder) {
        this.record(st, 'outOfOrder', () => ({
          ts,
          detail: `a bar at ${formatTs(ts)} after a bar at ${formatTs(prev)}; left out`,
          values: { previousTs: prev, close: bar.close },
        }));
      }
      return;
    }
    // Calendar checks.
    if (this.intervalMs !== undefined && this.calendarNote === undefined) {
      if (st.accepted === 0) {
        st.times ??= continuousTimes(this.intervalMs, o.calendar.type === 'continuous' ? (o.calendar.offsetMs ?? ts) : 0);
        const start = o.start;
        if (start !== undefined && start < ts) this.gap(st, start - 1, ts, () => `before the first bar (${formatTs(ts)}), from the start ${formatTs(start)}`);
      } else this.gap(st, st.lastTs, ts, () => `between the bars at ${formatTs(st.lastTs)} and ${formatTs(ts)}`);
      const times = st.times!;
      if (times.expects(ts)) st.onCalendar++;
      else if (o.offCalendar) this.record(st, 'offCalendar', () => ({ ts, detail: `a bar at ${formatTs(ts)}: ${times.reason(ts)}`, values: { close: bar.close, volume: bar.volume } }));
    }
    if (st.accepted === 0) st.firstTs = ts;
    st.accepted++;
    st.lastTs = ts;

    const { open, high, low, close, volume } = bar;
    const priceOk = open > 0 && high > 0 && low > 0 && close > 0 && Number.isFinite(open + high + low + close);
    const volumeOk = volume >= 0 && Number.isFinite(volume);
    if ((!priceOk || !volumeOk) && o.invalidValues) {
      this.record(st, 'invalidValues', () => {
        const bad: string[] = [];
        for (const [k, v] of [['open', open], ['high', high], ['low', low], ['close', close]] as const) if (!(v > 0 && Number.isFinite(v))) bad.push(`${k} ${formatNumber(v)}`);
        if (!volumeOk) bad.push(`volume ${formatNumber(volume)}`);
        return { ts, detail: `${bad.join(', ')} at ${formatTs(ts)}`, values: { open, high, low, close, volume } };
      });
    }
    if (priceOk) {
      if (o.ohlcInconsistent && (high < low || open > high || open < low || close > high || close < low)) {
        const what =
          high < low ? `high ${formatNumber(high)} is below low ${formatNumber(low)}` : open > high || open < low ? `open ${formatNumber(open)} is outside [${formatNumber(low)}, ${formatNumber(high)}]` : `close ${formatNumber(close)} is outside [${formatNumber(low)}, ${formatNumber(high)}]`;
        this.record(st, 'ohlcInconsistent', () => ({ ts, detail: `${what} at ${formatTs(ts)}`, values: { open, high, low, close } }));
      }
      this.jump(st, ts, close, 'close');
      if (o.stalePrices) {
        const same = close === st.prevClose && (o.stalePrices.field === 'close' || (open === st.prevOpen && high === st.prevHigh && low === st.prevLow));
        if (same) {
          if (st.stale) {
            st.stale.bars++;
            st.stale.last = ts;
          } else st.stale = { start: st.lastValidTs, last: ts, bars: 2, value: close };
        } else this.endStale(st);
      }
      st.prevOpen = open;
      st.prevHigh = high;
      st.prevLow = low;
      st.prevClose = close;
      st.lastValidTs = ts;
    } else this.endStale(st);

    if (volumeOk) {
      if (o.zeroVolume) {
        if (volume === 0) {
          if (st.zero) {
            st.zero.bars++;
            st.zero.last = ts;
          } else st.zero = { start: ts, last: ts, bars: 1, value: 0 };
        } else this.endZero(st);
      }
      if (o.volumeSpikes && volume > 0) {
        const x = Math.log(volume);
        const w = st.volumes!;
        if (w.isFull) {
          const median = w.median();
          const sigma = MAD_TO_SIGMA * w.mad(median);
          const deviations = (x - median) / sigma;
          if (sigma > 0 && deviations > o.volumeSpikes.k) {
            this.record(st, 'volumeSpikes', () => ({
              ts,
              detail: `volume ${formatNumber(volume)} at ${formatTs(ts)} is ${formatNumber(Math.exp(x - median), 1)}x the window's median ${formatNumber(Math.exp(median), 0)} (${formatNumber(deviations, 1)} robust deviations of log volume)`,
              values: { volume, medianVolume: Math.exp(median), logVolume: x, median, sigma, deviations },
            }));
          }
        }
        w.push(x);
      }
    } else this.endZero(st);
  }

  /** The price-jump check of a close (bars) or a trade price against the last one. */
  private jump(st: InstrumentState, ts: number, price: number, what: 'close' | 'price'): void {
    const o = this.o;
    if (!o.priceJumps || !(st.prevClose > 0)) return;
    const r = Math.log(price / st.prevClose);
    const w = st.returns!;
    if (w.isFull) {
      const median = w.median();
      const sigma = MAD_TO_SIGMA * w.mad(median);
      const deviations = Math.abs(r - median) / sigma;
      if (sigma > 0 && deviations > o.priceJumps.k) {
        const previous = st.prevClose;
        this.record(st, 'priceJumps', () => ({
          ts,
          detail: `${what} ${formatNumber(price)} after ${formatNumber(previous)} at ${formatTs(ts)}: log return ${formatNumber(r, 4)} is ${formatNumber(deviations, 1)} robust deviations from the window's median ${formatNumber(median, 4)}`,
          values:
            what === 'close'
              ? ({ previousClose: previous, close: price, logReturn: r, median, sigma, deviations } as Record<string, number>)
              : { previousPrice: previous, price, logReturn: r, median, sigma, deviations },
        }));
      }
    }
    w.push(r);
  }

  private gap(st: InstrumentState, after: number, before: number, where: () => string): void {
    const g = st.times!.between(after, before);
    if (g.count === 0) return;
    st.missing += g.count;
    if (this.o.gaps)
      this.record(st, 'gaps', () => ({
        ts: g.first,
        endTs: g.last,
        bars: g.count,
        detail: `${formatNumber(g.count, 0)} bar${g.count === 1 ? '' : 's'} missing ${g.count === 1 ? `at ${formatTs(g.first)}` : `from ${formatTs(g.first)} to ${formatTs(g.last)}`}, ${where()}`,
        values: { missing: g.count },
      }));
  }

  private endStale(st: InstrumentState): void {
    const run = st.stale;
    st.stale = undefined;
    if (!run || !this.o.stalePrices || run.bars < this.o.stalePrices.minBars) return;
    const what = this.o.stalePrices.field === 'close' ? 'close' : 'open, high, low and close';
    this.record(st, 'stalePrices', () => ({
      ts: run.start,
      endTs: run.last,
      bars: run.bars,
      detail: `${what} unchanged at ${formatNumber(run.value)} for ${formatNumber(run.bars, 0)} bars from ${formatTs(run.start)} to ${formatTs(run.last)}`,
      values: { close: run.value },
    }));
  }

  private endZero(st: InstrumentState): void {
    const run = st.zero;
    st.zero = undefined;
    if (!run || !this.o.zeroVolume || run.bars < this.o.zeroVolume.minBars) return;
    this.record(st, 'zeroVolume', () => ({
      ts: run.start,
      endTs: run.last,
      bars: run.bars,
      detail: run.bars === 1 ? `zero volume at ${formatTs(run.start)}` : `zero volume for ${formatNumber(run.bars, 0)} bars from ${formatTs(run.start)} to ${formatTs(run.last)}`,
      values: {},
    }));
  }

  private instrumentReport(st: InstrumentState): InstrumentDataQuality {
    const o = this.o;
    this.endStale(st);
    this.endZero(st);
    const calendarRuns = this.intervalMs !== undefined && this.calendarNote === undefined && st.times !== undefined;
    const end = o.end;
    if (calendarRuns && this.dataType !== 'trades' && end !== undefined && end - 1 > st.lastTs) this.gap(st, st.lastTs, end, () => `after the last bar (${formatTs(st.lastTs)}), until the end ${formatTs(end)}`);
    const notes: Record<DataQualityCheck, string> = {
      outOfOrder: 'bars earlier than a bar before them',
      duplicates: 'bars at the time of the bar before them',
      invalidValues: 'prices <= 0 or not finite, volumes < 0 or not finite',
      ohlcInconsistent: 'high < low, or open or close outside [low, high]',
      gaps: `expected bar times with no bar: ${formatNumber(st.missing, 0)} in all`,
      offCalendar: 'bars at times the calendar does not expect',
      priceJumps: o.priceJumps ? `|log return - median| > ${o.priceJumps.k} x 1.4826 x MAD of the previous ${o.priceJumps.window} log returns of the ${this.dataType === 'trades' ? 'trade price' : 'close'}` : '',
      stalePrices: o.stalePrices ? `${o.stalePrices.field === 'close' ? 'the close' : 'open, high, low and close'} unchanged for ${o.stalePrices.minBars} bars or more` : '',
      zeroVolume: o.zeroVolume ? `runs of ${o.zeroVolume.minBars === 1 ? 'one or more bars' : `${o.zeroVolume.minBars} bars or more`} with zero volume` : '',
      volumeSpikes: o.volumeSpikes ? `log volume - median > ${o.volumeSpikes.k} x 1.4826 x MAD of the previous ${o.volumeSpikes.window} non-zero log volumes` : '',
    };
    if (this.dataType === 'trades') {
      notes.outOfOrder = 'trades earlier than a trade before them';
      notes.duplicates = `trade ids seen among the instrument's last ${formatNumber(RECENT_TRADE_IDS, 0)} trades`;
      notes.invalidValues = 'prices or sizes <= 0 or not finite';
    }
    const checks: DataQualityCheckResult[] = DATA_QUALITY_CHECKS.map((check) => {
      const option = o[check];
      const calendarCheck = check === 'gaps' || check === 'offCalendar';
      const applies = this.dataType !== 'trades' || TRADE_CHECKS.has(check);
      const enabled = applies && option !== false && (!calendarCheck || calendarRuns);
      const note = !applies ? 'not applicable to trades' : option === false ? 'left out by the options' : calendarCheck && !calendarRuns ? (this.calendarNote ?? 'not run: no bars') : notes[check];
      const f = st.findings[check];
      return { check, title: (this.dataType === 'trades' ? TRADE_TITLES[check] : undefined) ?? TITLES[check], severity: option === false ? 'info' : option.severity, enabled, count: f.count, examples: f.examples, note };
    });
    const status = checks.reduce<DataQualitySeverity | 'ok'>((w, c) => (c.enabled && c.count > 0 && RANK[c.severity] > RANK[w] ? c.severity : w), 'ok');
    return {
      instrumentId: st.instrumentId,
      bars: st.bars,
      firstTs: st.firstTs,
      lastTs: st.lastTs,
      ...(calendarRuns ? { expectedBars: st.onCalendar + st.missing, missingBars: st.missing } : {}),
      status,
      checks,
    };
  }
}

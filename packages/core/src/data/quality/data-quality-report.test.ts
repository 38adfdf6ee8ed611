import { describe, expect, it } from 'vitest';
import { StateError, ValidationError } from '../../errors';
import { dataQualityReport } from './data-quality-report';
import { DataQualityScanner, type QualityBar } from './data-quality-scanner';
import type { DataQualityOptions } from './data-quality-options';
import type { DataQualityReport } from './data-quality-types';

const MINUTE = 60_000;
const T0 = Date.UTC(2024, 0, 1);
const at = (i: number): number => T0 + i * MINUTE;
const iso = (ts: number): string => (Number.isFinite(ts) ? new Date(ts).toISOString().slice(11, 16) : String(ts));

/** A deterministic uniform generator (mulberry32), so that the clean series is the same on every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A clean minute series: log returns uniform in [-1%, 1%] and volumes uniform in [900, 1100]. Both are
 * bounded, so no return can be 5 robust deviations out (a uniform's MAD is half its half-width: the
 * largest return is about 1.35 robust deviations), no close repeats and no volume spikes.
 * `ret(i, r)` and `vol(i, v)` let a test change one bar's return or volume.
 */
function series(n: number, edit: { ret?: (i: number, r: number) => number; vol?: (i: number, v: number) => number; id?: string } = {}): QualityBar[] {
  const u = random(7);
  const bars: QualityBar[] = [];
  let close = 100;
  for (let i = 0; i < n; i++) {
    const r = (edit.ret ?? ((_, x) => x))(i, (u() * 2 - 1) * 0.01);
    const open = close;
    close = i === 0 ? 100 : close * Math.exp(r);
    const volume = (edit.vol ?? ((_, v) => v))(i, 900 + 200 * u());
    bars.push({ instrumentId: edit.id ?? 'BTC/USDT.BINANCE', ts: at(i), open, high: Math.max(open, close) * 1.001, low: Math.min(open, close) * 0.999, close, volume });
  }
  return bars;
}

/** The checks that found something, with the times (HH:MM) of their findings. */
function findings(report: DataQualityReport, instrument = 0): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const c of report.instruments[instrument]!.checks) if (c.count > 0) out[c.check] = c.examples.map((e) => (e.endTs !== undefined ? `${iso(e.ts)}-${iso(e.endTs)}` : iso(e.ts)));
  return out;
}

const minute: DataQualityOptions = { intervalMs: MINUTE };

describe('dataQualityReport', () => {
  it('finds nothing in a clean series, and every check ran', () => {
    const r = dataQualityReport(series(300), minute);
    expect(findings(r)).toEqual({});
    expect(r.status).toBe('ok');
    const i = r.instruments[0]!;
    expect([i.bars, i.expectedBars, i.missingBars, i.firstTs, i.lastTs]).toEqual([300, 300, 0, at(0), at(299)]);
    expect(i.checks.every((c) => c.enabled)).toBe(true);
    expect(i.checks.map((c) => c.check)).toEqual(['outOfOrder', 'duplicates', 'invalidValues', 'ohlcInconsistent', 'gaps', 'offCalendar', 'priceJumps', 'stalePrices', 'zeroVolume', 'volumeSpikes']);
  });

  it('finds a gap of missing bars where they were removed, with its first and last missing time', () => {
    const bars = series(300).filter((_, i) => i !== 100 && i !== 101);
    const r = dataQualityReport(bars, minute);
    expect(findings(r)).toEqual({ gaps: ['01:40-01:41'] });
    const gap = r.instruments[0]!.checks.find((c) => c.check === 'gaps')!;
    expect(gap.examples[0]).toMatchObject({ ts: at(100), endTs: at(101), bars: 2, values: { missing: 2 } });
    expect(gap.severity).toBe('warning');
    expect(r.instruments[0]!.missingBars).toBe(2);
    expect(r.instruments[0]!.expectedBars).toBe(300);
    expect(r.status).toBe('warning');
  });

  it('finds missing bars before the first and after the last bar when start and end are given', () => {
    const bars = series(300).slice(10, 290);
    const r = dataQualityReport(bars, { ...minute, start: at(0), end: at(300) });
    expect(findings(r)).toEqual({ gaps: ['00:00-00:09', '04:50-04:59'] });
    expect(r.instruments[0]!.expectedBars).toBe(300);
  });

  it('finds a bar off the interval grid', () => {
    const bars = series(300);
    bars.splice(150, 0, { ...bars[149]!, ts: at(149) + 30_000 });
    expect(findings(dataQualityReport(bars, minute))).toEqual({ offCalendar: ['02:29'] });
  });

  it('reports a repeated time as a duplicate, saying whether its prices differ, and leaves it out of the other checks', () => {
    const bars = series(300);
    bars.splice(51, 0, { ...bars[50]! });
    // Bar 200 is at index 201 now; a second bar at its time with another close follows it.
    bars.splice(202, 0, { ...bars[201]!, close: bars[201]!.close * 1.0001 });
    const r = dataQualityReport(bars, minute);
    expect(findings(r)).toEqual({ duplicates: ['00:50', '03:20'] });
    const d = r.instruments[0]!.checks.find((c) => c.check === 'duplicates')!;
    expect(d.examples[0]!.detail).toContain('with the same prices');
    expect(d.examples[1]!.detail).toContain('with other prices');
    expect(r.instruments[0]!.bars).toBe(302);
    expect(r.status).toBe('error');
  });

  it('reports a bar earlier than the one before it, and the time it left empty as a gap', () => {
    const bars = series(300);
    [bars[120], bars[121]] = [bars[121]!, bars[120]!];
    expect(findings(dataQualityReport(bars, minute))).toEqual({ gaps: ['02:00-02:00'], outOfOrder: ['02:00'] });
  });

  it('finds invalid prices and volumes, and leaves an invalid price out of the returns', () => {
    const bars = series(300);
    bars[60] = { ...bars[60]!, close: 0 };
    bars[61] = { ...bars[61]!, volume: -5 };
    bars[62] = { ...bars[62]!, high: NaN };
    const r = dataQualityReport(bars, minute);
    expect(findings(r)).toEqual({ invalidValues: ['01:00', '01:01', '01:02'] });
    expect(r.instruments[0]!.checks.find((c) => c.check === 'invalidValues')!.examples.map((e) => e.detail)).toEqual([
      'close 0 at 2024-01-01 01:00Z',
      'volume -5 at 2024-01-01 01:01Z',
      'high NaN at 2024-01-01 01:02Z',
    ]);
  });

  it('reports a bar whose time is not a number as invalid and leaves it out, so the gaps after it are still found', () => {
    const bars = series(300).filter((_, i) => i !== 201);
    bars[150] = { ...bars[150]!, ts: NaN };
    const r = dataQualityReport(bars, minute);
    expect(r.instruments[0]!.checks.find((c) => c.check === 'invalidValues')!.examples.map((e) => e.detail)).toEqual([`time NaN (close ${bars[150]!.close.toLocaleString('en-US', { maximumFractionDigits: 6 })}); left out`]);
    expect(findings(r)).toEqual({ invalidValues: ['NaN'], gaps: ['02:30-02:30', '03:21-03:21'] });
  });

  it('finds high below low, and open or close outside the range', () => {
    const bars = series(300);
    bars[70] = { ...bars[70]!, high: bars[70]!.low * 0.99 };
    bars[71] = { ...bars[71]!, open: bars[71]!.high * 1.01 };
    bars[72] = { ...bars[72]!, close: bars[72]!.low * 0.999 };
    expect(findings(dataQualityReport(bars, minute))).toEqual({ ohlcInconsistent: ['01:10', '01:11', '01:12'] });
  });

  it('finds a jump in the close once the window is full, and none during its warm-up', () => {
    // A 6% return at bar 20 (the window of 50 returns is not full yet) and at bar 200: about 8 robust deviations.
    const r = dataQualityReport(series(300, { ret: (i, x) => (i === 20 || i === 200 ? 0.06 : x) }), minute);
    expect(findings(r)).toEqual({ priceJumps: ['03:20'] });
    const jump = r.instruments[0]!.checks.find((c) => c.check === 'priceJumps')!.examples[0]!;
    expect(jump.values.logReturn).toBeCloseTo(0.06, 12);
    expect(jump.values.deviations).toBeGreaterThan(5);
    // A smaller threshold, a shorter window: the early jump is judged too.
    expect(findings(dataQualityReport(series(300, { ret: (i, x) => (i === 20 || i === 200 ? 0.06 : x) }), { ...minute, priceJumps: { window: 15 } }))).toEqual({ priceJumps: ['00:20', '03:20'] });
    expect(findings(dataQualityReport(series(300, { ret: (i, x) => (i === 20 || i === 200 ? 0.06 : x) }), { ...minute, priceJumps: { k: 20 } }))).toEqual({});
  });

  it('finds a run of unchanged closes of at least minBars bars, and not a shorter one', () => {
    // Returns of 0 at bars 31-35 (the close of bar 30 repeats five times: a run of 6 bars) and 101-103 (4 bars).
    const flat = (i: number, x: number): number => ((i >= 31 && i <= 35) || (i >= 101 && i <= 103) ? 0 : x);
    const r = dataQualityReport(series(300, { ret: flat }), minute);
    expect(findings(r)).toEqual({ stalePrices: ['00:30-00:35'] });
    expect(r.instruments[0]!.checks.find((c) => c.check === 'stalePrices')!.examples[0]!.bars).toBe(6);
    expect(findings(dataQualityReport(series(300, { ret: flat }), { ...minute, stalePrices: { minBars: 4 } }))).toEqual({ stalePrices: ['00:30-00:35', '01:40-01:43'] });
    // A run that lasts to the last bar is reported too.
    expect(findings(dataQualityReport(series(300, { ret: (i, x) => (i >= 290 ? 0 : x) }), minute))).toEqual({ stalePrices: ['04:49-04:59'] });
  });

  it('compares open, high and low too with field ohlc', () => {
    // Returns of 0 at bars 31-35: bar 30 opened elsewhere, so its open differs; bars 31-35 are the same OHLC (5 bars).
    const bars = series(300, { ret: (i, x) => (i >= 31 && i <= 35 ? 0 : x) });
    expect(findings(dataQualityReport(bars, { ...minute, stalePrices: { field: 'ohlc' } }))).toEqual({ stalePrices: ['00:31-00:35'] });
    // A different high in the middle breaks the OHLC run into two short ones; the close alone still repeats.
    bars[33] = { ...bars[33]!, high: bars[33]!.high * 1.0001 };
    expect(findings(dataQualityReport(bars, { ...minute, stalePrices: { field: 'ohlc' } }))).toEqual({});
    expect(findings(dataQualityReport(bars, minute))).toEqual({ stalePrices: ['00:30-00:35'] });
  });

  it('finds runs of zero volume', () => {
    const r = dataQualityReport(series(300, { vol: (i, v) => (i >= 80 && i <= 82) || i === 150 ? 0 : v }), minute);
    expect(findings(r)).toEqual({ zeroVolume: ['01:20-01:22', '02:30-02:30'] });
    expect(r.instruments[0]!.checks.find((c) => c.check === 'zeroVolume')!.severity).toBe('info');
    expect(findings(dataQualityReport(series(300, { vol: (i, v) => (i >= 80 && i <= 82) || i === 150 ? 0 : v }), { ...minute, zeroVolume: { minBars: 2 } }))).toEqual({ zeroVolume: ['01:20-01:22'] });
  });

  it('finds a volume spike once the window is full, and not a drop', () => {
    const r = dataQualityReport(series(300, { vol: (i, v) => (i === 30 || i === 120 ? 50_000 : i === 220 ? 10 : v) }), minute);
    expect(findings(r)).toEqual({ volumeSpikes: ['02:00'] });
    const spike = r.instruments[0]!.checks.find((c) => c.check === 'volumeSpikes')!.examples[0]!;
    expect(spike.values.volume).toBe(50_000);
    expect(spike.detail).toMatch(/^volume 50,000 at 2024-01-01 02:00Z is \d+(\.\d)?x the window's median /);
  });

  it('leaves out a check set to false, and keeps a severity given', () => {
    const bars = series(300).filter((_, i) => i !== 100);
    const r = dataQualityReport(bars, { ...minute, gaps: false, offCalendar: { severity: 'error' } });
    const gaps = r.instruments[0]!.checks.find((c) => c.check === 'gaps')!;
    expect([gaps.enabled, gaps.note]).toEqual([false, 'left out by the options']);
    expect(r.status).toBe('ok');
    expect(r.instruments[0]!.missingBars).toBe(1); // still counted: the expected bars are what the calendar says
    expect(dataQualityReport(series(10), { ...minute, invalidValues: { severity: 'warning' } }).instruments[0]!.checks.find((c) => c.check === 'invalidValues')!.severity).toBe('warning');
  });

  it('counts every finding but keeps only maxExamples of them', () => {
    const r = dataQualityReport(series(300, { vol: (i, v) => (i % 10 === 0 ? 0 : v) }), { ...minute, maxExamples: 3 });
    const z = r.instruments[0]!.checks.find((c) => c.check === 'zeroVolume')!;
    expect([z.count, z.examples.length]).toEqual([30, 3]);
    expect(z.examples.map((e) => iso(e.ts))).toEqual(['00:00', '00:10', '00:20']);
  });

  it('checks interleaved instruments each on its own', () => {
    const a = series(200, { id: 'A' });
    const b = series(200, { id: 'B', vol: (i, v) => (i === 60 ? 0 : v) }).filter((_, i) => i !== 40);
    const mixed = [...a, ...b].sort((x, y) => x.ts - y.ts);
    const r = dataQualityReport(mixed, minute);
    expect(r.instruments.map((i) => i.instrumentId)).toEqual(['A', 'B']);
    expect(findings(r, 0)).toEqual({});
    expect(findings(r, 1)).toEqual({ gaps: ['00:40-00:40'], zeroVolume: ['01:00-01:00'] });
  });

  it('infers the interval as the most frequent spacing, and says so', () => {
    const bars = series(300).filter((_, i) => i % 7 !== 3); // spacings of 1 and 2 minutes
    const r = dataQualityReport(bars, {});
    expect(r.intervalMs).toBe(MINUTE);
    expect(r.interval).toBe('1m, inferred: the most frequent spacing of consecutive bars (213 of the 256 spacings among the first 257 bars)');
    expect(r.instruments[0]!.checks.find((c) => c.check === 'gaps')!.count).toBe(43);
    // Bars held for the inference are checked like the rest: the same findings as with the interval given.
    expect(findings(dataQualityReport(bars, { inferFrom: 5 }))).toEqual(findings(dataQualityReport(bars, minute)));
    // A tie goes to the smaller spacing.
    expect(dataQualityReport([0, 1, 3, 4, 6].map((i) => ({ ...series(1)[0]!, ts: at(i) })), {}).intervalMs).toBe(MINUTE);
  });

  it('runs no calendar check when the interval cannot be inferred, and says why', () => {
    const r = dataQualityReport(series(1), {});
    expect(r.intervalMs).toBeUndefined();
    const gaps = r.instruments[0]!.checks.find((c) => c.check === 'gaps')!;
    expect([gaps.enabled, gaps.note]).toEqual([false, 'not run: the bar interval is unknown (pass intervalMs)']);
    expect(r.instruments[0]!.expectedBars).toBeUndefined();
    expect(dataQualityReport([], {}).instruments).toEqual([]);
    expect(dataQualityReport([], {}).status).toBe('ok');
  });

  it('checks 30-minute bars against New York sessions with a holiday and an early close', () => {
    const calendar = { type: 'session', timeZone: 'America/New_York', open: '09:30', close: '16:00', holidays: ['2024-03-29'], earlyCloses: { '2024-03-28': '13:00' } } as const;
    // Thursday 28 March (early close: 09:30-12:30 New York, 13:30-16:30 UTC) and Monday 1 April (13:30-19:30 UTC).
    const ts = [...Array.from({ length: 7 }, (_, k) => Date.UTC(2024, 2, 28, 13, 30) + k * 1_800_000), ...Array.from({ length: 13 }, (_, k) => Date.UTC(2024, 3, 1, 13, 30) + k * 1_800_000)];
    const bars = (times: number[]): QualityBar[] => times.map((t, i) => ({ ...series(30)[i]!, ts: t }));
    expect(findings(dataQualityReport(bars(ts), { intervalMs: 1_800_000, calendar }))).toEqual({});
    expect(dataQualityReport(bars(ts), { calendar }).instruments[0]!.expectedBars).toBe(20);
    // Thursday's last bar and Monday's first missing: one gap over the holiday and the weekend, of two bars.
    const holed = dataQualityReport(bars(ts.filter((_, i) => i !== 6 && i !== 7)), { intervalMs: 1_800_000, calendar });
    expect(holed.instruments[0]!.checks.find((c) => c.check === 'gaps')!.examples.map((e) => e.detail)).toEqual([
      '2 bars missing from 2024-03-28 16:30Z to 2024-04-01 13:30Z, between the bars at 2024-03-28 16:00Z and 2024-04-01 14:00Z',
    ]);
    // Bars on the holiday, on Saturday and after the early close are off the calendar, each with its reason.
    const extra = [Date.UTC(2024, 2, 28, 17, 0), Date.UTC(2024, 2, 29, 14, 0), Date.UTC(2024, 2, 30, 14, 0)];
    const off = dataQualityReport(bars([...ts.slice(0, 7), ...extra, ...ts.slice(7)]), { intervalMs: 1_800_000, calendar });
    expect(off.instruments[0]!.checks.find((c) => c.check === 'offCalendar')!.examples.map((e) => e.detail)).toEqual([
      'a bar at 2024-03-28 17:00Z: after the early close',
      'a bar at 2024-03-29 14:00Z: a holiday',
      'a bar at 2024-03-30 14:00Z: a Saturday, not a trading day',
    ]);
    expect(findings(off)).toEqual({ offCalendar: ['17:00', '14:00', '14:00'] });
    expect(off.calendar).toBe('sessions 09:30-16:00 America/New_York on Mon Tue Wed Thu Fri, 1 holiday, 1 early close; a bar every 30m');
  });

  it('names the bad option in its errors', () => {
    const fails = (options: unknown): string => {
      try {
        dataQualityReport([], options as DataQualityOptions);
      } catch (e) {
        expect(e).toBeInstanceOf(ValidationError);
        return (e as Error).message;
      }
      throw new Error('no error');
    };
    expect(fails({ priceJump: { k: 3 } })).toBe('dataQuality.priceJump: unknown option; did you mean "priceJumps"?');
    expect(fails({ priceJumps: { k: 0 } })).toContain('dataQuality.priceJumps.k');
    expect(fails({ stalePrices: { minBar: 3 } })).toBe('dataQuality.stalePrices.minBar: unknown option; did you mean "minBars"?');
    expect(fails({ calendar: { type: 'session', timeZone: 'America/New_Yrok', open: '09:30', close: '16:00' } })).toBe(
      'dataQuality.calendar.timeZone: must be an IANA time zone the JavaScript engine knows, such as America/New_York',
    );
    expect(fails({ calendar: { type: 'session', timeZone: 'UTC', open: '09:30', close: '09:00' } })).toBe('dataQuality.calendar.close: must be after open (09:30); sessions that cross midnight are not supported');
    expect(fails({ calendar: { type: 'session', timeZone: 'UTC', open: '9:30', close: '16:00' } })).toBe('dataQuality.calendar.open: must be a time of day as HH:MM (24-hour)');
    expect(fails({ calendar: { type: 'session', timeZone: 'UTC', open: '09:30', close: '16:00', holidays: ['2024-02-30'] } })).toBe('dataQuality.calendar.holidays[0]: must be a calendar date as YYYY-MM-DD');
    expect(fails({ calendar: { type: 'session', timeZone: 'UTC', open: '09:30', close: '16:00', earlyCloses: { '2024-12-24': '08:00' } } })).toContain('dataQuality.calendar.earlyCloses.2024-12-24: must be after open (09:30), got 08:00');
    expect(fails({ calendar: { type: 'session', timeZone: 'UTC', open: '09:30', close: '16:00' }, intervalMs: 7 * 86_400_000 })).toBe('dataQuality.intervalMs: a session calendar expects bars of at most a day (86400000 ms), got 604800000');
    expect(fails({ calendar: { type: 'weekly' } })).toContain('dataQuality.calendar.type');
    expect(fails({ start: 10, end: 5 })).toBe('dataQuality.end: must be after start (10), got 5');
  });

  it('reads one bar at a time, and refuses bars after its report', () => {
    const scanner = new DataQualityScanner(minute);
    for (const bar of series(100)) scanner.push(bar);
    const report = scanner.report();
    expect(scanner.report()).toBe(report);
    expect(() => scanner.push(series(1)[0]!)).toThrow(StateError);
  });
});

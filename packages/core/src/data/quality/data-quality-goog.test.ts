/**
 * The quality report over real data: GOOG daily bars, 2004-08-19 to 2008-10-14 (1,047 bars, dates at
 * 00:00 UTC). The price-jump and volume-spike findings are checked against
 * `__fixtures__/goog-quality-reference.json`, computed by `goog-quality-reference.py` with Python's
 * standard library (every window's median and MAD recomputed from scratch).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseBarsCsv } from '../bars-csv';
import { instrumentId } from '../../domain/ids';
import { dataQualityReport } from './data-quality-report';
import { formatDataQualityReport } from './format-data-quality-report';

const DAY = 86_400_000;
const csv = readFileSync(fileURLToPath(new URL('../../../../../examples/sma-crossover/fixtures/goog.csv', import.meta.url)), 'utf8');
const { bars } = parseBarsCsv(csv, { instrumentId: instrumentId('GOOG.NASDAQ') });
const reference = JSON.parse(readFileSync(fileURLToPath(new URL('./__fixtures__/goog-quality-reference.json', import.meta.url)), 'utf8')) as {
  jumps: Array<{ date: string; previousClose: number; close: number; logReturn: number; median: number; sigma: number; deviations: number }>;
  volumeSpikes: Array<{ date: string; volume: number; median: number; sigma: number; deviations: number }>;
};
const date = (ts: number): string => new Date(ts).toISOString().slice(0, 10);

/**
 * The NYSE's regular holidays over the span of the file (New Year's Day, Martin Luther King Jr. Day,
 * Washington's Birthday, Good Friday, Memorial Day, Independence Day, Labor Day, Thanksgiving,
 * Christmas; observed on the Friday or Monday when they fall on a weekend, except that New Year's Day
 * 2005, a Saturday, was not observed on Friday 31 December 2004).
 */
const NYSE_HOLIDAYS = [
  '2004-09-06', '2004-11-25', '2004-12-24',
  '2005-01-17', '2005-02-21', '2005-03-25', '2005-05-30', '2005-07-04', '2005-09-05', '2005-11-24', '2005-12-26',
  '2006-01-02', '2006-01-16', '2006-02-20', '2006-04-14', '2006-05-29', '2006-07-04', '2006-09-04', '2006-11-23', '2006-12-25',
  '2007-01-01', '2007-01-15', '2007-02-19', '2007-04-06', '2007-05-28', '2007-07-04', '2007-09-03', '2007-11-22', '2007-12-25',
  '2008-01-01', '2008-01-21', '2008-02-18', '2008-03-21', '2008-05-26', '2008-07-04', '2008-09-01',
];
const nyse = { type: 'session', timeZone: 'America/New_York', open: '09:30', close: '16:00' } as const;
const check = (r: ReturnType<typeof dataQualityReport>, name: string) => r.instruments[0]!.checks.find((c) => c.check === name)!;

describe('dataQualityReport over GOOG daily bars', () => {
  it('finds weekends and holidays as gaps on a 24/7 calendar: every calendar day without a bar', () => {
    const r = dataQualityReport(bars, { maxExamples: 0 });
    expect(r.intervalMs).toBe(DAY); // inferred: most spacings are one day
    const calendarDays = (bars.at(-1)!.ts - bars[0]!.ts) / DAY + 1;
    expect(r.instruments[0]!.missingBars).toBe(calendarDays - bars.length); // 471
    expect(r.instruments[0]!.missingBars).toBe(471);
  });

  it('on weekday sessions without holidays, finds exactly the NYSE holidays as gaps, and the national day of mourning for President Ford', () => {
    const r = dataQualityReport(bars, { calendar: nyse, maxExamples: 100 });
    const missing = check(r, 'gaps').examples.flatMap((e) => Array.from({ length: e.bars! }, (_, k) => date(e.ts + k * DAY)).filter((d) => ![0, 6].includes(new Date(`${d}T00:00:00Z`).getUTCDay())));
    // 2007-01-01 and 2007-01-02 are one gap of two days: the markets also closed on 2 January 2007 for President Ford's funeral.
    expect(missing).toEqual([...NYSE_HOLIDAYS.slice(0, 21), '2007-01-02', ...NYSE_HOLIDAYS.slice(21)]);
    expect(check(r, 'gaps').count).toBe(36);
    expect(check(r, 'offCalendar').count).toBe(0);
  });

  it('with the holiday list, finds only the special closure of 2 January 2007 missing', () => {
    const r = dataQualityReport(bars, { calendar: { ...nyse, holidays: NYSE_HOLIDAYS } });
    expect(check(r, 'gaps').examples.map((e) => e.detail)).toEqual(['1 bar missing at 2007-01-02, between the bars at 2006-12-29 and 2007-01-03']);
    expect(r.instruments[0]!.expectedBars).toBe(1048);
    // Listing it as a holiday too leaves nothing missing, and no bar falls on a holiday.
    const full = dataQualityReport(bars, { calendar: { ...nyse, holidays: [...NYSE_HOLIDAYS, '2007-01-02'] } });
    expect([full.instruments[0]!.missingBars, check(full, 'offCalendar').count, full.instruments[0]!.expectedBars]).toEqual([0, 0, 1047]);
  });

  it('finds the price jumps and the volume spike the independent reference finds, with the same figures', () => {
    const r = dataQualityReport(bars, { calendar: { ...nyse, holidays: [...NYSE_HOLIDAYS, '2007-01-02'] }, maxExamples: 100 });
    const jumps = check(r, 'priceJumps').examples;
    // Earnings days (2005-10-21, 2006-10-20, 2007-07-20, 2008-04-18, 2008-07-18), the fall of 2006-01-20
    // (with the file's one volume spike), and the crash and rebound of 2008-09-29 and 2008-10-13.
    expect(jumps.map((e) => date(e.ts))).toEqual(reference.jumps.map((j) => j.date));
    jumps.forEach((e, i) => {
      const ref = reference.jumps[i]!;
      expect(e.values.previousClose).toBe(ref.previousClose);
      expect(e.values.close).toBe(ref.close);
      for (const k of ['logReturn', 'median', 'sigma', 'deviations'] as const) expect(Math.abs(e.values[k]! - ref[k]) / Math.abs(ref[k])).toBeLessThan(1e-12);
    });
    const spikes = check(r, 'volumeSpikes').examples;
    expect(spikes.map((e) => date(e.ts))).toEqual(reference.volumeSpikes.map((s) => s.date));
    expect(spikes[0]!.values.volume).toBe(reference.volumeSpikes[0]!.volume);
    expect(Math.abs(spikes[0]!.values.deviations! - reference.volumeSpikes[0]!.deviations)).toBeLessThan(1e-9);
    // The file is otherwise sound: no bad values, no repeated closes, no zero volumes.
    expect(r.instruments[0]!.checks.filter((c) => c.count > 0).map((c) => c.check)).toEqual(['priceJumps', 'volumeSpikes']);
    expect(r.status).toBe('warning');
  });

  it('formats the report as text', () => {
    // Consecutive weekdays are a day apart; Fridays to Mondays and holidays are not.
    const oneDay = bars.slice(0, 1000).filter((b, i) => i > 0 && b.ts - bars[i - 1]!.ts === DAY).length;
    expect(oneDay).toBe(784);
    const text = formatDataQualityReport(dataQualityReport(bars, { calendar: { ...nyse, holidays: NYSE_HOLIDAYS }, maxExamples: 2 }));
    expect(text.split('\n').slice(0, 12)).toEqual([
      'Data quality: warning',
      'Calendar: sessions 09:30-16:00 America/New_York on Mon Tue Wed Thu Fri, 36 holidays; one bar a session, stamped at the date\'s 00:00 UTC',
      `Interval: 1d, inferred: the most frequent spacing of consecutive bars (${oneDay} of the 999 spacings among the first 1,000 bars)`,
      '',
      'GOOG.NASDAQ: 1,047 bars, 2004-08-19 to 2008-10-14; 1,048 expected, 1 missing; warning',
      '  ok      Out-of-order bars: none (bars earlier than a bar before them)',
      '  ok      Duplicate timestamps: none (bars at the time of the bar before them)',
      '  ok      Invalid prices or volumes: none (prices <= 0 or not finite, volumes < 0 or not finite)',
      '  ok      Inconsistent OHLC: none (high < low, or open or close outside [low, high])',
      '  warning Gaps: 1 (expected bar times with no bar: 1 in all)',
      '            1 bar missing at 2007-01-02, between the bars at 2006-12-29 and 2007-01-03',
      '  ok      Bars off the calendar: none (bars at times the calendar does not expect)',
    ]);
    expect(text).toContain('  warning Price jumps: 9 (|log return - median| > 5 x 1.4826 x MAD of the previous 50 log returns of the close)\n            close 339.9 after 303.2 at 2005-10-21: log return 0.1143 is 8.3 robust deviations from the window\'s median 0.0001\n');
    expect(text).toContain('            … and 7 more');
  });
});

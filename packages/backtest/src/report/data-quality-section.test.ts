import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { dataQualityReport, instrumentId, tradeDataQualityReport, parseBarsCsv, ValidationError, type Bar, type DataQualityReport } from '@rxtrade/core';
import { dataQualitySection } from './data-quality-section';
import { renderReport } from './render-report';
import type { ReportableResult } from './report-input';

const fixtures = fileURLToPath(new URL('../search/__fixtures__/', import.meta.url));
const bars = parseBarsCsv(readFileSync(`${fixtures}goog.csv`, 'utf8'), { instrumentId: instrumentId('GOOG.NASDAQ') }).bars;
const nyse = { type: 'session', timeZone: 'America/New_York', open: '09:30', close: '16:00' } as const;
// Weekday sessions without a holiday list: every NYSE holiday of the file is a gap (36), and the prices have 9 jumps and 1 volume spike.
const quality = dataQualityReport(bars, { calendar: nyse, maxExamples: 5 });

const result: ReportableResult = {
  summary: { fills: 0, orders: 0, startingCash: '100.34', finalEquity: String(bars.at(-1)!.close), totalFees: '0', totalReturn: 0, maxDrawdown: 0 },
  fills: [],
  equityCurve: { ts: bars.map((b) => b.ts), equity: bars.map((b) => b.close) },
};
const text = (html: string): string => html.replace(/<script[\s\S]*?<\/script>/g, '').replace(/<style[\s\S]*?<\/style>/g, '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ')
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&');
const section = (html: string): string => /<section class="card" id="data-quality">[\s\S]*?<\/section>/.exec(html)?.[0] ?? '';
const rowsOf = (html: string, check: string): number => {
  const m = new RegExp(`<h4 data-check="${check}">[\\s\\S]*?<tbody>([\\s\\S]*?)</tbody>`).exec(html);
  return m ? (m[1]!.match(/<tr>/g) ?? []).length : -1;
};

describe('the data-quality section', () => {
  it('shows every check of each instrument, and a table of the first findings of each check that found something', () => {
    const html = section(renderReport({ ...result, dataQuality: quality }));
    const t = text(html);
    expect(t).toContain('Data quality warning');
    expect(t).toContain(`Calendar: ${quality.calendar}`);
    expect(t).toContain('GOOG.NASDAQ warning 1,047 bars, 2004-08-19 to 2008-10-14; 1,084 expected, 37 missing');
    expect((html.match(/<tr data-check=/g) ?? []).length).toBe(10);
    expect(t).toContain('Gaps warning 36 expected bar times with no bar: 37 in all');
    expect(t).toContain('Duplicate timestamps ok 0');
    expect(t).toContain('Volume spikes info 1');
    // Tables only for the checks with findings, each with the findings kept.
    expect([...html.matchAll(/<h4 data-check="(\w+)">/g)].map((m) => m[1])).toEqual(['gaps', 'priceJumps', 'volumeSpikes']);
    expect([rowsOf(html, 'gaps'), rowsOf(html, 'priceJumps'), rowsOf(html, 'volumeSpikes')]).toEqual([5, 5, 1]);
    expect(t).toContain('Gaps warning first 5 of 36');
    expect(t).toContain('2004-09-06 2004-09-06 1 1 bar missing at 2004-09-06, between the bars at 2004-09-03 and 2004-09-07');
    // The figures of a finding, each in its column: the 2005-10-21 jump.
    const jump = quality.instruments[0]!.checks.find((c) => c.check === 'priceJumps')!.examples[0]!;
    expect(t).toContain(`2005-10-21 303.2 339.9 ${Number(jump.values.logReturn!.toPrecision(6))} ${Number(jump.values.median!.toPrecision(6))}`);
  });

  it('sits after the run settings and before the equity chart, and is absent without a data-quality report', () => {
    const html = renderReport({ ...result, dataQuality: quality });
    const at = html.indexOf('id="data-quality"');
    expect(at).toBeGreaterThan(html.indexOf('Run settings'));
    expect(at).toBeLessThan(html.indexOf('<h2>Equity'));
    expect(renderReport(result)).not.toContain('id="data-quality"');
  });

  it('renders the JSON form of the report the same way', () => {
    const fromJson = JSON.parse(JSON.stringify(quality)) as DataQualityReport;
    expect(dataQualitySection(fromJson)).toBe(dataQualitySection(quality));
    const empty = JSON.parse(JSON.stringify(dataQualityReport([], {}))) as DataQualityReport;
    expect(text(dataQualitySection(empty))).toContain('No bars were checked.');
  });

  it('takes the input\'s report for several runs, else the primary run\'s, named', () => {
    const runs = [
      { name: 'a', result },
      { name: 'b <i>', result: { ...result, dataQuality: quality } },
    ];
    expect(section(renderReport({ runs }))).toBe('');
    const own = section(renderReport({ runs }, { primary: 1 }));
    expect(own).toContain('<span class="note">b &lt;i&gt;</span>');
    const given = section(renderReport({ runs, dataQuality: quality }, { primary: 1 }));
    expect(given).not.toContain('b &lt;i&gt;');
  });

  it('shows a trades report without a calendar, the checks that do not apply to trades marked not run', () => {
    const trades = bars.slice(0, 80).map((b, i) => ({ instrumentId: 'GOOG.NASDAQ', ts: b.ts, price: b.close, size: 100, tradeId: String(i % 70) }));
    const t = text(dataQualitySection(tradeDataQualityReport(trades)));
    expect(t).not.toContain('Calendar:');
    // Trades 70 to 79 repeat the ids of trades 0 to 9: left out, so the last trade kept is trade 69's.
    expect(t).toContain(`GOOG.NASDAQ error 80 trades, 2004-08-19 to ${new Date(bars[69]!.ts).toISOString().slice(0, 10)}`);
    expect(t).toContain("Repeated trade ids error 10 trade ids seen among the instrument's last 4,096 trades");
    expect(t).toContain('Gaps not run — not applicable to trades');
  });

  it('escapes every text it writes', () => {
    const bad: Bar[] = bars.slice(0, 60).map((b) => ({ ...b, instrumentId: instrumentId('<img src=x onerror=alert(1)>') }));
    const html = dataQualitySection(dataQualityReport(bad, {}));
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain('<img');
  });

  it('names the field of a value that is not a report', () => {
    expect(() => renderReport({ ...result, dataQuality: { status: 'ok' } as unknown as DataQualityReport })).toThrow(ValidationError);
    expect(() => dataQualitySection({} as DataQualityReport)).toThrow('input.dataQuality.instruments: must be an array: pass the report dataQualityReport() returns');
  });
});

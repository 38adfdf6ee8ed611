/**
 * `rxtrade data quality`: the data-quality report of bars in the catalog (core's `DataQualityScanner`:
 * out-of-order and duplicate bars, invalid values, inconsistent OHLC, gaps against a calendar, price
 * jumps, stale prices, zero volume, volume spikes), as text, JSON, or a standalone HTML page.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import {
  DataQualityOptionsSchema,
  DataQualityScanner,
  formatDataQualityReport,
  MARKET_DATA_CHUNKS,
  parseWith,
  ValidationError,
  type DataQualityOptions,
  type DataQualityReport,
  type InstrumentId,
} from '@rxtrade/core';
import { timeframeMs } from '../ccxt/ccxt-data-client';
import { defineDataCommand, type DataCliArgv, type DataCliOptions } from './data-command';
import { commonFlags, iso, parseRange, rangeFlags, resolvePath, withCatalog } from './data-flags';
import { DataUsageError, println, type DataCliIo } from './data-io';
import { DataProgress } from './data-progress';

const options = {
  instrument: { alias: 'i', type: 'string', requiresArg: true, describe: 'instrument ids, comma-separated (default: every instrument with bars)' },
  ...rangeFlags,
  interval: { type: 'string', requiresArg: true, describe: 'the bar interval: 1m, 1h, 1d, ... or milliseconds (default: inferred from the bars)' },
  options: { type: 'string', requiresArg: true, describe: "JSON file of dataQualityReport's options: calendar (sessions, holidays), thresholds of each check" },
  html: { type: 'string', requiresArg: true, describe: 'also write the report as a standalone HTML page to this file' },
  'fail-on': { type: 'string', requiresArg: true, choices: ['error', 'warning', 'info', 'never'], default: 'never', describe: 'exit with code 1 when the report is at least this severe (for CI)' },
  ...commonFlags,
} as const satisfies DataCliOptions;

const RANK = { ok: 0, info: 1, warning: 2, error: 3, never: 4 } as const;

/**
 * `rxtrade data quality`: checks bars of the catalog.
 *
 * @example
 * ```ts
 * await dataMain(['quality', '--instrument', 'GOOG.NASDAQ', '--options', 'nyse.json', '--html', 'quality.html', '--catalog', 'data/catalog'], dataProcessIo());
 * ```
 */
export const qualityCommand = defineDataCommand({
  name: 'quality',
  summary: 'check bars for gaps, duplicates, bad values, jumps, stale prices and volume anomalies',
  usage: `Usage: $0 quality [--instrument <ids>] [--start <time>] [--end <time>] [--interval <1m|ms>] [--options <file.json>] [--html <file.html>] [--fail-on error|warning|info|never] [--catalog <folder>] [--json]

Reads bars of the catalog (every instrument, or those of --instrument) from --start (included) to --end (excluded) and reports, per instrument and check, how many findings and the first of them. Gaps are counted against a calendar: 24/7 by default, or an exchange's sessions given in the --options file ({"calendar": {"type": "session", "timeZone": "America/New_York", "open": "09:30", "close": "16:00", "holidays": [...]}}); the file holds any option of dataQualityReport, checked strictly. --start and --end also bound the expected bars, so missing bars at either end count as a gap.`,
  options,
  run: quality,
});

async function quality(argv: DataCliArgv<typeof options>, io: DataCliIo): Promise<number> {
  const { start, end } = parseRange(argv);
  const fromFile = argv.options === undefined ? {} : readOptions(resolvePath(io, argv.options));
  const opts: Record<string, unknown> = { ...fromFile };
  if (argv.interval !== undefined) opts['intervalMs'] = intervalOf(argv.interval);
  if (start !== undefined) opts['start'] = start;
  if (end !== undefined) opts['end'] = end;
  // Checked before any bar is read, so that a bad option is named at once. Each instrument gets a scanner
  // of its own: the interval is inferred per report, and instruments of one catalog differ (daily stocks,
  // hourly crypto).
  const scanner = (): DataQualityScanner => {
    try {
      return new DataQualityScanner(opts as DataQualityOptions);
    } catch (e) {
      if (e instanceof ValidationError && argv.options !== undefined) throw new ValidationError([{ path: [], message: e.message.replace(/^dataQuality\./, '') }], { source: basename(argv.options) });
      throw e;
    }
  };
  scanner();
  const htmlOut = argv.html === undefined ? undefined : resolvePath(io, argv.html);
  if (htmlOut !== undefined && !existsSync(dirname(htmlOut))) throw new DataUsageError(`--html: the folder ${dirname(htmlOut)} does not exist`);

  const reports = await withCatalog(io, argv.catalog, { mustExist: true }, async (catalog) => {
    const all = [...new Set(catalog.files({ dataType: 'bars' }).map((f) => f.instrumentId))];
    const named = argv.instrument === undefined ? undefined : [...new Set(argv.instrument.split(',').map((s) => s.trim()).filter((s) => s !== ''))];
    if (named !== undefined) {
      const missing = named.filter((id) => !all.includes(id as InstrumentId));
      if (missing.length > 0) throw new DataUsageError(`--instrument: the catalog holds no bars of ${missing.join(', ')}${all.length > 0 ? ` (it holds ${all.slice(0, 5).join(', ')}${all.length > 5 ? ', ...' : ''})` : ''}`);
    }
    const ids = (named ?? all) as InstrumentId[];
    if (ids.length === 0) throw new DataUsageError('the catalog holds no bars: rxtrade data import or rxtrade data download adds some');
    const out: DataQualityReport[] = [];
    for (const id of ids) {
      const s = scanner();
      const progress = new DataProgress({ label: `quality ${id}`, unit: 'bars', sink: io.stderr });
      try {
        const chunks = catalog.query({ dataType: 'bars', instruments: [id], ...(start !== undefined ? { start } : {}), ...(end !== undefined ? { end } : {}) })[MARKET_DATA_CHUNKS]();
        for (let r = await chunks.next(); !r.done; r = await chunks.next()) {
          for (const bar of r.value) s.push(bar);
          progress.tick(r.value.length);
        }
      } finally {
        progress.done();
      }
      out.push(s.report());
    }
    return out;
  });
  const status = reports.reduce<keyof typeof RANK>((worst, r) => (RANK[r.status] > RANK[worst] ? r.status : worst), 'ok');

  if (htmlOut !== undefined) writeFileSync(htmlOut, qualityPage(reports, { generatedAt: io.clock.now(), range: { start, end } }));
  if (argv.json)
    println(io.stdout, JSON.stringify({ command: 'quality', status, ...(start !== undefined ? { start: iso(start) } : {}), ...(end !== undefined ? { end: iso(end) } : {}), ...(htmlOut ? { html: htmlOut } : {}), reports }));
  else {
    println(io.stdout, reports.map(formatDataQualityReport).join('\n\n'));
    if (htmlOut !== undefined) println(io.stdout, `\nwrote ${htmlOut}`);
  }
  const failOn = argv['fail-on'] as keyof typeof RANK;
  return RANK[status] >= RANK[failOn] ? 1 : 0;
}

/** `--interval` in milliseconds: ccxt's timeframe names (`1m`, `4h`, `1d`, `1w`) or a whole number of ms. */
function intervalOf(text: string): number {
  if (/^\d+$/.test(text)) {
    const ms = Number(text);
    if (ms > 0 && Number.isSafeInteger(ms)) return ms;
  } else {
    try {
      return timeframeMs(text);
    } catch {
      // named below
    }
  }
  throw new DataUsageError(`--interval: ${JSON.stringify(text)} is not an interval: write 1m, 5m, 1h, 1d or milliseconds`);
}

/** The `--options` file: JSON, checked by core's schema with the file's name in front of a bad field. */
function readOptions(path: string): DataQualityOptions {
  const source = basename(path);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ValidationError([{ path: [], message: code === 'ENOENT' ? `cannot read ${path}: no such file` : code !== undefined ? `cannot read ${path}: ${code}` : `not valid JSON: ${(e as Error).message}` }], { source });
  }
  parseWith(DataQualityOptionsSchema, json, undefined, { source });
  return json as DataQualityOptions;
}

const escape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * The reports as one HTML page that needs nothing else (no script, no network): per instrument its
 * calendar and interval, and a table of every check with the first findings of those that found something.
 */
export function qualityPage(reports: readonly DataQualityReport[], about: { generatedAt: number; range: { start: number | undefined; end: number | undefined } }): string {
  const time = (ts: number): string => (Number.isFinite(ts) ? iso(ts).replace('T', ' ').replace(/\.000Z$/, 'Z') : '');
  const status = reports.reduce<keyof typeof RANK>((worst, r) => (RANK[r.status] > RANK[worst] ? r.status : worst), 'ok');
  const sections = reports.flatMap((report) => report.instruments.map((i) => {
    const rows = i.checks
      .map((c) => {
        const tag = !c.enabled ? 'not run' : c.count === 0 ? 'ok' : c.severity;
        const examples = c.examples.map((e) => `<li>${escape(e.detail)}</li>`).join('') + (c.count > c.examples.length ? `<li class="muted">and ${c.count - c.examples.length} more</li>` : '');
        return `<tr><td><span class="tag ${escape(tag.replace(' ', '-'))}">${escape(tag)}</span></td><td>${escape(c.title)}</td><td class="n">${c.enabled ? c.count : ''}</td><td>${escape(c.note)}${examples ? `<ul>${examples}</ul>` : ''}</td></tr>`;
      })
      .join('\n');
    const expected = i.expectedBars !== undefined ? `; ${i.expectedBars} expected, ${i.missingBars ?? 0} missing` : '';
    return `<section><h2>${escape(i.instrumentId)} <span class="tag ${escape(i.status)}">${escape(i.status)}</span></h2>
<p>${i.bars} bars${i.bars > 0 ? `, ${escape(time(i.firstTs))} to ${escape(time(i.lastTs))}` : ''}${escape(expected)}<br>
<span class="muted">Calendar:</span> ${escape(report.calendar)}<br><span class="muted">Interval:</span> ${escape(report.interval)}</p>
<table><thead><tr><th>status</th><th>check</th><th>findings</th><th>what it looked for, first findings</th></tr></thead><tbody>
${rows}
</tbody></table></section>`;
  }));
  const range = about.range.start !== undefined || about.range.end !== undefined ? ` from ${about.range.start !== undefined ? time(about.range.start) : 'the first bar'} to ${about.range.end !== undefined ? time(about.range.end) : 'the last bar'}` : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Data quality: ${escape(status)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1d2330}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #dde1e8;padding:.35rem .5rem;text-align:left;vertical-align:top}
td.n{text-align:right;font-variant-numeric:tabular-nums}ul{margin:.25rem 0 0 1rem;padding:0}.muted{color:#6b7280}
.tag{display:inline-block;border-radius:.25rem;padding:0 .4rem;font-size:.85em;background:#e5e7eb}
.ok{background:#d1fae5}.info{background:#dbeafe}.warning{background:#fef3c7}.error{background:#fee2e2}.not-run{background:#f3f4f6;color:#6b7280}
</style></head>
<body><h1>Data quality: <span class="tag ${escape(status)}">${escape(status)}</span></h1>
<p>Bars${escape(range)}, checked ${escape(time(about.generatedAt))}</p>
${sections.join('\n') || '<p class="muted">No bars.</p>'}
</body></html>
`;
}

/**
 * The report's data-quality section: when the report input carries a data-quality report
 * (`dataQualityReport` from `@rxtrade/core`, or its JSON form), one card with, per instrument, a
 * summary table of every check (severity, findings, what it looked for) and a table of the first
 * findings of each check that found something, with their times and figures. The report is computed
 * by core; this file only lays it out, escaping every text.
 */
import { ValidationError, type DataQualityReport } from '@rxtrade/core';
import { escapeHtml } from './escape-html';
import { formatFigure, humanize } from './format';

/**
 * The data-quality card of a report.
 *
 * @param report a `DataQualityReport`, as `dataQualityReport` returns it or read back from JSON (NaN times as null).
 * @param about text added to the title (which run the section belongs to), already escaped.
 * @example
 * ```ts
 * const html = dataQualitySection(dataQualityReport(bars, { intervalMs: 86_400_000 }));
 * ```
 */
export function dataQualitySection(report: DataQualityReport, about = ''): string {
  // Checked through unknown: Array.isArray would narrow the readonly array to any[].
  const given: unknown = report;
  if (typeof given !== 'object' || given === null || !Array.isArray((given as { instruments?: unknown }).instruments))
    throw new ValidationError([{ path: ['input', 'dataQuality', 'instruments'], message: 'must be an array: pass the report dataQualityReport() returns' }]);
  const trades = report.dataType === 'trades';
  const parts: string[] = trades
    ? ['<p class="small muted">Trades: order, repeated trade ids, invalid prices and sizes, and price jumps from trade to trade.</p>']
    : [`<p class="small"><span class="muted">Calendar:</span> ${escapeHtml(report.calendar)}<br><span class="muted">Interval:</span> ${escapeHtml(report.interval)}</p>`];
  if (report.instruments.length === 0) parts.push(`<p class="muted">No ${trades ? 'trades' : 'bars'} were checked.</p>`);
  for (const i of report.instruments) {
    const span = i.bars > 0 && Number.isFinite(i.firstTs ?? NaN) ? `, ${time(i.firstTs)} to ${time(i.lastTs)}` : '';
    const expected = typeof i.expectedBars === 'number' ? `; ${formatFigure(i.expectedBars, 'integer')} expected, ${formatFigure(i.missingBars ?? 0, 'integer')} missing` : '';
    parts.push(
      `<h3 class="dq-instrument">${escapeHtml(i.instrumentId)} <span class="dq dq-${escapeHtml(i.status)}">${escapeHtml(i.status)}</span><span class="note">${formatFigure(i.bars, 'integer')} ${trades ? 'trades' : 'bars'}${escapeHtml(span + expected)}</span></h3>`,
    );
    const rows = i.checks
      .map((c) => {
        const tag = !c.enabled ? 'not run' : c.count === 0 ? 'ok' : c.severity;
        const cls = !c.enabled ? 'off' : c.count === 0 ? 'ok' : c.severity;
        return `<tr data-check="${escapeHtml(c.check)}"><td class="t">${escapeHtml(c.title)}</td><td class="t"><span class="dq dq-${escapeHtml(cls)}">${escapeHtml(tag)}</span></td><td>${c.enabled ? formatFigure(c.count, 'integer') : '—'}</td><td class="t muted">${escapeHtml(c.note)}</td></tr>`;
      })
      .join('');
    parts.push(`<div class="wide"><table class="metrics kv dq-summary"><thead><tr><th class="t">Check</th><th class="t">Status</th><th>Findings</th><th class="t">What it looks for</th></tr></thead><tbody>${rows}</tbody></table></div>`);
    for (const c of i.checks) {
      if (!c.enabled || c.count === 0) continue;
      const shown = c.examples.length;
      const note = shown === 0 ? 'none kept (maxExamples 0)' : shown < c.count ? `first ${formatFigure(shown, 'integer')} of ${formatFigure(c.count, 'integer')}` : `${formatFigure(c.count, 'integer')}`;
      if (shown === 0) {
        parts.push(`<h4>${escapeHtml(c.title)}<span class="note">${escapeHtml(note)}</span></h4>`);
        continue;
      }
      const spans = c.examples.some((e) => e.endTs !== undefined && e.endTs !== null);
      // A gap's `missing` is its Bars column.
      const keys = [...new Set(c.examples.flatMap((e) => Object.keys(e.values ?? {})))].filter((k) => !(spans && k === 'missing'));
      const head = `<tr><th class="t">Time</th>${spans ? '<th class="t">To</th><th>Bars</th>' : ''}${keys.map((k) => `<th>${escapeHtml(humanize(k))}</th>`).join('')}<th class="t">Finding</th></tr>`;
      const body = c.examples
        .map(
          (e) =>
            `<tr><td class="t">${escapeHtml(time(e.ts))}</td>${spans ? `<td class="t">${e.endTs !== undefined && e.endTs !== null ? escapeHtml(time(e.endTs)) : ''}</td><td>${e.bars !== undefined && e.bars !== null ? formatFigure(e.bars, 'integer') : ''}</td>` : ''}${keys
              .map((k) => `<td>${escapeHtml(value(k, e.values?.[k]))}</td>`)
              .join('')}<td class="t dq-detail">${escapeHtml(e.detail)}</td></tr>`,
        )
        .join('');
      parts.push(
        `<h4 data-check="${escapeHtml(c.check)}">${escapeHtml(c.title)} <span class="dq dq-${escapeHtml(c.severity)}">${escapeHtml(c.severity)}</span><span class="note">${escapeHtml(note)}</span></h4><div class="scroll dq-examples"><table><thead>${head}</thead><tbody>${body}</tbody></table></div>`,
      );
    }
  }
  return `<section class="card" id="data-quality"><h2>Data quality <span class="dq dq-${escapeHtml(report.status)}">${escapeHtml(report.status)}</span>${about ? `<span class="note">${about}</span>` : ''}</h2><style>${STYLE}</style>${parts.join('')}</section>`;
}

// Badges by severity; the section's own rules, kept beside it.
const STYLE =
  '.dq{display:inline-block;padding:0 7px;border-radius:9px;font-size:11px;font-weight:600;letter-spacing:.04em;text-transform:uppercase;vertical-align:middle}' +
  '.dq-ok{background:#e6f4ea;color:#1e8449}.dq-info{background:#e8f0fe;color:#2f6fde}.dq-warning{background:#fff4e0;color:#a15c00}.dq-error{background:#fdecea;color:#c0392b}.dq-off{background:#eef0f3;color:#616e7c}' +
  '#data-quality h3{font-size:15px;margin:18px 0 8px;font-weight:600}#data-quality h4{font-size:13px;margin:14px 0 6px;font-weight:600}' +
  '#data-quality h3 .note,#data-quality h4 .note{color:#616e7c;font-weight:400;font-size:13px;margin-left:8px}.dq-examples{max-height:320px}td.dq-detail{white-space:normal;min-width:280px}';

/** A time as a date at midnight UTC, else to the minute, second or millisecond, as little as it needs. */
function time(ts: number | null | undefined): string {
  if (typeof ts !== 'number' || !Number.isFinite(ts)) return '—';
  const iso = new Date(ts).toISOString();
  const ms = ((ts % 86_400_000) + 86_400_000) % 86_400_000;
  if (ms === 0) return iso.slice(0, 10);
  const clock = ms % 60_000 === 0 ? iso.slice(11, 16) : ms % 1000 === 0 ? iso.slice(11, 19) : iso.slice(11, 23);
  return `${iso.slice(0, 10)} ${clock}`;
}

/** A finding's figure: times as times, counts as integers, the rest with six significant digits. */
function value(key: string, v: number | null | undefined): string {
  if (typeof v !== 'number') return '—';
  if (/ts$/i.test(key)) return time(v);
  if (key === 'missing' || /volume$/i.test(key)) return formatFigure(v, Number.isInteger(v) ? 'integer' : 'number');
  return formatFigure(v, 'number');
}

/**
 * A data-quality report as plain text for a terminal or a log: the calendar and interval, then per
 * instrument its span and status and one line per check with its first findings.
 */
import type { DataQualityReport } from './data-quality-types';
import { formatNumber, formatTs } from './format-values';

/**
 * Writes a {@link DataQualityReport} as readable text (times in UTC).
 *
 * @example
 * ```ts
 * console.log(formatDataQualityReport(dataQualityReport(bars, { intervalMs: 60_000 })));
 * // Data quality: warning
 * // Calendar: 24/7, a bar every 1m, on the grid through each instrument's first bar
 * // ...
 * ```
 */
export function formatDataQualityReport(report: DataQualityReport): string {
  const lines: string[] = [`Data quality${report.dataType === 'trades' ? ' of trades' : ''}: ${report.status}`];
  if (report.dataType !== 'trades') lines.push(`Calendar: ${report.calendar}`, `Interval: ${report.interval}`);
  if (report.instruments.length === 0) lines.push('', report.dataType === 'trades' ? 'No trades.' : 'No bars.');
  for (const i of report.instruments) {
    const span = i.bars > 0 && Number.isFinite(i.firstTs) ? `, ${formatTs(i.firstTs)} to ${formatTs(i.lastTs)}` : '';
    const expected = i.expectedBars !== undefined ? `; ${formatNumber(i.expectedBars, 0)} expected, ${formatNumber(i.missingBars ?? 0, 0)} missing` : '';
    const unit = report.dataType === 'trades' ? 'trade' : 'bar';
    lines.push('', `${i.instrumentId}: ${formatNumber(i.bars, 0)} ${unit}${i.bars === 1 ? '' : 's'}${span}${expected}; ${i.status}`);
    for (const c of i.checks) {
      const tag = !c.enabled ? '-' : c.count === 0 ? 'ok' : c.severity;
      const head = !c.enabled ? `${c.title}: ${c.note}` : `${c.title}: ${c.count === 0 ? 'none' : formatNumber(c.count, 0)} (${c.note})`;
      lines.push(`  ${tag.padEnd(7)} ${head}`);
      if (!c.enabled) continue;
      for (const e of c.examples) lines.push(`            ${e.detail}`);
      const more = c.count - c.examples.length;
      if (more > 0) lines.push(`            … and ${formatNumber(more, 0)} more`);
    }
  }
  return lines.join('\n');
}

/** Writes a report to a file (creating its folder), for scripts and the CLI. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ReportInput } from './report-input';
import { renderReport, type ReportConfig } from './render-report';

/**
 * Renders a report and writes it to `path`; returns the number of bytes written.
 *
 * @example
 * ```ts
 * writeReport('out/report.html', result, { title: 'SMA crossover on GOOG' });
 * ```
 */
export function writeReport(path: string, input: ReportInput, options: ReportConfig = {}): number {
  const html = renderReport(input, options);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, html, 'utf8');
  return Buffer.byteLength(html, 'utf8');
}

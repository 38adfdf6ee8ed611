/**
 * One self-contained HTML file per backtest, run comparison or sweep: KPI cards, equity and drawdown
 * charts (zooming together), a monthly-returns heatmap, a returns histogram, the metrics table and the
 * trades table; with several runs an equity overlay and a comparison table; with a sweep a parameter
 * heatmap and a ranking. Apache ECharts is inlined from the installed `echarts` package, so the file
 * opens offline with no network access. Every text that goes into markup is escaped.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { parseWith, ValidationError, type DataQualityReport } from '@rxtrade/core';
import { drawdownSeries, simpleReturns } from '@rxtrade/portfolio';
import type { Json, TaskResult } from '../search/types';
import { downsampleMinMax, lastPerTimestamp } from './downsample';
import { escapeHtml, jsonForScript } from './escape-html';
import { formatFigure, formatTime, humanize, type FigureKind } from './format';
import { histogram } from './histogram';
import { monthlyReturns } from './monthly-returns';
import { drawdownChart, equityChart, foldsChart, monthlyHeatmap, parameterHeatmap, returnsHistogram, type ChartSpec, type ParameterCell } from './report-charts';
import { REPORT_CLIENT_SCRIPT } from './report-client';
import type { NamedRun, ReportableResult, ReportInput, SweepReportData, WalkForwardReportData } from './report-input';
import { inferPeriodsPerYear, metricKind, reportMetrics, type MetricRow } from './report-metrics';
import { REPORT_STYLE } from './report-style';
import { deflatedSharpeSection, monteCarloSection } from './robustness-section';
import { dataQualitySection } from './data-quality-section';
import { BenchmarkSeriesSchema } from '../metrics/benchmark-metrics';
import {
  benchmarkLine,
  benchmarkSection,
  chartDiv,
  drawdownsAndRiskSection,
  priceAndExposureSection,
  ReportBarsSchema,
  rollingSections,
  settingsSection,
  usable,
} from './tearsheet-sections';

/**
 * Schema of {@link ReportConfig}.
 *
 * @example
 * ```ts
 * parseWith(ReportConfigSchema, { title: 'GOOG SMA 10/30' }).maxTableRows // 1000
 * ```
 */
export const ReportConfigSchema = z.strictObject({
  /** Page title and heading. */
  title: z.string().min(1).default('Backtest report'),
  /** A line under the title; defaults to instruments and period. */
  subtitle: z.string().optional(),
  /** Periods per year for the ratios computed here; inferred from the curve's spacing (252 for daily bars) when absent. */
  periodsPerYear: z.number().positive().optional(),
  /** Chart series are down-sampled to about twice this many points (min/max per bucket). */
  maxChartPoints: z.number().int().min(50).default(2000),
  /** Rows kept in the trades and sweep tables; the rest are counted, not shown. */
  maxTableRows: z.number().int().min(1).default(1000),
  /** Which run (index) the single-run sections (monthly heatmap, histogram, trades) describe. */
  primary: z.number().int().min(0).default(0),
  /** Sweep heatmap axes: parameter names; default the first two parameters that vary. */
  heatmap: z.strictObject({ x: z.string().min(1).optional(), y: z.string().min(1).optional() }).default({}),
  /** Sweep objective (a metric name); defaults to the sweep's own, else `sharpeRatio`. */
  objective: z.string().min(1).optional(),
  /** Whether the sweep objective is maximized (default) or minimized; defaults to the sweep's own. */
  goal: z.enum(['max', 'min']).optional(),
  /** When the report was made (epoch ms), shown in the footer; omitted when absent (library code reads no wall clock). */
  generatedAt: z.number().int().optional(),
  /** Monte Carlo resampling of the primary run's round trips (`monteCarloTrades`); `false` leaves the section out. */
  monteCarlo: z.union([z.literal(false), z.strictObject({ runs: z.number().int().min(100).max(100_000).default(1000), seed: z.number().int().default(0) })]).default({ runs: 1000, seed: 0 }),
  /** Path of `echarts.min.js`; defaults to the installed `echarts` package's. */
  echartsPath: z.string().min(1).optional(),
  /**
   * A benchmark to compare the primary run with: `{ name, ts (epoch ms, increasing), close (> 0) }`. Its
   * closes are taken as of each equity time (forward-filled); it is drawn on the equity chart rebased to
   * the run's equity, and alpha, beta, correlation, rolling beta and its own figures are shown.
   */
  benchmark: BenchmarkSeriesSchema.optional(),
  /** Window of the rolling Sharpe, volatility and beta charts, in periods (default 126, half a year of trading days). */
  rollingWindow: z.number().int().min(2).default(126),
  /** The strategy's parameters, shown in the run settings (default: the result's `settings.parameters`). */
  parameters: z.record(z.string(), z.unknown()).optional(),
  /** Cost assumptions (commission or fee model, slippage, latency…), shown in the run settings (default: the result's `settings.costs`). */
  costs: z.record(z.string(), z.unknown()).optional(),
  /**
   * Bars of the traded instruments (`readBarsCsv(...).bars` fits): their closes draw the price chart with
   * the run's entries and exits and give the gross exposure. Results do not carry prices.
   */
  bars: ReportBarsSchema.optional(),
  /** Contract multipliers by instrument id, for gross exposure (default 1). */
  multipliers: z.record(z.string(), z.number().positive()).optional(),
});

/**
 * Options of {@link renderReport}.
 *
 * @example
 * ```ts
 * const options: ReportConfig = { title: 'SMA crossover on GOOG', generatedAt: clock.now() };
 * ```
 */
export type ReportConfig = z.input<typeof ReportConfigSchema>;
type Options = z.output<typeof ReportConfigSchema>;

/**
 * Renders a backtest result, several named runs, or a sweep as one self-contained HTML document.
 *
 * @param input a `RunResult` (or its JSON form), `{ runs: [{ name, result }] }`, `{ sweep: sweepResult, runs? }` or
 *   `{ walkForward: walkForwardResult }`.
 * @example
 * ```ts
 * const html = renderReport(result, { title: 'SMA(10)/SMA(30) on GOOG' });
 * fs.writeFileSync('report.html', html);
 * ```
 */
export function renderReport(input: ReportInput, options: ReportConfig = {}): string {
  const o = parseWith(ReportConfigSchema, options, 'report');
  const { runs, sweep, walkForward } = classify(input);
  if (runs.length === 0 && !sweep) throw new ValidationError([{ path: ['input', 'runs'], message: 'must hold at least one run' }]);
  if (runs.length > 0 && o.primary >= runs.length)
    throw new ValidationError([{ path: ['report', 'primary'], message: `must be < ${runs.length}, the number of runs` }]);
  const charts: ChartSpec[] = [];
  const sections: string[] = [];
  const primary = runs[o.primary];
  const prepared = runs.map((r) => prepareRun(r, o));
  const ppy = o.periodsPerYear ?? (prepared[0] ? inferPeriodsPerYear(prepared[0].ts) : 252);
  const metrics = runs.map((r) => reportMetrics(r.result, ppy));
  // The primary run's curve for the tearsheet sections (cut at a total loss) and its periods per year:
  // the option, else the one its metrics were computed with, else inferred from the curve.
  const curve = primary ? usable(prepared[o.primary]!) : undefined;
  const ownPpy = (primary?.result.metrics as { periodsPerYear?: unknown } | undefined)?.periodsPerYear;
  const tearPpy = o.periodsPerYear ?? (typeof ownPpy === 'number' && ownPpy > 0 ? ownPpy : curve ? inferPeriodsPerYear(curve.ts) : 252);

  if (primary) {
    if (runs.length > 1) sections.push(`<div class="sub muted" style="margin-top:16px">Headline figures of ${escapeHtml(primary.name)}</div>`);
    sections.push(kpis(primary.result, metrics[o.primary]!));
    sections.push(settingsSection(primary.result, curve!, o, tearPpy, walkForward !== undefined));
  }
  // The quality of the bars the runs read: the input's own report, else the primary run's.
  const quality = (input as { dataQuality?: DataQualityReport }).dataQuality ?? primary?.result.dataQuality;
  if (quality !== undefined) sections.push(dataQualitySection(quality, runs.length > 1 && !(input as { dataQuality?: unknown }).dataQuality ? escapeHtml(primary!.name) : ''));
  // A sweep's own findings come first: the heatmap and the ranking.
  if (sweep) {
    const heat = sweepHeatmap(sweep, o);
    if (heat) {
      charts.push(heat.chart);
      sections.push(card(`Parameter heatmap<span class="note">${escapeHtml(heat.note)}</span>`, chartDiv(heat.chart)));
    }
    sections.push(sweepTable(sweep, o));
    const dsr = deflatedSharpeSection(sweep.results);
    if (dsr) sections.push(dsr);
  }
  if (prepared.length > 0) {
    const eq = equityChart(
      prepared.map((p) => ({ name: p.name, points: p.equity })),
      walkForward ? walkForward.folds.slice(1).map((f) => f.outOfSample.start) : [],
      o.benchmark && curve ? benchmarkLine(curve, o.benchmark, o.maxChartPoints) : undefined,
    );
    const dd = drawdownChart(prepared.map((p) => ({ name: p.name, points: p.drawdown })));
    charts.push(eq, dd);
    const title = prepared.length > 1 ? 'Equity overlay' : walkForward ? 'Out-of-sample equity, stitched (dashed lines: fold boundaries)' : 'Equity';
    const bench = o.benchmark ? `; dashed: ${escapeHtml(o.benchmark.name)} rebased to the run's equity` : '';
    sections.push(card(`${title}<span class="note">drag or scroll to zoom; the charts below follow${bench}</span>`, chartDiv(eq) + `<h2 style="margin-top:8px">Drawdown</h2>` + chartDiv(dd)));
  }
  if (walkForward) sections.push(walkForwardSection(walkForward, charts));
  // With several runs, each single-run section names the run it describes.
  const about = primary && runs.length > 1 ? ` · ${escapeHtml(primary.name)}` : '';
  if (primary && curve) {
    sections.push(priceAndExposureSection(primary.result, curve, o, charts, about));
    if (o.benchmark) {
      const b = benchmarkSection(curve, o.benchmark, tearPpy, about);
      sections.push(b ? b.html : card(`Against ${escapeHtml(o.benchmark.name)}`, '<p class="muted">The benchmark overlaps fewer than two of the run\'s periods.</p>'));
    }
    sections.push(rollingSections(curve, o, tearPpy, charts, about));
  }
  if (primary) {
    const p = prepared[o.primary]!;
    const monthly = monthlyHeatmap(monthlyReturns(p.ts, p.values));
    const returns = p.values.length > 1 && p.values[0]! > 0 ? simpleReturns(p.values) : new Float64Array(0);
    const hist = returnsHistogram(histogram(returns));
    charts.push(monthly, hist);
    const which = runs.length > 1 ? ` <span class="note">${escapeHtml(primary.name)}</span>` : '';
    sections.push(
      `<div class="grid2 row2">${card(`Monthly returns${which}`, chartDiv(monthly))}${card(`Distribution of returns per period${which}`, chartDiv(hist))}</div>`,
    );
  }
  if (primary && curve) sections.push(drawdownsAndRiskSection(curve, about));
  if (primary && o.monteCarlo !== false) {
    const mc = monteCarloSection(primary.result, o.monteCarlo);
    if (mc) sections.push(mc);
  }
  if (runs.length > 0) sections.push(metricsTable(runs, metrics));
  if (primary) sections.push(tradesTable(primary, o, runs.length > 1));

  const subtitle = o.subtitle ?? describe(runs, sweep);
  const footer = [
    'Made with rxtrade',
    'charts by Apache ECharts, embedded in this file: it opens offline',
    o.generatedAt !== undefined ? `generated ${escapeHtml(new Date(o.generatedAt).toISOString().replace('T', ' ').slice(0, 16))} UTC` : undefined,
  ]
    .filter(Boolean)
    .join(' · ');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="rxtrade">
<title>${escapeHtml(o.title)}</title>
<style>${REPORT_STYLE}</style>
</head>
<body>
<main>
<header><div class="eyebrow">${sweep ? 'Parameter sweep' : walkForward ? 'Walk-forward analysis' : runs.length > 1 ? 'Run comparison' : 'Backtest'}</div><h1>${escapeHtml(o.title)}</h1><div class="sub">${escapeHtml(subtitle)}</div></header>
${sections.join('\n')}
<footer>${footer}</footer>
</main>
<script type="application/json" id="report-data">${jsonForScript({ charts })}</script>
<script>${echartsSource(o.echartsPath)}</script>
<script>${REPORT_CLIENT_SCRIPT}</script>
</body>
</html>
`;
}

interface Classified {
  readonly runs: readonly NamedRun[];
  readonly sweep: SweepReportData | undefined;
  readonly walkForward?: WalkForwardReportData;
}

function classify(input: ReportInput): Classified {
  if (typeof input !== 'object' || input === null) throw new ValidationError([{ path: ['input'], message: 'must be a result, { runs }, { sweep } or { walkForward }' }]);
  if ('walkForward' in input) {
    const wf = input.walkForward;
    if (!Array.isArray(wf?.folds)) throw new ValidationError([{ path: ['input', 'walkForward', 'folds'], message: 'must be an array of folds' }]);
    return { runs: [{ name: 'Out-of-sample, stitched', result: stitchedRun(wf) }], sweep: undefined, walkForward: wf };
  }
  if ('sweep' in input) {
    if (!Array.isArray(input.sweep?.results)) throw new ValidationError([{ path: ['input', 'sweep', 'results'], message: 'must be an array of task results' }]);
    return { runs: input.runs ?? [], sweep: input.sweep };
  }
  if ('runs' in input) {
    if (!Array.isArray(input.runs)) throw new ValidationError([{ path: ['input', 'runs'], message: 'must be an array of { name, result }' }]);
    return { runs: input.runs, sweep: undefined };
  }
  if (!('equityCurve' in input) || !('summary' in input))
    throw new ValidationError([{ path: ['input'], message: 'must be a backtest result (with summary and equityCurve), { runs } or { sweep }' }]);
  return { runs: [{ name: 'Backtest', result: input }], sweep: undefined };
}

/** The stitched out-of-sample curve of a walk-forward analysis, as a result the report can show. */
function stitchedRun(wf: WalkForwardReportData): ReportableResult {
  const eq = wf.equityCurve.equity;
  const m = wf.metrics as Readonly<Record<string, unknown>>;
  const first = eq.length > 0 ? eq[0]! : NaN;
  const last = eq.length > 0 ? eq[eq.length - 1]! : NaN;
  return {
    summary: {
      startingCash: String(first),
      finalEquity: String(last),
      totalFees: String(m.feesPaid ?? 0),
      totalReturn: first > 0 ? last / first - 1 : NaN,
      maxDrawdown: typeof m.maxDrawdown === 'number' ? m.maxDrawdown : NaN,
    },
    fills: [],
    equityCurve: wf.equityCurve,
    trades: wf.trades,
    metrics: wf.metrics,
  };
}

function walkForwardSection(wf: WalkForwardReportData, charts: ChartSpec[]): string {
  const objective = wf.objective.name;
  const chart = foldsChart(
    wf.folds.map((f) => ({ label: String(f.index + 1), inSample: f.inSampleScore, outOfSample: f.outOfSampleScore })),
    objective,
  );
  charts.push(chart);
  const num = (v: number | null | undefined): string => formatFigure(v ?? NaN, 'number');
  // Only the parameters whose choice differs between folds (all of them if none does).
  const names = [...new Set(wf.folds.flatMap((f) => Object.keys(f.params)))];
  const differing = names.filter((n) => new Set(wf.folds.map((f) => JSON.stringify(f.params[n]))).size > 1);
  const shown = differing.length > 0 ? differing : names;
  const paramsOf = (p: Readonly<Record<string, unknown>>): string =>
    Object.entries(p)
      .filter(([k]) => shown.includes(k))
      .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
      .join(' ');
  // Windows are [start, end): the end is the next window's first bar (or just past the last one).
  const window = (w: { start: number; end: number }): string => `${formatTime(w.start).slice(0, 10)} to ${formatTime(w.end).slice(0, 10)}`;
  const rows = wf.folds
    .map(
      (f) =>
        `<tr><td class="muted">${f.index + 1}</td><td class="t">${escapeHtml(window(f.inSample))}</td><td class="t">${escapeHtml(window(f.outOfSample))}</td><td class="t">${escapeHtml(paramsOf(f.params))}</td><td>${escapeHtml(formatFigure(f.candidates, 'integer'))}</td><td>${escapeHtml(num(f.inSampleScore))}</td><td>${escapeHtml(num(f.outOfSampleScore))}</td><td>${escapeHtml(num(f.degradation))}</td><td>${escapeHtml(formatFigure(f.outOfSampleMetrics?.totalReturn, 'percent'))}</td></tr>`,
    )
    .join('');
  const head = `<tr><th>Fold</th><th class="t">In-sample</th><th class="t">Out-of-sample</th><th class="t">Chosen parameters</th><th>Candidates</th><th>IS ${escapeHtml(objective)}</th><th>OOS ${escapeHtml(objective)}</th><th>OOS / IS</th><th>OOS return</th></tr>`;
  const kpi = (label: string, value: string): string => `<div class="kpi"><div class="label">${escapeHtml(label)}</div><div class="value">${escapeHtml(value)}</div></div>`;
  return (
    `<div class="kpis">${kpi('Folds', String(wf.folds.length))}${kpi(`Mean in-sample ${objective}`, num(wf.meanInSampleScore))}${kpi(`Mean out-of-sample ${objective}`, num(wf.meanOutOfSampleScore))}${kpi('Out-of-sample / in-sample', num(wf.degradation))}</div>` +
    card(
      `In-sample vs out-of-sample<span class="note">${escapeHtml(wf.mode)} walk-forward; each fold's parameters were optimized in-sample, then run on the next window</span>`,
      chartDiv(chart) + `<div class="scroll" style="margin-top:12px"><table><thead>${head}</thead><tbody>${rows}</tbody></table></div>`,
    )
  );
}

interface PreparedRun {
  readonly name: string;
  readonly ts: Float64Array;
  readonly values: Float64Array;
  readonly equity: ReadonlyArray<readonly [number, number]>;
  readonly drawdown: ReadonlyArray<readonly [number, number]>;
}

function prepareRun(run: NamedRun, o: Options): PreparedRun {
  const { ts, values } = lastPerTimestamp({ ts: run.result.equityCurve.ts, values: run.result.equityCurve.equity });
  const dd = values.length > 0 && values[0]! > 0 ? drawdownSeries(values) : new Float64Array(values.length);
  return {
    name: run.name,
    ts,
    values,
    equity: downsampleMinMax({ ts, values }, o.maxChartPoints).map(([t, v]) => [t, round(v, 2)] as const),
    drawdown: downsampleMinMax({ ts, values: dd }, o.maxChartPoints).map(([t, v]) => [t, round(v, 6)] as const),
  };
}

// Fewer digits in the embedded JSON: cents for equity, 1e-6 for fractions (far below what a chart shows).
function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

function card(title: string, body: string): string {
  return `<section class="card"><h2>${title}</h2>${body}</section>`;
}

function describe(runs: readonly NamedRun[], sweep: SweepReportData | undefined): string {
  const parts: string[] = [];
  const first = runs[0]?.result;
  if (first) {
    const instruments = [...new Set(first.fills.map((f) => String(f.instrumentId)))];
    if (instruments.length > 0) parts.push(instruments.join(', '));
    const ts = first.equityCurve.ts;
    if (ts.length > 0) parts.push(`${formatTime(ts[0]!)} to ${formatTime(ts[ts.length - 1]!)}`);
    if (first.summary.events !== undefined) parts.push(`${formatFigure(first.summary.events, 'integer')} events`);
  }
  if (runs.length > 1) parts.push(`${runs.length} runs`);
  if (sweep) parts.push(`${formatFigure(sweep.results.length, 'integer')} parameter sets`);
  return parts.join(' · ');
}

function kpis(result: ReportableResult, rows: readonly MetricRow[]): string {
  const find = (key: string): MetricRow | undefined => rows.find((r) => r.key === key);
  const trades = result.trades?.length;
  const items: Array<[string, unknown, FigureKind]> = [
    ['Final equity', String(result.summary.finalEquity), 'money'],
    ['Total return', find('totalReturn')?.value ?? result.summary.totalReturn, 'percent'],
    ['Annualized return', find('annualizedReturn')?.value, 'percent'],
    ['Sharpe ratio', find('sharpeRatio')?.value, 'ratio'],
    ['Max drawdown', find('maxDrawdown')?.value ?? result.summary.maxDrawdown, 'percent'],
    trades !== undefined ? ['Trades', trades, 'integer'] : ['Fills', result.summary.fills ?? result.fills.length, 'integer'],
  ];
  return `<div class="kpis">${items
    .map(([label, value, kind]) => `<div class="kpi"><div class="label">${escapeHtml(label)}</div><div class="value${signClass(value, kind, label)}">${escapeHtml(formatFigure(value, kind))}</div></div>`)
    .join('')}</div>`;
}

function signClass(value: unknown, kind: FigureKind, label: string): string {
  if (kind !== 'percent' || /drawdown|volatility/i.test(label)) return '';
  const x = Number(value);
  return x > 0 ? ' pos' : x < 0 ? ' neg' : '';
}

function metricsTable(runs: readonly NamedRun[], metrics: readonly MetricRow[][]): string {
  const labels: string[] = [];
  const byRun = metrics.map((rows) => new Map(rows.map((r) => [r.label, r])));
  // Alpha and beta are NaN unless the run had a benchmark: rows that no run has a figure for are left out.
  const empty = (key: string): boolean => (key === 'alpha' || key === 'beta') && metrics.every((rows) => rows.every((r) => r.key !== key || !Number.isFinite(Number(r.value))));
  for (const rows of metrics) for (const r of rows) if (!labels.includes(r.label) && !empty(r.key)) labels.push(r.label);
  const head = `<tr><th class="t">Metric</th>${runs.length > 1 ? runs.map((r) => `<th>${escapeHtml(r.name)}</th>`).join('') : '<th>Value</th>'}</tr>`;
  const row = (label: string): string => {
    const cells = byRun.map((m) => {
      const r = m.get(label);
      return `<td>${r ? escapeHtml(formatFigure(r.value, r.kind)) : '—'}</td>`;
    });
    return `<tr><td class="t">${escapeHtml(label)}</td>${cells.join('')}</tr>`;
  };
  const table = (rows: readonly string[]): string => `<div class="wide"><table class="metrics"><thead>${head}</thead><tbody>${rows.map(row).join('')}</tbody></table></div>`;
  // One run: two columns of metrics side by side, nothing to scroll.
  if (runs.length === 1) {
    const half = Math.ceil(labels.length / 2);
    return card('Metrics', `<div class="grid2">${table(labels.slice(0, half))}${table(labels.slice(half))}</div>`);
  }
  return card('Metrics', table(labels));
}

function tradesTable(run: NamedRun, o: Options, named: boolean): string {
  const trades = run.result.trades;
  const which = named ? ` · ${escapeHtml(run.name)}` : '';
  if (trades && trades.length > 0) {
    const rows = trades.slice(0, o.maxTableRows) as ReadonlyArray<Readonly<Record<string, unknown>>>;
    const keys = Object.keys(rows[0]!).filter((k) => rows.some((r) => r[k] !== undefined && (typeof r[k] !== 'object' || r[k] === null || isStringy(r[k]))));
    const head = `<tr><th>#</th>${keys.map((k) => `<th class="${textKey(k) ? 't' : ''}">${escapeHtml(TRADE_LABELS[k] ?? humanize(k))}</th>`).join('')}</tr>`;
    const body = rows.map((r, i) => `<tr><td class="muted">${i + 1}</td>${keys.map((k) => tradeCell(k, r[k])).join('')}</tr>`).join('');
    return card(`Trades<span class="note">${formatFigure(trades.length, 'integer')} round trips${more(trades.length, o)}${which}</span>`, `<div class="scroll"><table><thead>${head}</thead><tbody>${body}</tbody></table></div>`);
  }
  const fills = run.result.fills;
  const head = '<tr><th>#</th><th class="t">Time</th><th class="t">Side</th><th class="t">Instrument</th><th>Quantity</th><th>Price</th><th>Commission</th><th class="t">Order</th></tr>';
  const body = fills
    .slice(0, o.maxTableRows)
    .map(
      (f, i) =>
        `<tr><td class="muted">${i + 1}</td><td class="t">${escapeHtml(formatTime(f.ts))}</td><td class="t side-${escapeHtml(String(f.side).toLowerCase())}">${escapeHtml(f.side)}</td><td class="t">${escapeHtml(f.instrumentId)}</td><td>${escapeHtml(String(f.quantity))}</td><td>${escapeHtml(String(f.price))}</td><td>${escapeHtml(formatFigure(String(f.commission), 'money'))}</td><td class="t muted">${escapeHtml(f.clientOrderId ?? '')}</td></tr>`,
    )
    .join('');
  return card(`Fills<span class="note">${formatFigure(fills.length, 'integer')} fills${more(fills.length, o)}${which}</span>`, `<div class="scroll"><table><thead>${head}</thead><tbody>${body}</tbody></table></div>`);
}

// Column names of `RoundTrip`s (metrics/round-trips.ts); other trade shapes get humanized keys.
const TRADE_LABELS: Readonly<Record<string, string>> = {
  instrumentId: 'Instrument',
  quantity: 'Qty',
  entryTs: 'Entry',
  exitTs: 'Exit',
  entryPrice: 'Entry price',
  exitPrice: 'Exit price',
  grossPnl: 'Gross P&L',
  pnl: 'Net P&L',
  holdingMs: 'Held',
};

function more(n: number, o: Options): string {
  return n > o.maxTableRows ? `, first ${formatFigure(o.maxTableRows, 'integer')} shown` : '';
}

function isStringy(v: unknown): boolean {
  return typeof v === 'object' && v !== null && typeof (v as { toFixed?: unknown }).toFixed === 'function';
}

function textKey(k: string): boolean {
  return /(^id$|instrument|side|direction|symbol|status|name|ts$|time|at$)/i.test(k);
}

function tradeCell(key: string, raw: unknown): string {
  const v = isStringy(raw) ? String(raw) : raw;
  if (typeof v === 'number' && v > 1e11 && /(ts|time|at$|date|entry|exit|open|close)/i.test(key)) return `<td class="t">${escapeHtml(formatTime(v))}</td>`;
  if (/(side|direction)/i.test(key)) return `<td class="t side-${escapeHtml(String(v).toLowerCase())}">${escapeHtml(String(v))}</td>`;
  if (typeof v === 'string' && !Number.isFinite(Number(v))) return `<td class="t">${escapeHtml(v)}</td>`;
  if (v === undefined || v === null) return '<td class="muted">—</td>';
  const n = Number(v);
  const signed = /(pnl|return|profit)/i.test(key);
  const cls = signed ? (n > 0 ? ' class="pos"' : n < 0 ? ' class="neg"' : '') : '';
  let text: string;
  if (/return/i.test(key)) text = formatFigure(n, 'percent');
  else if (/(pnl|fee|commission|notional|cost|value|equity|profit)/i.test(key)) text = formatFigure(n, 'money');
  else if (/ms$/i.test(key) && typeof v === 'number') text = formatFigure(v, 'duration');
  else if (/(bars|count|duration)/i.test(key) && typeof v === 'number') text = formatFigure(v, 'integer');
  else text = String(v);
  return `<td${cls}>${escapeHtml(text)}</td>`;
}

function paramText(v: Json | undefined): string {
  return typeof v === 'string' ? v : v === undefined ? '' : JSON.stringify(v);
}

function sortValue(text: string): number | string {
  const n = Number(text);
  return text.trim() !== '' && Number.isFinite(n) ? n : text;
}

function distinctSorted(values: readonly string[]): string[] {
  return [...new Set(values)].sort((a, b) => {
    const x = sortValue(a);
    const y = sortValue(b);
    return typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
  });
}

interface Objective {
  readonly objective: string;
  readonly sign: 1 | -1;
  /** The objective value of a result: its metric, else its score from `ranked`, else NaN. */
  readonly value: (r: TaskResult) => number;
}

function objectiveOf(sweep: SweepReportData, o: Options): Objective {
  const own = typeof sweep.objective === 'string' ? { name: sweep.objective, goal: undefined } : sweep.objective;
  const objective = o.objective ?? own?.name ?? 'sharpeRatio';
  const goal = o.goal ?? own?.goal ?? 'max';
  const scores = new Map((sweep.ranked ?? []).map((r) => [r.id, r.score]));
  const value = (r: TaskResult): number => {
    const v = r.metrics[objective] ?? scores.get(r.id);
    return typeof v === 'number' ? v : NaN;
  };
  return { objective, sign: goal === 'min' ? -1 : 1, value };
}

function sweepHeatmap(sweep: SweepReportData, o: Options): { chart: ChartSpec; note: string } | undefined {
  const results = sweep.results;
  if (results.length === 0) return undefined;
  const names = [...new Set(results.flatMap((r) => Object.keys(r.params)))];
  const varying = names.filter((n) => new Set(results.map((r) => paramText(r.params[n]))).size > 1);
  for (const axis of ['x', 'y'] as const) {
    const name = o.heatmap[axis];
    if (name !== undefined && !names.includes(name))
      throw new ValidationError([{ path: ['report', 'heatmap', axis], message: `must be one of the sweep's parameters (${names.join(', ')}), got ${JSON.stringify(name)}` }]);
  }
  const xName = o.heatmap.x ?? varying.find((n) => n !== o.heatmap.y) ?? names[0];
  if (xName === undefined) return undefined;
  const yName = o.heatmap.y ?? varying.find((n) => n !== xName);
  const { objective, sign, value: valueOf } = objectiveOf(sweep, o);
  const xValues = distinctSorted(results.map((r) => paramText(r.params[xName])));
  const yValues = yName === undefined ? [''] : distinctSorted(results.map((r) => paramText(r.params[yName])));
  const best = new Map<string, ParameterCell>();
  for (const r of results) {
    const value = valueOf(r);
    if (!Number.isFinite(value)) continue;
    const xv = paramText(r.params[xName]);
    const yv = yName === undefined ? '' : paramText(r.params[yName]);
    const key = `${xv}\u0000${yv}`;
    const prev = best.get(key);
    if (prev && sign * prev.value >= sign * value) continue;
    best.set(key, { x: xValues.indexOf(xv), y: yValues.indexOf(yv), value, name: yName === undefined ? `${xName}=${xv}` : `${xName}=${xv}, ${yName}=${yv}` });
  }
  const others = names.filter((n) => n !== xName && n !== yName && varying.includes(n));
  const note = `${humanize(objective)} by ${xName}${yName ? ` and ${yName}` : ''}${others.length ? `; best over ${others.join(', ')}` : ''}${sign < 0 ? ' (lower is better)' : ''}`;
  return { chart: parameterHeatmap({ xName, yName: yName ?? '', xValues, yValues, objective, cells: [...best.values()] }), note };
}

function sweepTable(sweep: SweepReportData, o: Options): string {
  const { objective, sign, value } = objectiveOf(sweep, o);
  const score = (r: TaskResult): number => {
    const v = value(r);
    return Number.isFinite(v) ? sign * v : -Infinity;
  };
  const ranked = [...sweep.results].sort((a, b) => score(b) - score(a) || a.id - b.id);
  const all = [...new Set(sweep.results.flatMap((r) => Object.keys(r.params)))];
  // Parameters every set shares are listed once in the title, not repeated on every row.
  const names = all.filter((n) => new Set(sweep.results.map((r) => paramText(r.params[n]))).size > 1);
  const fixed = all.filter((n) => !names.includes(n)).map((n) => `${n}=${paramText(sweep.results[0]?.params[n])}`);
  const preferred = ['totalReturn', 'annualizedReturn', 'sharpeRatio', 'sortinoRatio', 'maxDrawdown', 'calmarRatio', 'winRate', 'trades'];
  const available = new Set(sweep.results.flatMap((r) => Object.keys(r.metrics)));
  const metricKeys = [objective, ...preferred.filter((k) => k !== objective && available.has(k))].slice(0, 7);
  const head = `<tr><th>Rank</th>${names.map((n) => `<th class="t">${escapeHtml(n)}</th>`).join('')}${metricKeys.map((k) => `<th>${escapeHtml(humanize(k))}</th>`).join('')}</tr>`;
  const body = ranked
    .slice(0, o.maxTableRows)
    .map(
      (r, i) =>
        `<tr><td class="muted">${i + 1}</td>${names.map((n) => `<td class="t">${escapeHtml(paramText(r.params[n]))}</td>`).join('')}${metricKeys
          .map((k) => {
            const v = k === objective ? value(r) : r.metrics[k];
            return `<td${k === objective ? ' style="font-weight:600"' : ''}>${escapeHtml(formatFigure(v, metricKind(k, v)))}</td>`;
          })
          .join('')}</tr>`,
    )
    .join('');
  return card(
    `Parameter sets by ${escapeHtml(humanize(objective))}<span class="note">${formatFigure(sweep.results.length, 'integer')} evaluated${more(sweep.results.length, o)}${fixed.length ? escapeHtml(`; fixed: ${fixed.join(', ')}`) : ''}</span>`,
    `<div class="scroll"><table><thead>${head}</thead><tbody>${body}</tbody></table></div>`,
  );
}

let cachedEcharts: { path: string; source: string } | undefined;

function echartsSource(path?: string): string {
  const file = path ?? defaultEchartsPath();
  if (cachedEcharts?.path !== file) {
    // `</script` or `<!--` in the library would end or confuse the inline script element.
    const source = readFileSync(file, 'utf8').replace(/<\/script/gi, '<\\/script').replace(/<!--/g, '<\\!--');
    cachedEcharts = { path: file, source };
  }
  return cachedEcharts.source;
}

function defaultEchartsPath(): string {
  // import.meta.url is empty in the CommonJS build; __filename stands in there.
  const here = typeof import.meta !== 'undefined' && import.meta.url ? import.meta.url : pathToFileURL(__filename).href;
  const require = createRequire(here);
  try {
    // echarts exports its minified UMD bundle as a subpath.
    return require.resolve('echarts/dist/echarts.min');
  } catch {
    // Older layouts: the CommonJS entry is dist/echarts.js, beside the minified bundle.
    return join(dirname(require.resolve('echarts')), 'echarts.min.js');
  }
}

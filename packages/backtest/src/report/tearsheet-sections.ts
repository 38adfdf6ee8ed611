/**
 * The tearsheet sections of a single run, as quantstats and pyfolio users expect them: the run's
 * settings, the benchmark overlay and comparison, the traded instrument's price with entries and exits,
 * gross exposure, rolling Sharpe, volatility and beta, the worst drawdowns, and VaR, CVaR, best and
 * worst periods and months and streaks. Every figure comes from the metrics functions
 * (`../metrics/*`); this file only lays them out.
 */
import { z } from 'zod';
import { Decimal, ZERO } from '@rxtrade/core';
import { simpleReturns } from '@rxtrade/portfolio';
import { benchmarkMetrics, BenchmarkSeriesSchema, pairReturns, type BenchmarkMetrics } from '../metrics/benchmark-metrics';
import { grossExposure, type InstrumentCloses } from '../metrics/gross-exposure';
import { returnStatistics } from '../metrics/return-statistics';
import { rollingBeta, rollingSharpe, rollingVolatility, type RollingSeries } from '../metrics/rolling-metrics';
import { worstDrawdowns } from '../metrics/worst-drawdowns';
import { downsampleMinMax } from './downsample';
import { escapeHtml } from './escape-html';
import { formatFigure, formatTime, humanize, type FigureKind } from './format';
import { priceChart, timeLineChart, type ChartSpec, type FillMarker, type LineSeries } from './report-charts';
import type { ReportableFill, ReportableResult } from './report-input';

/** A bar as the report reads it (core's `Bar`, from `readBarsCsv` or `parseBarsCsv`, fits). */
export interface ReportBar {
  readonly instrumentId: string;
  readonly ts: number;
  readonly close: number;
}

/**
 * Schema of the report's `bars` option: the traded instruments' bars, each instrument's in increasing
 * time; an error names the row and field (`report.bars[12].close`).
 *
 * @example
 * ```ts
 * parseWith(ReportBarsSchema, readBarsCsv('goog.csv', { instrumentId: goog.id }).bars, 'bars');
 * ```
 */
export const ReportBarsSchema = z
  .custom<readonly ReportBar[]>((v) => Array.isArray(v), 'must be an array of bars ({ instrumentId, ts, close })')
  .superRefine((bars, ctx) => {
    const last = new Map<string, number>();
    for (let i = 0; i < bars.length; i++) {
      const b = bars[i] as Partial<ReportBar> | null;
      const issue = (field: string, message: string): void => void ctx.addIssue({ code: 'custom', path: [i, field], message });
      if (typeof b !== 'object' || b === null) return void ctx.addIssue({ code: 'custom', path: [i], message: 'must be a bar ({ instrumentId, ts, close })' });
      if (typeof b.instrumentId !== 'string' || b.instrumentId === '') return issue('instrumentId', 'must be a non-empty string');
      if (typeof b.ts !== 'number' || !Number.isFinite(b.ts)) return issue('ts', `must be a finite number (epoch ms), got ${String(b.ts)}`);
      if (typeof b.close !== 'number' || !Number.isFinite(b.close) || b.close <= 0) return issue('close', `must be a finite number > 0, got ${String(b.close)}`);
      const before = last.get(b.instrumentId);
      if (before !== undefined && !(b.ts > before)) return issue('ts', `must be after the previous ${b.instrumentId} bar's time (${before}), got ${b.ts}`);
      last.set(b.instrumentId, b.ts);
    }
  });

/** The options the tearsheet sections read (parsed report options). */
export interface TearsheetOptions {
  readonly benchmark?: z.output<typeof BenchmarkSeriesSchema>;
  readonly rollingWindow: number;
  readonly bars?: readonly ReportBar[];
  readonly multipliers?: Readonly<Record<string, number>>;
  readonly parameters?: Readonly<Record<string, unknown>>;
  readonly costs?: Readonly<Record<string, unknown>>;
  readonly maxChartPoints: number;
}

/** One run's curve as the report prepared it: distinct times, the last equity at each. */
export interface TearsheetCurve {
  readonly ts: Float64Array;
  readonly values: Float64Array;
}

const round = (v: number, digits: number): number => (Number.isFinite(v) ? Math.round(v * 10 ** digits) / 10 ** digits : v);

function card(title: string, body: string): string {
  return `<section class="card"><h2>${title}</h2>${body}</section>`;
}

function table(head: readonly string[], rows: readonly (readonly string[])[], textColumns = 1): string {
  const th = head.map((h, i) => `<th${i < textColumns ? ' class="t"' : ''}>${h}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c, i) => `<td${i < textColumns ? ' class="t"' : ''}>${c}</td>`).join('')}</tr>`).join('');
  return `<div class="wide"><table class="metrics kv"><thead><tr>${th}</tr></thead><tbody>${body}</tbody></table></div>`;
}

const fig = (v: unknown, kind: FigureKind): string => escapeHtml(formatFigure(v, kind));
const day = (ts: number): string => escapeHtml(Number.isFinite(ts) ? formatTime(ts) : '—');

/** @internal The curve up to its first non-positive point (a total loss): returns after ruin are undefined. */
export function usable(curve: TearsheetCurve): TearsheetCurve {
  for (let i = 0; i < curve.values.length; i++) if (!(curve.values[i]! > 0)) return { ts: curve.ts.subarray(0, i), values: curve.values.subarray(0, i) };
  return curve;
}

/** @internal The name of one period of a curve: day, week, month, or period. */
export function periodName(ts: ArrayLike<number>): string {
  const steps: number[] = [];
  for (let i = 1; i < ts.length; i++) steps.push(ts[i]! - ts[i - 1]!);
  if (steps.length === 0) return 'period';
  steps.sort((a, b) => a - b);
  const median = steps[Math.floor(steps.length / 2)]! / 86_400_000;
  return median >= 0.9 && median <= 4 ? 'day' : median >= 6 && median <= 8 ? 'week' : median >= 27 && median <= 32 ? 'month' : 'period';
}

/**
 * @internal The run's settings: strategy and parameters, cost assumptions, starting cash, instruments, period,
 * periods per year, benchmark and rolling window. Parameters and costs come from the options when given,
 * else from `result.settings`.
 */
export function settingsSection(result: ReportableResult, curve: TearsheetCurve, o: TearsheetOptions, periodsPerYear: number, walkForward = false): string {
  const s = result.settings;
  const parameters = o.parameters ?? s?.parameters;
  const costs = o.costs ?? s?.costs;
  const instruments = s?.instruments ?? [...new Set(result.fills.map((f) => String(f.instrumentId)))];
  // Objects as `key=value` pairs, a model's name first (`model=fixedBps bps=2`).
  const json = (v: unknown): string =>
    typeof v === 'string'
      ? v
      : v !== null && typeof v === 'object' && !Array.isArray(v)
        ? Object.entries(v)
            .sort(([a], [b]) => Number(b === 'model') - Number(a === 'model'))
            .map(([k, x]) => `${k}=${json(x)}`)
            .join(' ')
        : JSON.stringify(v);
  const rows: string[][] = [];
  if (s?.strategy) rows.push(['Strategy', escapeHtml(s.strategy)]);
  if (parameters && Object.keys(parameters).length > 0) rows.push(['Parameters', escapeHtml(json(parameters))]);
  else rows.push(['Parameters', walkForward ? '<span class="muted">chosen in each fold (see the fold table)</span>' : '<span class="muted">not recorded (pass <code>parameters</code>)</span>']);
  if (costs && Object.keys(costs).length > 0) {
    for (const [k, v] of Object.entries(costs)) {
      const text = k === 'commission' && typeof v === 'number' ? `${formatFigure(v, 'percent')} of notional per fill` : json(v);
      rows.push([escapeHtml(`Costs: ${humanize(k).toLowerCase()}`), escapeHtml(text)]);
    }
    // What a venue config leaves out is the simulated venue's default: say so rather than say nothing.
    const venues = Object.values(costs).every((v) => v !== null && typeof v === 'object' && !Array.isArray(v)) ? (Object.values(costs) as object[]) : [costs];
    const unset = (keys: readonly string[]): boolean => venues.every((v) => keys.every((k) => !(k in v)));
    if (unset(['commission', 'fees', 'feeModel'])) rows.push(['Costs: fees', '<span class="muted">none listed (the simulated venue charges none by default)</span>']);
    if (unset(['slippage', 'slippageModel'])) rows.push(['Costs: slippage', '<span class="muted">none listed (the simulated venue applies none by default)</span>']);
    if (unset(['latency'])) rows.push(['Costs: latency', '<span class="muted">none listed (0 ms by default)</span>']);
  } else rows.push(['Costs', '<span class="muted">not recorded (pass <code>costs</code>)</span>']);
  rows.push(['Starting cash', fig(String(result.summary.startingCash), 'money')]);
  rows.push(['Instruments', instruments.length > 0 ? escapeHtml(instruments.join(', ')) : '—']);
  const n = curve.ts.length;
  rows.push(['Period', n > 0 ? `${day(curve.ts[0]!)} to ${day(curve.ts[n - 1]!)} (${fig(Math.max(0, n - 1), 'integer')} ${periodName(curve.ts)}s)` : '—']);
  rows.push(['Periods per year', fig(periodsPerYear, 'integer')]);
  if (o.benchmark) rows.push(['Benchmark', escapeHtml(o.benchmark.name)]);
  rows.push(['Rolling window', `${fig(o.rollingWindow, 'integer')} periods`]);
  if (!o.bars) rows.push(['Price and exposure charts', '<span class="muted">pass the traded instruments\' <code>bars</code> to draw them</span>']);
  const half = Math.ceil(rows.length / 2);
  return card('Run settings', `<div class="grid2">${table(['Setting', 'Value'], rows.slice(0, half))}${table(['Setting', 'Value'], rows.slice(half))}</div>`);
}

/** @internal The benchmark rebased to the strategy's equity where the benchmark starts, for the equity chart. */
export function benchmarkLine(curve: TearsheetCurve, benchmark: z.output<typeof BenchmarkSeriesSchema>, maxPoints: number): LineSeries | undefined {
  const { aligned, from } = pairReturns({ ts: curve.ts, equity: curve.values }, benchmark);
  if (from >= curve.ts.length) return undefined;
  const base = curve.values[from]! / aligned[from]!;
  const values = aligned.subarray(from).map((v) => v * base);
  const points = downsampleMinMax({ ts: curve.ts.subarray(from), values }, maxPoints).map(([t, v]) => [t, round(v, 2)] as const);
  return { name: `${benchmark.name} (rebased)`, points };
}

/** @internal The benchmark comparison: both sides' figures over the paired periods, alpha, beta and correlation. */
export function benchmarkSection(curve: TearsheetCurve, benchmark: z.output<typeof BenchmarkSeriesSchema>, periodsPerYear: number, which = ''): { html: string; metrics: BenchmarkMetrics } | undefined {
  const paired = pairReturns({ ts: curve.ts, equity: curve.values }, benchmark);
  if (paired.strategy.length < 2) return undefined;
  const m = benchmarkMetrics(paired.strategy, paired.benchmark, periodsPerYear);
  // The strategy's own figures over the same periods, by the same function with the roles swapped.
  const own = benchmarkMetrics(paired.benchmark, paired.strategy, periodsPerYear).benchmark;
  const rows: Array<[string, keyof BenchmarkMetrics['benchmark'], FigureKind]> = [
    ['Total return', 'totalReturn', 'percent'],
    ['Annualized return', 'annualizedReturn', 'percent'],
    ['Annualized volatility', 'annualizedVolatility', 'percent'],
    ['Sharpe ratio (annualized)', 'sharpeRatio', 'ratio'],
    ['Sortino ratio (annualized)', 'sortinoRatioAnnualized', 'ratio'],
    ['Max drawdown', 'maxDrawdown', 'percent'],
  ];
  const body = rows.map(([label, key, kind]) => [label, fig(own[key], kind), fig(m.benchmark[key], kind)]);
  body.push(['Alpha (annualized: per-period intercept x periods per year)', fig(m.alpha, 'percent'), '—']);
  body.push(['Alpha (per period)', fig(m.alphaPerPeriod, 'number'), '—']);
  body.push(['Beta', fig(m.beta, 'ratio'), fig(1, 'ratio')]);
  body.push(['Correlation', fig(m.correlation, 'ratio'), fig(1, 'ratio')]);
  const note =
    paired.from > 0
      ? ` from ${day(curve.ts[paired.from]!)}, where the benchmark starts`
      : '';
  return {
    metrics: m,
    html: card(
      `Against ${escapeHtml(benchmark.name)}<span class="note">${fig(m.periods, 'integer')} paired periods${note}; benchmark closes as of each equity time${which}</span>`,
      table(['Metric', 'Strategy', escapeHtml(benchmark.name)], body),
    ),
  };
}

function rollingPoints(curve: TearsheetCurve, r: RollingSeries, offset: number, digits: number): Array<readonly [number, number]> {
  return Array.from(r.end, (e, k) => [curve.ts[offset + e + 1]!, round(r.values[k]!, digits)] as const);
}

/** @internal Rolling Sharpe, volatility and (with a benchmark) beta charts, or a note when the run is shorter than the window. */
export function rollingSections(curve: TearsheetCurve, o: TearsheetOptions, periodsPerYear: number, charts: ChartSpec[], which = ''): string {
  const returns = curve.values.length > 1 ? simpleReturns(curve.values) : new Float64Array(0);
  const w = o.rollingWindow;
  if (returns.length < w) return card('Rolling figures', `<p class="muted">The run has ${fig(returns.length, 'integer')} periods, fewer than the ${fig(w, 'integer')}-period window.</p>`);
  // Bounded work and points on long runs: about twice maxChartPoints windows are computed.
  const step = Math.max(1, Math.floor(returns.length / (2 * o.maxChartPoints)));
  const config = { periodsPerYear, window: w, step };
  const sharpe = timeLineChart({ id: 'chart-rolling-sharpe', series: [{ name: `Sharpe, ${w} periods`, points: rollingPoints(curve, rollingSharpe(returns, config), 0, 4) }], kind: 'ratio', references: [0] });
  const vol = timeLineChart({ id: 'chart-rolling-volatility', series: [{ name: `Volatility, ${w} periods`, points: rollingPoints(curve, rollingVolatility(returns, config), 0, 6) }], kind: 'percent', area: true });
  charts.push(sharpe, vol);
  let html = `<div class="grid2 row2">${card(`Rolling Sharpe ratio<span class="note">annualized, ${fig(w, 'integer')}-period window${which}</span>`, chartDiv(sharpe))}${card(`Rolling volatility<span class="note">annualized, ${fig(w, 'integer')}-period window${which}</span>`, chartDiv(vol))}</div>`;
  if (o.benchmark) {
    const paired = pairReturns({ ts: curve.ts, equity: curve.values }, o.benchmark);
    if (paired.strategy.length >= w) {
      const beta = timeLineChart({ id: 'chart-rolling-beta', series: [{ name: `Beta to ${o.benchmark.name}, ${w} periods`, points: rollingPoints(curve, rollingBeta(paired.strategy, paired.benchmark, config), paired.from, 4) }], kind: 'ratio', references: [0, 1] });
      charts.push(beta);
      html += card(`Rolling beta to ${escapeHtml(o.benchmark.name)}<span class="note">${fig(w, 'integer')}-period window; dashed lines at 0 and 1${which}</span>`, chartDiv(beta));
    }
  }
  return html;
}

/** The traded instrument: the one with the most fills that has bars, else the first with bars. */
function tradedInstrument(fills: readonly ReportableFill[], bars: readonly ReportBar[]): string | undefined {
  const withBars = new Set(bars.map((b) => b.instrumentId));
  const counts = new Map<string, number>();
  for (const f of fills) if (withBars.has(String(f.instrumentId))) counts.set(String(f.instrumentId), (counts.get(String(f.instrumentId)) ?? 0) + 1);
  let best: string | undefined;
  for (const [id, c] of counts) if (best === undefined || c > counts.get(best)!) best = id;
  return best ?? bars[0]?.instrumentId;
}

/** @internal Entries (a fill that opens or adds to a position), exits (one that reduces or closes it) and reversals (one through zero: both). */
export function fillMarkers(fills: readonly ReportableFill[], instrument: string): { entries: FillMarker[]; exits: FillMarker[]; reversals: FillMarker[] } {
  const entries: FillMarker[] = [];
  const exits: FillMarker[] = [];
  const reversals: FillMarker[] = [];
  let position: Decimal = ZERO;
  for (const f of fills) {
    if (String(f.instrumentId) !== instrument) continue;
    const q = new Decimal(String(f.quantity));
    const side = f.side === 'BUY' ? 'BUY' : 'SELL';
    const after = side === 'BUY' ? position.plus(q) : position.minus(q);
    const text = `${side} ${q.toString()} @ ${String(f.price)} on ${formatTime(f.ts)}`;
    const m = (label: string): FillMarker => ({ ts: f.ts, price: Number(String(f.price)), side, label: `${label}: ${text}` });
    const reduces = !position.isZero() && (after.isZero() || after.s !== position.s || after.abs().lt(position.abs()));
    const crosses = !position.isZero() && !after.isZero() && after.s !== position.s;
    if (crosses) reversals.push(m('Reversal (exit and entry)'));
    else if (reduces) exits.push(m('Exit'));
    else entries.push(m('Entry'));
    position = after;
  }
  return { entries, exits, reversals };
}

/** @internal The price chart with entries and exits, and the gross exposure chart; both need bars. */
export function priceAndExposureSection(result: ReportableResult, curve: TearsheetCurve, o: TearsheetOptions, charts: ChartSpec[], which = ''): string {
  const bars = o.bars;
  if (!bars || bars.length === 0) return '';
  const instrument = tradedInstrument(result.fills, bars)!;
  const byId = new Map<string, { ts: number[]; close: number[] }>();
  for (const b of bars) {
    let s = byId.get(b.instrumentId);
    if (!s) byId.set(b.instrumentId, (s = { ts: [], close: [] }));
    s.ts.push(b.ts);
    s.close.push(b.close);
  }
  const own = byId.get(instrument)!;
  const closes = downsampleMinMax({ ts: own.ts, values: own.close }, o.maxChartPoints);
  const price = priceChart(instrument, closes, fillMarkers(result.fills, instrument));
  const prices: InstrumentCloses[] = [...byId].map(([instrumentId, s]) => ({ instrumentId, ts: s.ts, close: s.close, multiplier: o.multipliers?.[instrumentId] ?? 1 }));
  const held = new Set(result.fills.map((f) => String(f.instrumentId)));
  const missing = [...held].filter((id) => !byId.has(id));
  charts.push(price);
  let html = card(
    `${escapeHtml(instrument)} with entries and exits<span class="note">closes from the bars passed to the report; solid triangles are entries, hollow ones exits, ringed ones reversals (up: buy, down: sell)${which}</span>`,
    chartDiv(price),
  );
  if (missing.length > 0) {
    html += card('Gross exposure', `<p class="muted">Not drawn: no bars for ${escapeHtml(missing.join(', '))}, which the run held.</p>`);
    return html;
  }
  const exposure = grossExposure({ ts: curve.ts, equity: curve.values }, result.fills, prices);
  const chart = timeLineChart({
    id: 'chart-exposure',
    series: [{ name: 'Gross exposure / equity', points: downsampleMinMax({ ts: curve.ts, values: exposure }, o.maxChartPoints).map(([t, v]) => [t, round(v, 6)] as const) }],
    kind: 'percent',
    area: true,
    height: 200,
  });
  charts.push(chart);
  let sum = 0;
  let count = 0;
  for (const x of exposure)
    if (Number.isFinite(x)) {
      sum += x;
      count++;
    }
  html += card(
    `Gross exposure<span class="note">sum of |position| x close x multiplier over equity, at each equity point; mean ${fig(count > 0 ? sum / count : NaN, 'percent')}${which}</span>`,
    chartDiv(chart),
  );
  return html;
}

/** @internal The five worst drawdowns and the return statistics (VaR, CVaR, best and worst, streaks), side by side. */
export function drawdownsAndRiskSection(curve: TearsheetCurve, which = ''): string {
  const worst = worstDrawdowns(curve.ts, curve.values, 5);
  const ddRows = worst.map((d, i) => [
    String(i + 1),
    day(d.start),
    day(d.trough),
    d.recovery === undefined ? '<span class="muted">not recovered</span>' : day(d.recovery),
    `<span class="neg">${fig(-d.depth, 'percent')}</span>`,
    fig(d.days, 'integer'),
  ]);
  const dd =
    worst.length > 0
      ? table(['#', 'Start (peak)', 'Trough', 'Recovery', 'Depth', 'Days'], ddRows, 4)
      : '<p class="muted">No drawdown: equity never fell below a previous high.</p>';
  const s = returnStatistics(curve.ts, curve.values);
  const unit = periodName(curve.ts);
  const level = `${Math.round(s.confidence * 100)}%`;
  const when = (ts: number, month = false): string => (Number.isFinite(ts) ? escapeHtml(month ? formatTime(ts).slice(0, 7) : formatTime(ts)) : '');
  const streak = (x: { periods: number; start: number; end: number }): [string, string] =>
    x.periods === 0 ? ['—', ''] : [`${fig(x.periods, 'integer')} ${unit}s`, `${day(x.start)} to ${day(x.end)}`];
  const rows = [
    [`VaR ${level}, historical`, fig(s.valueAtRisk, 'percent'), ''],
    [`CVaR ${level} (expected shortfall)`, fig(s.expectedShortfall, 'percent'), ''],
    [`Best ${unit}`, fig(s.bestPeriod.value, 'percent'), when(s.bestPeriod.ts)],
    [`Worst ${unit}`, fig(s.worstPeriod.value, 'percent'), when(s.worstPeriod.ts)],
    ['Best month', fig(s.bestMonth.value, 'percent'), when(s.bestMonth.ts, true)],
    ['Worst month', fig(s.worstMonth.value, 'percent'), when(s.worstMonth.ts, true)],
    ['Longest winning streak', ...streak(s.longestWinStreak)],
    ['Longest losing streak', ...streak(s.longestLossStreak)],
  ];
  return `<div class="grid2 row2">${card(`Worst drawdowns<span class="note">peak to recovery, in calendar days${which}</span>`, dd)}${card(
    `Returns and risk<span class="note">one ${unit}'s return; VaR is its ${100 - Math.round(s.confidence * 100)}th percentile, CVaR the mean below it${which}</span>`,
    table(['Figure', 'Value', 'When'], rows),
  )}</div>`;
}

const CHART_LABELS: Readonly<Record<string, string>> = {
  'chart-equity': 'Equity curve',
  'chart-drawdown': 'Drawdown curve',
  'chart-monthly': 'Monthly returns heatmap',
  'chart-histogram': 'Histogram of returns per period',
  'chart-parameters': 'Parameter heatmap of the sweep objective',
  'chart-folds': 'In-sample and out-of-sample objective by walk-forward fold',
  'chart-price': 'Price of the traded instrument with entry and exit markers',
  'chart-exposure': 'Gross exposure over equity',
  'chart-rolling-sharpe': 'Rolling Sharpe ratio',
  'chart-rolling-volatility': 'Rolling volatility',
  'chart-rolling-beta': 'Rolling beta to the benchmark',
};

/** @internal The container of a chart. */
export function chartDiv(spec: ChartSpec, label?: string): string {
  const aria = label ?? CHART_LABELS[spec.id] ?? spec.id;
  return `<div class="chart" id="${escapeHtml(spec.id)}" data-chart="${escapeHtml(spec.id)}" role="img" aria-label="${escapeHtml(aria)}" style="height:${spec.height}px"></div>`;
}

/**
 * ECharts options for the report's charts, built here as plain JSON so they can be embedded in the
 * file and tested without a browser. Formatters cannot travel as JSON: a string `"$fmt:NAME"` stands
 * for the page script's formatter NAME (see `report-client.ts`).
 */
import type { HistogramBin } from './histogram';
import type { MonthlyReturns } from './monthly-returns';

/** One chart: the id of its container and its ECharts option. */
export interface ChartSpec {
  readonly id: string;
  /** Charts of one group zoom together (equity and drawdown). */
  readonly group?: string;
  readonly height: number;
  readonly option: Record<string, unknown>;
}

/** A line to draw: a name and `[ts, value]` points. */
export interface LineSeries {
  readonly name: string;
  readonly points: ReadonlyArray<readonly [number, number]>;
}

/**
 * The report's palette: distinguishable, colour-blind-friendly first few.
 *
 * @example
 * ```ts
 * PALETTE[0] // '#2f6fde', the first run's line
 * ```
 */
export const PALETTE = ['#2f6fde', '#e8833a', '#3ba272', '#9a60b4', '#d14a61', '#17a2b8', '#8c6d31', '#7f7f7f', '#bcbd22', '#e377c2'] as const;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

const base = (): Record<string, unknown> => ({
  animation: false,
  useUTC: true,
  color: [...PALETTE],
  textStyle: { fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif' },
});

const axisStyle = { axisLine: { lineStyle: { color: '#cbd2d9' } }, axisLabel: { color: '#52606d' }, splitLine: { lineStyle: { color: '#eef1f4' } } };

/**
 * The equity chart: one line per run (an overlay when there are several), with a zoom slider and
 * optional dashed vertical lines (walk-forward fold boundaries).
 *
 * @example
 * ```ts
 * equityChart([{ name: 'SMA 10/30', points: [[t0, 100000], [t1, 101250]] }])
 * ```
 */
export function equityChart(series: readonly LineSeries[], boundaries: readonly number[] = [], benchmark?: LineSeries): ChartSpec {
  const multi = series.length > 1;
  const legend = multi || benchmark !== undefined;
  return {
    id: 'chart-equity',
    group: 'time',
    height: 340,
    option: {
      ...base(),
      grid: { left: 72, right: 24, top: legend ? 40 : 24, bottom: 64 },
      legend: legend ? { top: 4, type: 'scroll' } : { show: false },
      tooltip: { trigger: 'axis', valueFormatter: '$fmt:money' },
      xAxis: { type: 'time', ...axisStyle, splitLine: { show: false } },
      yAxis: { type: 'value', scale: true, ...axisStyle, axisLabel: { color: '#52606d', formatter: '$fmt:compact' } },
      dataZoom: [
        { type: 'inside', filterMode: 'none' },
        { type: 'slider', height: 20, bottom: 12, filterMode: 'none' },
      ],
      series: series.map((s, i) => ({
        type: 'line',
        name: s.name,
        data: s.points,
        showSymbol: false,
        lineStyle: { width: multi ? 1.5 : 1.8 },
        ...(multi ? {} : { areaStyle: { opacity: 0.08 } }),
        color: PALETTE[i % PALETTE.length],
        // Walk-forward fold boundaries: where each out-of-sample window starts.
        ...(i === 0 && boundaries.length > 0
          ? { markLine: { symbol: 'none', silent: true, label: { show: false }, lineStyle: { color: '#9aa5b1', type: 'dashed', width: 1 }, data: boundaries.map((t) => ({ xAxis: t })) } }
          : {}),
      })).concat(
        benchmark
          ? [{ type: 'line', name: benchmark.name, data: benchmark.points, showSymbol: false, lineStyle: { width: 1.4, type: 'dashed' }, color: '#52606d' } as never]
          : [],
      ),
    },
  };
}

/** A fill marker on the price chart. */
export interface FillMarker {
  readonly ts: number;
  readonly price: number;
  readonly side: 'BUY' | 'SELL';
  /** What the tooltip says. */
  readonly label: string;
}

/**
 * The traded instrument's closes with its fills: entries as solid triangles, exits as hollow ones,
 * reversals (a fill through zero: an exit and an entry) as solid triangles with a dark ring, pointing up
 * for buys (green) and down for sells (red). Zooms with the equity chart.
 *
 * @example
 * ```ts
 * priceChart('GOOG.NASDAQ', [[t0, 100.34], [t1, 108.31]], { entries: [{ ts: t1, price: 108.5, side: 'BUY', label: 'Entry: BUY 100 @ 108.5' }], exits: [], reversals: [] })
 * ```
 */
export function priceChart(
  instrument: string,
  closes: ReadonlyArray<readonly [number, number]>,
  markers: { readonly entries: readonly FillMarker[]; readonly exits: readonly FillMarker[]; readonly reversals: readonly FillMarker[] },
): ChartSpec {
  const style = { entries: 'solid', exits: 'hollow', reversals: 'ringed' } as const;
  const marker = (m: FillMarker, kind: 'solid' | 'hollow' | 'ringed'): Record<string, unknown> => {
    const color = m.side === 'BUY' ? '#1e8449' : '#c0392b';
    return {
      value: [m.ts, m.price],
      name: m.label,
      symbolRotate: m.side === 'BUY' ? 0 : 180,
      itemStyle:
        kind === 'hollow' ? { color: '#ffffff', borderColor: color, borderWidth: 1.6 } : kind === 'ringed' ? { color, borderColor: '#1f2933', borderWidth: 1.2 } : { color, borderColor: '#ffffff', borderWidth: 0.6 },
    };
  };
  const names = { entries: 'Entries', exits: 'Exits', reversals: 'Reversals (exit and entry)' } as const;
  // Only kinds that occur get a series, so every series of the chart has data.
  const kinds = (['entries', 'exits', 'reversals'] as const).filter((k) => markers[k].length > 0);
  return {
    id: 'chart-price',
    group: 'time',
    height: 320,
    option: {
      ...base(),
      grid: { left: 72, right: 24, top: 40, bottom: 28 },
      legend: { top: 4, data: [`${instrument} close`, ...kinds.map((k) => names[k])] },
      tooltip: { trigger: 'item', formatter: '$fmt:pointTip' },
      xAxis: { type: 'time', ...axisStyle, splitLine: { show: false }, axisPointer: { show: true, label: { show: true, formatter: '$fmt:dateLabel' } } },
      yAxis: { type: 'value', scale: true, ...axisStyle, axisLabel: { color: '#52606d', formatter: '$fmt:compact' }, axisPointer: { show: true, label: { show: true, formatter: '$fmt:numLabel' } } },
      dataZoom: [{ type: 'inside', filterMode: 'none' }],
      series: [
        { type: 'line', name: `${instrument} close`, data: closes, showSymbol: false, lineStyle: { width: 1.3 }, color: '#2f6fde' },
        ...kinds.map((k) => ({ type: 'scatter', name: names[k], symbol: 'triangle', symbolSize: 11, data: markers[k].map((m) => marker(m, style[k])), color: k === 'exits' ? '#9aa5b1' : '#52606d', z: 3 })),
      ],
    },
  };
}

/**
 * A line chart over time of a ratio or fraction (rolling Sharpe, rolling volatility, rolling beta,
 * exposure), with optional reference lines, zooming with the equity chart.
 *
 * @example
 * ```ts
 * timeLineChart({ id: 'chart-rolling-sharpe', series: [{ name: 'Sharpe', points }], kind: 'ratio', references: [0] })
 * ```
 */
export function timeLineChart(input: {
  readonly id: string;
  readonly series: readonly LineSeries[];
  readonly kind: 'ratio' | 'percent';
  readonly references?: readonly number[];
  readonly height?: number;
  readonly area?: boolean;
}): ChartSpec {
  const pct = input.kind === 'percent';
  const legend = input.series.length > 1;
  return {
    id: input.id,
    group: 'time',
    height: input.height ?? 240,
    option: {
      ...base(),
      grid: { left: 64, right: 24, top: legend ? 36 : 16, bottom: 28 },
      legend: legend ? { top: 4 } : { show: false },
      tooltip: { trigger: 'axis', valueFormatter: pct ? '$fmt:pct' : '$fmt:num' },
      xAxis: { type: 'time', ...axisStyle, splitLine: { show: false } },
      yAxis: { type: 'value', scale: !pct, ...axisStyle, axisLabel: { color: '#52606d', formatter: pct ? '$fmt:pctAxis' : '$fmt:num' } },
      dataZoom: [{ type: 'inside', filterMode: 'none' }],
      series: input.series.map((s, i) => ({
        type: 'line',
        name: s.name,
        data: s.points,
        showSymbol: false,
        lineStyle: { width: 1.4, ...(i > 0 ? { type: 'dashed' } : {}) },
        color: i === 0 ? PALETTE[0] : '#52606d',
        ...(input.area && i === 0 ? { areaStyle: { opacity: 0.12 } } : {}),
        ...(i === 0 && input.references && input.references.length > 0
          ? { markLine: { symbol: 'none', silent: true, label: { show: false }, lineStyle: { color: '#9aa5b1', type: 'dashed', width: 1 }, data: input.references.map((y) => ({ yAxis: y })) } }
          : {}),
      })),
    },
  };
}

/**
 * The drawdown chart (fractions <= 0), zooming together with the equity chart.
 *
 * @example
 * ```ts
 * drawdownChart([{ name: 'SMA 10/30', points: [[t0, 0], [t1, -0.12]] }])
 * ```
 */
export function drawdownChart(series: readonly LineSeries[]): ChartSpec {
  const multi = series.length > 1;
  return {
    id: 'chart-drawdown',
    group: 'time',
    height: 200,
    option: {
      ...base(),
      grid: { left: 72, right: 24, top: multi ? 36 : 16, bottom: 28 },
      legend: multi ? { top: 4, type: 'scroll' } : { show: false },
      tooltip: { trigger: 'axis', valueFormatter: '$fmt:pct' },
      xAxis: { type: 'time', ...axisStyle, splitLine: { show: false } },
      yAxis: { type: 'value', max: 0, ...axisStyle, axisLabel: { color: '#52606d', formatter: '$fmt:pctAxis' } },
      dataZoom: [{ type: 'inside', filterMode: 'none' }],
      series: series.map((s, i) => ({
        type: 'line',
        name: s.name,
        data: s.points,
        showSymbol: false,
        lineStyle: { width: 1.2 },
        color: multi ? PALETTE[i % PALETTE.length] : '#d14a61',
        ...(multi ? {} : { areaStyle: { opacity: 0.25 } }),
      })),
    },
  };
}

/**
 * The monthly-returns heatmap: years down, months across, and the year's return in the last column.
 *
 * @example
 * ```ts
 * monthlyHeatmap(monthlyReturns(curve.ts, curve.equity))
 * ```
 */
export function monthlyHeatmap(table: MonthlyReturns): ChartSpec {
  const years = table.years.map((y) => String(y.year));
  const row = new Map(table.years.map((y, i) => [y.year, i]));
  const data: Array<{ name: string; value: [number, number, number] }> = [];
  let extreme = 0.01;
  for (const m of table.months) {
    if (!Number.isFinite(m.value)) continue;
    extreme = Math.max(extreme, Math.abs(m.value));
    data.push({ name: `${MONTHS[m.month]} ${m.year}`, value: [m.month, row.get(m.year)!, m.value] });
  }
  for (const y of table.years) if (Number.isFinite(y.value)) data.push({ name: `${y.year} (year)`, value: [12, row.get(y.year)!, y.value] });
  return {
    id: 'chart-monthly',
    height: Math.max(220, 84 + 28 * years.length),
    option: {
      ...base(),
      grid: { left: 56, right: 16, top: 8, bottom: 56 },
      tooltip: { formatter: '$fmt:heatTipPct' },
      xAxis: { type: 'category', data: [...MONTHS, 'Year'], splitArea: { show: true }, axisTick: { show: false }, axisLine: { show: false }, axisLabel: { color: '#52606d' } },
      yAxis: { type: 'category', data: years, inverse: true, splitArea: { show: true }, axisTick: { show: false }, axisLine: { show: false }, axisLabel: { color: '#52606d' } },
      visualMap: {
        type: 'continuous',
        min: -extreme,
        max: extreme,
        calculable: false,
        orient: 'horizontal',
        left: 'center',
        bottom: 4,
        itemHeight: 160,
        itemWidth: 10,
        text: ['gain', 'loss'],
        textStyle: { color: '#52606d' },
        formatter: '$fmt:pctAxis',
        inRange: { color: ['#c0392b', '#f4a582', '#f7f7f7', '#a6dba0', '#1e8449'] },
      },
      series: [
        {
          type: 'heatmap',
          name: 'Monthly return',
          data,
          label: { show: true, formatter: '$fmt:heatPct', fontSize: 11, color: '#1f2933' },
          itemStyle: { borderColor: '#fff', borderWidth: 1 },
          emphasis: { itemStyle: { borderColor: '#1f2933', borderWidth: 1 } },
        },
      ],
    },
  };
}

/**
 * The histogram of per-period returns, losses in red and gains in green.
 *
 * @example
 * ```ts
 * returnsHistogram(histogram(simpleReturns(equity)))
 * ```
 */
export function returnsHistogram(bins: readonly HistogramBin[]): ChartSpec {
  const pct = (x: number): string => `${(x * 100).toFixed(2)}%`;
  return {
    id: 'chart-histogram',
    height: 300,
    option: {
      ...base(),
      grid: { left: 56, right: 16, top: 16, bottom: 56 },
      tooltip: { trigger: 'item', formatter: '$fmt:binTip' },
      xAxis: {
        type: 'category',
        // Bins are labelled by their lower edge (zero is an edge); about ten labels are shown.
        data: bins.map((b) => pct(b.from)),
        axisLabel: { color: '#52606d', rotate: 45, fontSize: 10, interval: Math.max(0, Math.ceil(bins.length / 10) - 1) },
        axisTick: { alignWithLabel: true },
        axisLine: { lineStyle: { color: '#cbd2d9' } },
        name: 'return per period (bin start)',
        nameLocation: 'middle',
        nameGap: 44,
        nameTextStyle: { color: '#52606d' },
      },
      yAxis: { type: 'value', ...axisStyle, name: 'count', nameTextStyle: { color: '#52606d' } },
      series: [
        {
          type: 'bar',
          name: 'Periods',
          barCategoryGap: '8%',
          data: bins.map((b) => ({
            value: b.count,
            name: `${pct(b.from)} to ${pct(b.to)}`,
            // Zero is a bin edge (see histogram.ts): a bin is all losses or all non-negative returns.
            itemStyle: { color: b.to <= 0 && b.from < 0 ? '#d98880' : '#7dcea0' },
          })),
        },
      ],
    },
  };
}

function shortNumber(x: number): string {
  return Number.isFinite(x) ? String(Number(x.toPrecision(4))) : '';
}

/** A cell of the parameter heatmap. */
export interface ParameterCell {
  readonly x: number;
  readonly y: number;
  readonly value: number;
  readonly name: string;
}

/**
 * The sweep's parameter heatmap: two parameters on the axes, the objective as colour.
 *
 * @example
 * ```ts
 * parameterHeatmap({ xName: 'fast', yName: 'slow', xValues: ['5', '10'], yValues: ['20', '30'], objective: 'sharpeRatio', cells })
 * ```
 */
export function parameterHeatmap(input: {
  readonly xName: string;
  readonly yName: string;
  readonly xValues: readonly string[];
  readonly yValues: readonly string[];
  readonly objective: string;
  readonly cells: readonly ParameterCell[];
}): ChartSpec {
  const finite = input.cells.map((c) => c.value).filter(Number.isFinite);
  const min = finite.length ? Math.min(...finite) : 0;
  const max = finite.length ? Math.max(...finite) : 1;
  return {
    id: 'chart-parameters',
    height: Math.min(720, Math.max(320, 110 + 30 * input.yValues.length)),
    option: {
      ...base(),
      grid: { left: 72, right: 96, top: 16, bottom: 64 },
      tooltip: { formatter: '$fmt:heatTipNum' },
      xAxis: { type: 'category', data: input.xValues, name: input.xName, nameLocation: 'middle', nameGap: 32, splitArea: { show: true }, axisLabel: { color: '#52606d' }, nameTextStyle: { color: '#1f2933', fontWeight: 600 } },
      yAxis: { type: 'category', data: input.yValues, name: input.yName, nameLocation: 'middle', nameGap: 48, splitArea: { show: true }, axisLabel: { color: '#52606d' }, nameTextStyle: { color: '#1f2933', fontWeight: 600 } },
      visualMap: {
        type: 'continuous',
        min,
        max: max > min ? max : min + 1,
        calculable: false,
        orient: 'vertical',
        right: 16,
        top: 'middle',
        itemHeight: 180,
        text: [shortNumber(max), shortNumber(min)],
        textStyle: { color: '#52606d' },
        formatter: '$fmt:num',
        inRange: { color: ['#440154', '#3b528b', '#21918c', '#5ec962', '#fde725'] },
      },
      series: [
        {
          type: 'heatmap',
          name: input.objective,
          data: input.cells.filter((c) => Number.isFinite(c.value)).map((c) => ({ name: c.name, value: [c.x, c.y, c.value] })),
          label: { show: input.xValues.length <= 16, formatter: '$fmt:heatNum', fontSize: 12, color: '#fff', textBorderColor: 'rgba(0,0,0,0.45)', textBorderWidth: 2 },
          itemStyle: { borderColor: '#fff', borderWidth: 1 },
        },
      ],
    },
  };
}

/**
 * In-sample against out-of-sample objective by walk-forward fold: the gap is the overfitting.
 *
 * @example
 * ```ts
 * foldsChart([{ label: '1', inSample: 1.4, outOfSample: 0.6 }], 'sharpeRatio')
 * ```
 */
export function foldsChart(folds: ReadonlyArray<{ readonly label: string; readonly inSample: number | null; readonly outOfSample: number | null }>, objective: string): ChartSpec {
  const clean = (v: number | null): number | null => (v === null || !Number.isFinite(v) ? null : Number(v.toPrecision(6)));
  return {
    id: 'chart-folds',
    height: 300,
    option: {
      ...base(),
      grid: { left: 64, right: 24, top: 40, bottom: 48 },
      legend: { top: 4 },
      tooltip: { trigger: 'axis', valueFormatter: '$fmt:num' },
      xAxis: { type: 'category', data: folds.map((f) => f.label), name: 'fold', nameLocation: 'middle', nameGap: 30, axisLabel: { color: '#52606d' }, nameTextStyle: { color: '#52606d' } },
      yAxis: { type: 'value', name: objective, ...axisStyle, nameTextStyle: { color: '#52606d' } },
      series: [
        { type: 'bar', name: 'in-sample (optimized)', data: folds.map((f) => clean(f.inSample)), color: '#9fb8e8' },
        { type: 'bar', name: 'out-of-sample', data: folds.map((f) => clean(f.outOfSample)), color: '#e8833a' },
      ],
    },
  };
}

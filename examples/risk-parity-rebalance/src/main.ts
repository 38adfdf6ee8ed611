/**
 * The example: monthly risk-parity rebalancing of 13 EDHEC hedge-fund style indices in a backtest,
 * compared with equal weights rebalanced on the same days. Flags: --lookback N (months, default 36),
 * --cash N (default 1000000), --commission F (fraction of notional, default 0), --drift F (trade a month
 * only when a weight is more than F off its target; default: every month), --json.
 */
import { parseArgs } from 'node:util';
import { instrumentRegistry } from '@rxtrade/core';
import { runBacktest, type RunResult } from '@rxtrade/backtest';
import { attributePnl, capmAlpha, capmBeta, informationRatio, trackingError } from '@rxtrade/portfolio';
import { readIndexData, type IndexData } from './data';
import { summarize, type PerformanceSummary } from './report';
import { monthlyRebalance, type Allocation } from './strategy';

/** Options of {@link runComparison}. */
export interface ComparisonOptions {
  readonly lookback: number;
  readonly cash: number;
  readonly commission: number;
  /** Trade a month's target only when a weight is more than this many points off it (see `monthlyRebalance`). */
  readonly driftBand?: number;
}

/** Both runs, their summaries and the comparison figures. */
export interface Comparison {
  readonly data: IndexData;
  readonly riskParity: { readonly result: RunResult; readonly summary: PerformanceSummary };
  readonly equalWeight: { readonly result: RunResult; readonly summary: PerformanceSummary };
  /** Risk parity against equal weights as the benchmark (monthly returns). */
  readonly relative: { readonly trackingError: number; readonly informationRatio: number; readonly beta: number; readonly alphaPerMonth: number };
  /** Risk parity's P&L by index, largest contribution first. */
  readonly contributions: readonly { readonly name: string; readonly contribution: number }[];
}

/**
 * Runs both backtests on the bundled data and computes the comparison.
 *
 * @example
 * ```ts
 * const c = await runComparison({ lookback: 36, cash: 1_000_000, commission: 0 });
 * c.riskParity.summary.sharpe;
 * ```
 */
export async function runComparison(options: ComparisonOptions, data: IndexData = readIndexData()): Promise<Comparison> {
  const run = (allocation: Allocation): Promise<RunResult> =>
    runBacktest(monthlyRebalance({ instruments: data.instruments, allocation, lookback: options.lookback, ...(options.driftBand !== undefined ? { driftBand: options.driftBand } : {}) }), {
      data: data.bars,
      instruments: [...data.instruments],
      ledger: { startingCash: options.cash, baseCurrency: 'USD' },
      venue: { commission: options.commission },
      strategyId: allocation,
    });
  const rp = await run('risk-parity');
  const ew = await run('equal-weight');
  const rpSummary = summarize('risk parity', rp);
  const ewSummary = summarize('equal weight', ew);
  const marks = Object.fromEntries(data.bars.map((series) => [series[0]!.instrumentId, series[series.length - 1]!.close]));
  const rows = attributePnl(rp.fills, { instruments: instrumentRegistry(data.instruments), marks, by: 'instrument', startingEquity: options.cash });
  const nameOf = new Map(data.instruments.map((i, k) => [i.id as string, data.names[k]!]));
  return {
    data,
    riskParity: { result: rp, summary: rpSummary },
    equalWeight: { result: ew, summary: ewSummary },
    relative: {
      trackingError: trackingError(rpSummary.returns, ewSummary.returns, 12),
      informationRatio: informationRatio(rpSummary.returns, ewSummary.returns, 12),
      beta: capmBeta(rpSummary.returns, ewSummary.returns),
      alphaPerMonth: capmAlpha(rpSummary.returns, ewSummary.returns),
    },
    contributions: rows.map((r) => ({ name: nameOf.get(r.key) ?? r.key, contribution: r.contribution })).sort((a, b) => b.contribution - a.contribution),
  };
}

const pct = (x: number, digits = 2): string => `${(x * 100).toFixed(digits)}%`;

/**
 * The comparison as a readable table.
 *
 * @example
 * ```ts
 * console.log(formatComparison(await runComparison({ lookback: 36, cash: 1_000_000, commission: 0 })));
 * ```
 */
export function formatComparison(c: Comparison): string {
  const a = c.riskParity.summary;
  const b = c.equalWeight.summary;
  const row = (label: string, x: string, y: string): string => `${label.padEnd(22)}${x.padStart(16)}${y.padStart(16)}`;
  const lines = [
    `EDHEC indices: ${c.data.names.length} monthly series, ${c.data.dates[0]} to ${c.data.dates[c.data.dates.length - 1]}; measured ${a.from} to ${a.to} (${a.months} months)`,
    '',
    row('', 'risk parity', 'equal weight'),
    row('final equity', a.finalEquity.toFixed(2), b.finalEquity.toFixed(2)),
    row('annualized return', pct(a.annualizedReturn), pct(b.annualizedReturn)),
    row('annualized volatility', pct(a.volatility), pct(b.volatility)),
    row('Sharpe (rf 0)', a.sharpe.toFixed(3), b.sharpe.toFixed(3)),
    row('max drawdown', pct(a.maxDrawdown), pct(b.maxDrawdown)),
    row('Calmar', a.calmar.toFixed(3), b.calmar.toFixed(3)),
    row('fills', String(a.fills), String(b.fills)),
    '',
    `risk parity vs equal weight: tracking error ${pct(c.relative.trackingError)}, information ratio ${c.relative.informationRatio.toFixed(3)}, beta ${c.relative.beta.toFixed(3)}, alpha ${pct(c.relative.alphaPerMonth, 3)} a month`,
    '',
    'risk parity P&L by index (share of starting cash):',
    ...c.contributions.map((x) => `  ${x.name.padEnd(26)}${pct(x.contribution).padStart(10)}`),
  ];
  return lines.join('\n');
}

function numberFlag(name: string, text: string | undefined, fallback: number, check: (v: number) => boolean, what: string): number {
  if (text === undefined) return fallback;
  const v = Number(text);
  if (!Number.isFinite(v) || !check(v)) throw new Error(`--${name} must be ${what}, got ${JSON.stringify(text)}`);
  return v;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { lookback: { type: 'string' }, cash: { type: 'string' }, commission: { type: 'string' }, drift: { type: 'string' }, json: { type: 'boolean', default: false } },
    allowPositionals: false,
  });
  const options: ComparisonOptions = {
    lookback: numberFlag('lookback', values.lookback, 36, (v) => Number.isInteger(v) && v > 13, 'a whole number of months > 13'),
    cash: numberFlag('cash', values.cash, 1_000_000, (v) => v > 0, 'a number > 0'),
    commission: numberFlag('commission', values.commission, 0, (v) => v >= 0 && v < 1, 'a fraction in [0, 1)'),
    ...(values.drift !== undefined ? { driftBand: numberFlag('drift', values.drift, 0, (v) => v > 0 && v < 1, 'a weight band in (0, 1)') } : {}),
  };
  const c = await runComparison(options);
  if (values.json) {
    const s = (x: PerformanceSummary): Record<string, unknown> => ({
      from: x.from, to: x.to, months: x.months, fills: x.fills, finalEquity: x.finalEquity.toFixed(2),
      annualizedReturn: x.annualizedReturn, volatility: x.volatility, sharpe: x.sharpe, maxDrawdown: x.maxDrawdown, calmar: x.calmar,
    });
    console.log(JSON.stringify({ riskParity: s(c.riskParity.summary), equalWeight: s(c.equalWeight.summary), relative: c.relative, contributions: c.contributions }));
  } else console.log(formatComparison(c));
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exitCode = 1;
  });
}

/**
 * A small task evaluator for tests of evaluator injection: runs the task's strategy on one bars CSV
 * (`run: { csv, instrument, startingCash, commission }`) and reports total return, max drawdown,
 * Sharpe (252 periods) and fills.
 */
import { readFileSync } from 'node:fs';
import { defineInstrument, parseBarsCsv, instrumentId } from '@rxtrade/core';
import { sharpeRatio, simpleReturns } from '@rxtrade/portfolio';
import { runBacktest } from '../../run-backtest';
import type { Params, StrategyDefinition, SweepTask, TaskResult } from '../types';

/** Evaluates one task. */
export async function evaluate(task: SweepTask): Promise<TaskResult> {
  const run = task.run as { csv: string; instrument: string; startingCash: number; commission: number };
  const mod = (await import(task.strategy.module)) as Record<string, StrategyDefinition<Params>>;
  const strategy = mod[task.strategy.export ?? 'strategy']!;
  const [symbol, venue] = run.instrument.split('.') as [string, string];
  const instrument = defineInstrument({ symbol, venue, assetClass: 'stock', base: symbol, quote: 'USD', tickSize: '0.01', lotSize: '1' });
  const { bars } = parseBarsCsv(readFileSync(run.csv, 'utf8'), { instrumentId: instrumentId(run.instrument) });
  const result = await runBacktest(strategy.pipeline({ instrument: run.instrument, ...task.params }), {
    data: bars,
    instruments: [instrument],
    ledger: { startingCash: run.startingCash },
    venue: { commission: run.commission },
  });
  const s = result.summary;
  return {
    id: task.id,
    params: task.params,
    metrics: {
      totalReturn: s.totalReturn,
      maxDrawdown: s.maxDrawdown,
      sharpe: sharpeRatio(simpleReturns(result.equityCurve.equity), { periodsPerYear: 252 }),
      fills: s.fills,
    },
    summary: { finalEquity: s.finalEquity.toString(), totalFees: s.totalFees.toString() },
  };
}

/** Builds the parts of a run from its config: the same function for backtest and paper. */
import { instrumentRegistry, parseWith, type Clock } from '@rxtrade/core';
import { PercentFeeModel, SimulatedVenue } from '@rxtrade/execution';
import { Ledger, maxDrawdown } from '@rxtrade/portfolio';
import { RunnerConfigSchema, type RunnerConfig } from './config';
import { snapshotOrder, type RunResult } from './result';
import { TradingNode } from './trading-node';

/** @internal */
export function createNode(config: RunnerConfig, clock: Clock): { node: TradingNode; ledger: Ledger; startingCash: import('@rxtrade/core').Decimal } {
  const c = parseWith(RunnerConfigSchema, config, 'config');
  const instruments = instrumentRegistry(c.instruments);
  const baseCurrency = c.ledger.baseCurrency ?? c.instruments[0]!.quote;
  const ledger = new Ledger({ baseCurrency, startingCash: c.ledger.startingCash, instruments });
  const feeModel = c.venue.feeModel ?? (c.venue.commission !== undefined ? new PercentFeeModel(c.venue.commission) : undefined);
  const venue = new SimulatedVenue({ clock, instruments, ...(feeModel ? { feeModel } : {}) });
  const node = new TradingNode({
    clock,
    instruments,
    venue,
    ledger,
    strategyId: c.strategyId,
    idPrefix: c.idPrefix ?? c.strategyId,
    logger: c.logger,
    equityEvery: c.equityEvery,
  });
  return { node, ledger, startingCash: c.ledger.startingCash };
}

/** @internal Assembles the result once a run has ended. */
export function collectResult(node: TradingNode, ledger: Ledger, startingCash: import('@rxtrade/core').Decimal): RunResult {
  const equityCurve = node.equity.curve();
  const finalEquity = ledger.equity();
  const orders = node.orderManager.orders().map(snapshotOrder);
  return {
    orders,
    fills: node.fills.slice(),
    equityCurve,
    summary: {
      events: node.eventCount,
      orders: orders.length,
      fills: node.fills.length,
      startingCash,
      finalEquity,
      totalFees: ledger.totalFees(),
      realizedPnl: ledger.realizedPnl(),
      totalReturn: startingCash.isZero() ? 0 : finalEquity.div(startingCash).minus(1).toNumber(),
      maxDrawdown: equityCurve.equity.length > 1 ? maxDrawdown(equityCurve.equity) : 0,
    },
  };
}

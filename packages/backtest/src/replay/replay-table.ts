/**
 * The forms a replay's attribution is read in: a plain-text table (one row per order, then the totals by
 * cause) and a JSON-safe object with every Decimal as its exact string.
 */
import type { Decimal } from '@rxtrade/core';
import type { ReplayResult, ReplayTradeRow } from './replay-session';

const CAUSES = ['slippage', 'latency', 'fillQuantity', 'fees'] as const;

/**
 * The attribution as a text table: per order its side, live and simulated quantity, and each cause;
 * then the totals, funding and unexplained included, and the two P&Ls. Amounts are exact.
 *
 * @example
 * ```ts
 * console.log(replayTable(await replaySession('var/journal', pipeline, config)));
 * ```
 */
export function replayTable(result: ReplayResult): string {
  const header = ['order', 'instrument', 'side', 'sent by', 'live qty', 'sim qty', 'slippage', 'latency', 'fill qty', 'fees', 'total'];
  const body = result.rows.map((r: ReplayTradeRow) => [
    r.clientOrderId,
    r.instrumentId,
    r.side,
    r.sentBy,
    r.live.quantity.toString(),
    r.sim.quantity.toString(),
    ...CAUSES.map((k) => r[k].toString()),
    r.total.toString(),
  ]);
  const t = result.totals;
  const totals: string[][] = [
    ['slippage', t.slippage.toString()],
    ['latency', t.latency.toString()],
    ['fill quantity', t.fillQuantity.toString()],
    ['fees', t.fees.toString()],
    ['funding', t.funding.toString()],
    ['unexplained', t.unexplained.toString()],
    ['total (sim - live)', t.total.toString()],
    ['live P&L', result.livePnl.toString()],
    ['simulated P&L', result.simPnl.toString()],
  ];
  const numeric = (col: number): boolean => col >= 4;
  const widths = header.map((h, col) => Math.max(h.length, ...body.map((row) => row[col]!.length)));
  const line = (row: readonly string[]): string =>
    row
      .map((cell, col) => (numeric(col) ? cell.padStart(widths[col]!) : cell.padEnd(widths[col]!)))
      .join('  ')
      .trimEnd();
  const labelWidth = Math.max(...totals.map(([k]) => k!.length));
  const valueWidth = Math.max(...totals.map(([, v]) => v!.length));
  return [
    `matched by ${result.matchedBy}; amounts in ${result.currency}, positive where live did worse`,
    line(header),
    ...body.map(line),
    '',
    ...totals.map(([k, v]) => `${k!.padEnd(labelWidth)}  ${v!.padStart(valueWidth)}`),
  ].join('\n');
}

type Jsonified<T> = T extends Decimal ? string : T extends readonly (infer U)[] ? Jsonified<U>[] : T extends object ? { [K in keyof T]: Jsonified<T[K]> } : T;

/** A {@link ReplayResult} without the simulation's full result, Decimals as exact strings. */
export type ReplayResultJson = Jsonified<Omit<ReplayResult, 'simulation'>>;

/**
 * The attribution as JSON-safe data (the simulation's own result is left out: `resultToJson` writes it).
 *
 * @example
 * ```ts
 * fs.writeFileSync('replay.json', JSON.stringify(replayResultToJson(result)));
 * ```
 */
export function replayResultToJson(result: ReplayResult): ReplayResultJson {
  const { simulation: _simulation, ...rest } = result;
  return JSON.parse(JSON.stringify(rest)) as ReplayResultJson;
}

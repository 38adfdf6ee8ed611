/**
 * What a run returns: orders, fills, the equity curve and a summary. Money stays Decimal; `toJSON`
 * writes Decimals as strings so that nothing is lost.
 */
import type { Decimal, OrderFilled, OrderView } from '@rxtrade/core';

/** The headline figures of a run. */
export interface RunSummary {
  readonly events: number;
  readonly orders: number;
  readonly fills: number;
  readonly startingCash: Decimal;
  /** Cash plus positions marked at the last price, exact. */
  readonly finalEquity: Decimal;
  readonly totalFees: Decimal;
  readonly realizedPnl: Decimal;
  /** finalEquity / startingCash - 1. */
  readonly totalReturn: number;
  /** Largest peak-to-trough fall of the equity curve, as a positive fraction. */
  readonly maxDrawdown: number;
}

/** Result of `runBacktest` or `runPaper`. */
export interface RunResult {
  readonly orders: readonly OrderView[];
  readonly fills: readonly OrderFilled[];
  /** Equity after each event (float64 for analytics; the exact figure is `summary.finalEquity`). */
  readonly equityCurve: { readonly ts: Float64Array; readonly equity: Float64Array };
  readonly summary: RunSummary;
}

/**
 * A JSON-safe copy of a result: Decimals as strings, typed arrays as arrays.
 *
 * @example
 * ```ts
 * fs.writeFileSync('result.json', JSON.stringify(resultToJson(result)));
 * ```
 */
export function resultToJson(result: RunResult): unknown {
  return JSON.parse(
    JSON.stringify(
      {
        summary: result.summary,
        orders: result.orders,
        fills: result.fills,
        equityCurve: { ts: Array.from(result.equityCurve.ts), equity: Array.from(result.equityCurve.equity) },
      },
      // decimal.js instances define toJSON() returning their string form.
    ),
  );
}

/** A plain, frozen copy of an order's fields (order objects may expose getters). */
export function snapshotOrder(o: OrderView): OrderView {
  return Object.freeze({
    clientOrderId: o.clientOrderId,
    venueOrderId: o.venueOrderId,
    strategyId: o.strategyId,
    instrumentId: o.instrumentId,
    side: o.side,
    orderType: o.orderType,
    timeInForce: o.timeInForce,
    quantity: o.quantity,
    filledQuantity: o.filledQuantity,
    price: o.price,
    triggerPrice: o.triggerPrice,
    avgFillPrice: o.avgFillPrice,
    status: o.status,
    isOpen: o.isOpen,
    tsCreated: o.tsCreated,
    tsLast: o.tsLast,
  });
}

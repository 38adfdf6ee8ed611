/**
 * What a run returns: orders, fills, round trips, the position log, the equity and drawdown curves,
 * the metrics and a summary. Money stays Decimal; `resultToJson` writes Decimals as strings and
 * `resultFromJson` reads them back exactly (fills through core's wire schema), so a result survives a
 * trip through a file, a worker or a queue unchanged.
 */
import { z } from 'zod';
import {
  DecimalSchema,
  OrderFilledSchema,
  OrderStatus,
  OrderType,
  TimeInForce,
  parseWith,
  type ClientOrderId,
  type Decimal,
  type InstrumentId,
  type OrderEventType,
  type OrderFilled,
  type OrderView,
  type StrategyId,
  type VenueOrderId,
} from '@rxtrade/core';
import { OrderAnomalyReason } from '@rxtrade/execution';
import type { Metrics } from './metrics/compute-metrics';
import type { PositionChange } from './metrics/position-changes';
import { TradeSide, type RoundTrip } from './metrics/round-trips';

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
  /** Sum of |price x quantity x multiplier| over fills. */
  readonly tradedNotional: Decimal;
  /** finalEquity / startingCash - 1. */
  readonly totalReturn: number;
  /** Largest peak-to-trough fall of the equity curve, as a positive fraction. */
  readonly maxDrawdown: number;
}

/**
 * An order anomaly met during a run: an event from the venue that the order manager refused to apply
 * (a duplicate, invalid or excess fill, an event after the order closed, an unknown order, an illegal
 * transition) or a reconciliation that failed. The order's state does not include it.
 */
export interface RunAnomaly {
  readonly reason: OrderAnomalyReason;
  readonly message: string;
  /** Clock time when it was detected. */
  readonly ts: number;
  /** The order concerned (undefined when the event named none the run knows). */
  readonly clientOrderId: ClientOrderId | undefined;
  readonly instrumentId: InstrumentId | undefined;
  /** Type of the venue event that was not applied; undefined for a failed reconciliation. */
  readonly eventType: OrderEventType | undefined;
}

/**
 * What a run was set up with, as JSON, for reports (see `withRunSettings`): the strategy, its
 * parameters, the cost assumptions (the venue's commission or fee model, slippage, latency…) and the
 * instruments. Runners do not fill it in; the CLI does, and code may.
 */
export interface RunSettings {
  readonly strategy?: string;
  readonly parameters?: Readonly<Record<string, unknown>>;
  readonly costs?: Readonly<Record<string, unknown>>;
  readonly instruments?: readonly string[];
}

/** Result of `runBacktest` or `runPaper`. */
export interface RunResult {
  /** Every order of the run as it ended, in submission order (plain frozen copies, made when first read). */
  readonly orders: readonly OrderView[];
  readonly fills: readonly OrderFilled[];
  /** Closed round trips, FIFO per instrument (see `roundTrips`); computed when first read, like `positions`, `drawdownCurve` and `metrics`. */
  readonly trades: readonly RoundTrip[];
  /** Positions over time: the signed quantity of an instrument after each fill. */
  readonly positions: readonly PositionChange[];
  /** Equity at the end of each event time (float64 for analytics; the exact figure is `summary.finalEquity`). */
  readonly equityCurve: { readonly ts: Float64Array; readonly equity: Float64Array };
  /** equity / running peak - 1 at each point of the equity curve (0 at a peak, negative below). */
  readonly drawdownCurve: { readonly ts: Float64Array; readonly drawdown: Float64Array };
  readonly metrics: Metrics;
  readonly summary: RunSummary;
  /** Order anomalies in the order they were met (empty on a clean run); see `strict` to fail on the first. */
  readonly anomalies: readonly RunAnomaly[];
  /** How the run was set up, when its caller recorded it (the CLI does). */
  readonly settings?: RunSettings;
}

/** Non-finite metrics (NaN, ±Infinity) travel as strings: JSON has no such numbers. */
// z.literal, not z.enum: TypeScript declares the enum's "-Infinity" key as `[-Infinity]`, which does not compile.
const metricNumber = z.union([z.number(), z.literal(['NaN', 'Infinity', '-Infinity'])]).transform((v) => (typeof v === 'number' ? v : Number(v)));
const encodeNumber = (v: number): number | string => (Number.isFinite(v) ? v : String(v));

const floats = z.array(z.number()).transform((a) => Float64Array.from(a));
const optionalDecimal = DecimalSchema.optional();

const OrderViewSchema = z.object({
  clientOrderId: z.string().min(1),
  venueOrderId: z.string().min(1).optional(),
  strategyId: z.string().min(1),
  instrumentId: z.string().min(1),
  side: z.enum(['BUY', 'SELL']),
  orderType: z.enum(Object.values(OrderType) as [OrderType, ...OrderType[]]),
  timeInForce: z.enum(Object.values(TimeInForce) as [TimeInForce, ...TimeInForce[]]),
  quantity: DecimalSchema,
  filledQuantity: DecimalSchema,
  price: optionalDecimal,
  triggerPrice: optionalDecimal,
  avgFillPrice: optionalDecimal,
  status: z.enum(Object.values(OrderStatus) as [OrderStatus, ...OrderStatus[]]),
  isOpen: z.boolean(),
  tsCreated: z.number(),
  tsLast: z.number(),
});

const RunAnomalySchema = z.object({
  reason: z.enum(Object.values(OrderAnomalyReason) as [OrderAnomalyReason, ...OrderAnomalyReason[]]),
  message: z.string(),
  ts: z.number(),
  clientOrderId: z.string().min(1).optional(),
  instrumentId: z.string().min(1).optional(),
  eventType: z.string().min(1).optional(),
});

const RoundTripSchema = z.object({
  instrumentId: z.string().min(1),
  side: z.enum([TradeSide.LONG, TradeSide.SHORT]),
  quantity: DecimalSchema,
  entryTs: z.number(),
  entryPrice: DecimalSchema,
  exitTs: z.number(),
  exitPrice: DecimalSchema,
  fees: DecimalSchema,
  grossPnl: DecimalSchema,
  pnl: DecimalSchema,
  holdingMs: z.number(),
});

/**
 * Schema of a result's JSON form (what {@link resultToJson} writes): Decimals as strings, curves as
 * arrays, non-finite metrics as `"NaN"`, `"Infinity"` or `"-Infinity"`.
 *
 * @example
 * ```ts
 * const ok = RunResultJsonSchema.safeParse(JSON.parse(text)).success;
 * ```
 */
export const RunResultJsonSchema = z.object({
  version: z.literal(1),
  summary: z.object({
    events: z.number().int(),
    orders: z.number().int(),
    fills: z.number().int(),
    startingCash: DecimalSchema,
    finalEquity: DecimalSchema,
    totalFees: DecimalSchema,
    realizedPnl: DecimalSchema,
    tradedNotional: DecimalSchema,
    totalReturn: metricNumber,
    maxDrawdown: metricNumber,
  }),
  orders: z.array(OrderViewSchema),
  fills: z.array(OrderFilledSchema),
  trades: z.array(RoundTripSchema),
  positions: z.array(z.object({ ts: z.number(), instrumentId: z.string().min(1), quantity: DecimalSchema })),
  equityCurve: z.object({ ts: floats, equity: floats }),
  drawdownCurve: z.object({ ts: floats, drawdown: floats }),
  metrics: z.record(z.string(), metricNumber),
  /** Absent in results written before anomalies were recorded: read as none. */
  anomalies: z.array(RunAnomalySchema).default([]),
  settings: z
    .strictObject({
      strategy: z.string().optional(),
      parameters: z.record(z.string(), z.unknown()).optional(),
      costs: z.record(z.string(), z.unknown()).optional(),
      instruments: z.array(z.string()).optional(),
    })
    .optional(),
});

/**
 * A JSON-safe copy of a result: Decimals as strings, typed arrays as arrays, non-finite metrics as
 * strings. `JSON.stringify` of it is byte-identical for identical runs.
 *
 * @example
 * ```ts
 * fs.writeFileSync('result.json', JSON.stringify(resultToJson(result)));
 * ```
 */
export function resultToJson(result: RunResult): unknown {
  const metrics: Record<string, number | string> = {};
  for (const [k, v] of Object.entries(result.metrics)) metrics[k] = encodeNumber(v);
  return JSON.parse(
    JSON.stringify({
      version: 1,
      // decimal.js instances define toJSON() returning their string form.
      summary: { ...result.summary, totalReturn: encodeNumber(result.summary.totalReturn), maxDrawdown: encodeNumber(result.summary.maxDrawdown) },
      orders: result.orders,
      fills: result.fills,
      trades: result.trades,
      positions: result.positions,
      equityCurve: { ts: Array.from(result.equityCurve.ts), equity: Array.from(result.equityCurve.equity) },
      drawdownCurve: { ts: Array.from(result.drawdownCurve.ts), drawdown: Array.from(result.drawdownCurve.drawdown) },
      metrics,
      anomalies: result.anomalies,
      ...(result.settings ? { settings: result.settings } : {}),
    }),
  );
}

/**
 * Reads a result back from its JSON form (as written by {@link resultToJson}, after `JSON.parse`):
 * Decimals are exact again, curves are `Float64Array`s. A bad field fails with a `ValidationError`
 * naming it, such as `result.fills[3].price`.
 *
 * @example
 * ```ts
 * const result = resultFromJson(JSON.parse(fs.readFileSync('result.json', 'utf8')));
 * result.summary.finalEquity.toFixed(2);
 * ```
 */
export function resultFromJson(json: unknown): RunResult {
  const r = parseWith(RunResultJsonSchema, json, 'result');
  return {
    orders: r.orders.map((o) =>
      snapshotOrder({
        ...o,
        clientOrderId: o.clientOrderId as ClientOrderId,
        venueOrderId: o.venueOrderId as VenueOrderId | undefined,
        strategyId: o.strategyId as StrategyId,
        instrumentId: o.instrumentId as InstrumentId,
        price: o.price,
        triggerPrice: o.triggerPrice,
        avgFillPrice: o.avgFillPrice,
      }),
    ),
    // Same field order as the simulated venue writes, so that re-serializing gives the same bytes.
    fills: r.fills.map(
      (f): OrderFilled => ({
        type: f.type,
        tradeId: f.tradeId as OrderFilled['tradeId'],
        clientOrderId: f.clientOrderId as ClientOrderId,
        venueOrderId: f.venueOrderId as VenueOrderId,
        instrumentId: f.instrumentId as InstrumentId,
        side: f.side,
        quantity: f.quantity,
        price: f.price,
        commission: f.commission,
        commissionCurrency: f.commissionCurrency,
        liquiditySide: f.liquiditySide,
        ts: f.ts,
        strategyId: f.strategyId as StrategyId,
        tsInit: f.tsInit,
      }),
    ),
    trades: r.trades.map((t) => ({ ...t, instrumentId: t.instrumentId as InstrumentId })),
    positions: r.positions.map((p) => ({ ...p, instrumentId: p.instrumentId as InstrumentId })),
    equityCurve: r.equityCurve,
    drawdownCurve: r.drawdownCurve,
    metrics: r.metrics as unknown as Metrics,
    summary: r.summary,
    anomalies: r.anomalies.map(
      (a): RunAnomaly => ({
        reason: a.reason,
        message: a.message,
        ts: a.ts,
        clientOrderId: a.clientOrderId as ClientOrderId | undefined,
        instrumentId: a.instrumentId as InstrumentId | undefined,
        eventType: a.eventType as OrderEventType | undefined,
      }),
    ),
    ...(r.settings ? { settings: r.settings } : {}),
  };
}

/**
 * A plain, frozen copy of an order's fields (order objects may expose getters).
 *
 * @example
 * ```ts
 * const orders = orderManager.orders().map(snapshotOrder);
 * ```
 */
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

/**
 * Re-simulates a recorded live session and explains, trade by trade, why its P&L differs from the
 * simulation's. The market data the node journaled is run through `runBacktest` with the same pipeline,
 * the session's instruments and the venue's cost models; live and simulated orders are matched by client
 * order id (a deterministic pipeline issues the same ids), or by the sequence of commands when the ids
 * differ; and the difference `simulated P&L - live P&L` (positive: live did worse) is split exactly, in
 * Decimal, into slippage, latency, fill quantity, fees and funding. See docs/replay.md for the formulas.
 */
import { z } from 'zod';
import {
  Decimal,
  ValidationError,
  ZERO,
  parseWith,
  type ClientOrderId,
  type DecimalLike,
  type Instrument,
  type InstrumentId,
  type OrderSide,
  type Pipeline,
} from '@rxtrade/core';
import { BacktestConfigSchema, runBacktest, type BacktestConfig } from '../run-backtest';
import type { Journal } from '@rxtrade/execution';
import type { RunResult } from '../result';
import { MarketPrices } from './market-prices';
import { readSession, type RecordedOrder, type ReplayFill } from './read-session';

/** A funding payment the live venue booked (a live node journals them; pass them in for a journal that has none). */
export interface LiveFunding {
  readonly instrumentId: string;
  /** Received (positive) or paid (negative), in `currency`. */
  readonly amount: DecimalLike;
  readonly currency: string;
  readonly ts: number;
}

const decimalText = z.union([z.string().min(1), z.number(), z.custom<Decimal>((v) => v instanceof Decimal)]).transform((v, ctx) => {
  try {
    const d = new Decimal(v as DecimalLike);
    if (d.isFinite()) return d;
  } catch {
    // reported below
  }
  ctx.addIssue({ code: 'custom', message: `must be a finite decimal, got ${JSON.stringify(String(v))}` });
  return z.NEVER;
});

/**
 * Schema of one {@link LiveFunding} payment.
 *
 * @example
 * ```ts
 * LiveFundingSchema.parse({ instrumentId: 'BTCUSDT-PERP.BINANCE', amount: '-1.25', currency: 'USDT', ts: 1704096000000 });
 * ```
 */
export const LiveFundingSchema = z.strictObject({
  instrumentId: z.string().min(1),
  amount: decimalText,
  currency: z.string().min(1),
  ts: z.number().int(),
});

/**
 * Schema of {@link ReplayConfig}: `runBacktest`'s config without the data (the journal's market data is
 * the data), plus the live funding payments.
 *
 * @example
 * ```ts
 * parseWith(ReplayConfigSchema, { instruments: [btc], ledger: { startingCash: 10_000 }, venue: { commission: 0.001 } }, 'config');
 * ```
 */
export const ReplayConfigSchema = BacktestConfigSchema.omit({ data: true, tradingStart: true, start: true }).extend({
  /** Funding the live venue booked during the session (received positive, paid negative); default: the payments the journal holds. */
  liveFunding: z.array(LiveFundingSchema).optional(),
});

/**
 * Configuration of {@link replaySession}: the session's instruments, the ledger and the simulated venue's
 * cost models, as for `runBacktest`. `strategyId` and `idPrefix` default to those of the session's first
 * order, so that the simulation issues the same client order ids.
 */
export type ReplayConfig = Omit<BacktestConfig, 'data' | 'tradingStart' | 'start'> & {
  readonly liveFunding?: readonly LiveFunding[];
};

/**
 * How live and simulated orders were paired.
 *
 * @example
 * ```ts
 * if (result.matchedBy === ReplayMatch.SEQUENCE) console.warn('the replay issued other client order ids');
 * ```
 */
export const ReplayMatch = {
  /** By client order id: the replay issued the live session's ids. */
  CLIENT_ORDER_ID: 'clientOrderId',
  /** By position among the orders no id matched (same instrument and side). */
  SEQUENCE: 'sequence',
} as const;
export type ReplayMatch = (typeof ReplayMatch)[keyof typeof ReplayMatch];

/** What one side (live or simulated) did with an order. */
export interface ReplayExecution {
  /** Filled quantity. */
  readonly quantity: Decimal;
  /** Quantity-weighted average fill price (for reading; the attribution uses each fill's own price). */
  readonly averagePrice: Decimal | undefined;
  /** Commission, in the quote currency. */
  readonly commission: Decimal;
  readonly fills: number;
  /** Time of the first fill. */
  readonly firstFillTs: number | undefined;
}

/**
 * One order of the session (live, simulated or both) and its share of the P&L difference; every amount
 * is in the quote currency, positive when the live session did worse.
 */
export interface ReplayTradeRow {
  /** The live order's id, or the simulated one's for an order only the simulation sent. */
  readonly clientOrderId: ClientOrderId;
  /** The simulated order's id (the same as `clientOrderId` when matched by id). */
  readonly simClientOrderId: ClientOrderId | undefined;
  readonly instrumentId: InstrumentId;
  readonly side: OrderSide;
  /** `both`, `live` (the simulation sent no such order) or `sim` (the live session did not). */
  readonly sentBy: 'both' | 'live' | 'sim';
  /** How the live and simulated orders were paired; undefined for an order only one side sent. */
  readonly matchedBy: ReplayMatch | undefined;
  /** When the order was issued (the live command's ts; the simulated order's creation otherwise). */
  readonly commandTs: number;
  /** When the live venue acknowledged it, if it did. */
  readonly liveAckTs: number | undefined;
  readonly live: ReplayExecution;
  readonly sim: ReplayExecution;
  /** Quantity filled both live and in the simulation (paired fill by fill in time order). */
  readonly matchedQuantity: Decimal;
  /** Σ s·q·((p_live - m(t_live)) - (p_sim - m(t_sim)))·multiplier over the paired quantity. */
  readonly slippage: Decimal;
  /** Σ s·q·(m(t_live) - m(t_sim))·multiplier over the paired quantity. */
  readonly latency: Decimal;
  /** Σ s·q·(P - p_sim)·mult over quantity only the simulation filled minus Σ s·q·(P - p_live)·mult over quantity only live filled. */
  readonly fillQuantity: Decimal;
  /** Live commission - simulated commission. */
  readonly fees: Decimal;
  /** slippage + latency + fillQuantity + fees. */
  readonly total: Decimal;
}

/** The P&L difference by cause; the causes sum exactly to `total`. */
export interface ReplayTotals {
  readonly slippage: Decimal;
  readonly latency: Decimal;
  readonly fillQuantity: Decimal;
  readonly fees: Decimal;
  /** Simulated funding - live funding. */
  readonly funding: Decimal;
  /** What no cause explains: `total` minus the causes (zero unless the ledger marks differently). */
  readonly unexplained: Decimal;
  /** Simulated P&L - live P&L. */
  readonly total: Decimal;
}

/** Counts of a replay. */
export interface ReplaySummary {
  readonly journalRecords: number;
  readonly marketEvents: number;
  readonly liveOrders: number;
  readonly simOrders: number;
  readonly matchedOrders: number;
  readonly liveFills: number;
  readonly simFills: number;
}

/** What {@link replaySession} resolves with. */
export interface ReplayResult {
  /** `clientOrderId` when any order was matched by its id (the rest, if any, by sequence); `sequence` when none was. */
  readonly matchedBy: ReplayMatch;
  /** One row per order, in the order the orders were issued. */
  readonly rows: readonly ReplayTradeRow[];
  readonly funding: { readonly live: Decimal; readonly sim: Decimal };
  readonly totals: ReplayTotals;
  /** Live P&L: every live fill marked at the session's last price, less commissions, plus live funding. */
  readonly livePnl: Decimal;
  /** Simulated P&L: the simulation's final equity less its starting cash. */
  readonly simPnl: Decimal;
  /** The session's last price of each instrument traded (P in the formulas). */
  readonly lastPrices: Readonly<Record<string, Decimal>>;
  /** The currency of every amount. */
  readonly currency: string;
  readonly summary: ReplaySummary;
  /** The simulation's full result. */
  readonly simulation: RunResult;
}

interface SimOrder {
  readonly clientOrderId: ClientOrderId;
  readonly instrumentId: InstrumentId;
  readonly side: OrderSide;
  readonly tsCreated: number;
  readonly fills: readonly ReplayFill[];
}

/**
 * Replays the session recorded in `journal` through a simulated venue with `pipeline` and attributes
 * the difference between the simulated and the live P&L to its causes, order by order.
 *
 * @param journal a `FileJournal` directory (opened read-only) holding the session's market data,
 *   commands and order events; or any open `Journal`, such as a `PostgresJournal` of
 *   `@rxtrade/connectors` opened with `readOnly: true` (left open: the caller closes it).
 * @param pipeline the pipeline the live node ran.
 * @param config the session's instruments, the ledger and the simulated venue's cost models.
 * @throws ValidationError naming the field for a bad config, a journal without market data, or amounts in
 *   a currency other than the ledger's.
 *
 * @example
 * ```ts
 * const result = await replaySession('var/journal', pipeline, { instruments: [btc], ledger: { startingCash: 10_000 }, venue: { commission: 0.001 } });
 * result.totals.slippage.toString(); // what worse fill prices cost the live session
 * ```
 */
export async function replaySession(journal: string | Journal, pipeline: Pipeline, config: ReplayConfig): Promise<ReplayResult> {
  const c = parseWith(ReplayConfigSchema, config, 'config');
  const session = await readSession(journal);
  const journalDir = typeof journal === 'string' ? journal : 'the journal';
  const series = [...session.marketData.values()].filter((s) => s.length > 0);
  if (series.length === 0) throw new ValidationError([{ path: ['journal', 'marketData'], message: `${journalDir} holds no market data: record the session's market data to replay it` }]);

  // The simulation issues the live session's ids when it has the same strategy id and id prefix.
  const first = session.orders[0];
  const prefix = first ? /^(.*)-\d+$/.exec(first.clientOrderId)?.[1] : undefined;
  const { liveFunding: _funding, ...runnerOptions } = config;
  const simulation = await runBacktest(pipeline, {
    ...runnerOptions,
    data: series,
    ...(config.strategyId === undefined && first ? { strategyId: first.strategyId } : {}),
    ...(config.idPrefix === undefined && prefix !== undefined ? { idPrefix: prefix } : {}),
  });

  const instruments = new Map<string, Instrument>(c.instruments.map((i) => [i.id, i]));
  const currency = c.ledger.baseCurrency ?? c.instruments[0]!.quote;
  const prices = new MarketPrices(session.marketData);
  const simOrders = simulatedOrders(simulation);
  const { pairs, matchedBy } = pairOrders(session.orders, simOrders);

  const lastPrices: Record<string, Decimal> = {};
  const instrumentOf = (id: InstrumentId, where: string): Instrument => {
    const instrument = instruments.get(id);
    if (instrument === undefined) throw new ValidationError([{ path: ['config', 'instruments'], message: `the session traded ${id} (${where}), which is not among the instruments` }]);
    if (instrument.quote !== currency)
      throw new ValidationError([{ path: ['config', 'instruments'], message: `${id} is quoted in ${instrument.quote}, not in the ledger's ${currency}: a replay attributes amounts in one currency` }]);
    lastPrices[id] = prices.last(id);
    return instrument;
  };

  let livePnl = ZERO;
  let simTrading = ZERO;
  const rows = pairs.map(({ live, sim, matchedBy: how }) => {
    const any = (live ?? sim)!;
    const instrument = instrumentOf(any.instrumentId, `order ${any.clientOrderId}`);
    const row = attributeOrder(live, sim, how, instrument, prices);
    livePnl = livePnl.plus(row.livePnl);
    simTrading = simTrading.plus(row.simPnl);
    return row.row;
  });

  let liveFundingTotal = ZERO;
  (c.liveFunding ?? session.funding).forEach((f, i) => {
    if (f.currency !== currency)
      throw new ValidationError([{ path: c.liveFunding ? ['config', 'liveFunding', i, 'currency'] : ['journal', 'funding', i, 'currency'], message: `must be the ledger's currency ${currency}, got ${f.currency}` }]);
    liveFundingTotal = liveFundingTotal.plus(f.amount);
  });
  livePnl = livePnl.plus(liveFundingTotal);

  const simPnl = simulation.summary.finalEquity.minus(simulation.summary.startingCash);
  // The ledger books simulated funding; the rest of its P&L is the fills marked at the last price.
  const fundingConfigured = c.venue.funding !== undefined || (c.venues ?? []).some((v) => v.funding !== undefined);
  const simFunding = fundingConfigured ? simPnl.minus(simTrading) : ZERO;

  const sum = (key: 'slippage' | 'latency' | 'fillQuantity' | 'fees'): Decimal => rows.reduce((a, r) => a.plus(r[key]), ZERO);
  const slippage = sum('slippage');
  const latency = sum('latency');
  const fillQuantity = sum('fillQuantity');
  const fees = sum('fees');
  const funding = simFunding.minus(liveFundingTotal);
  const total = simPnl.minus(livePnl);
  const unexplained = total.minus(slippage).minus(latency).minus(fillQuantity).minus(fees).minus(funding);

  return {
    matchedBy,
    rows,
    funding: { live: liveFundingTotal, sim: simFunding },
    totals: { slippage, latency, fillQuantity, fees, funding, unexplained, total },
    livePnl,
    simPnl,
    lastPrices,
    currency,
    summary: {
      journalRecords: session.records,
      marketEvents: series.reduce((n, s) => n + s.length, 0),
      liveOrders: session.orders.length,
      simOrders: simOrders.length,
      matchedOrders: pairs.filter((p) => p.live && p.sim).length,
      liveFills: session.orders.reduce((n, o) => n + o.fills.length, 0),
      simFills: simulation.fills.length,
    },
    simulation,
  };
}

function simulatedOrders(result: RunResult): SimOrder[] {
  const fills = new Map<string, ReplayFill[]>();
  for (const f of result.fills) {
    let list = fills.get(f.clientOrderId);
    if (list === undefined) fills.set(f.clientOrderId, (list = []));
    list.push({ tradeId: f.tradeId, quantity: f.quantity, price: f.price, commission: f.commission, commissionCurrency: f.commissionCurrency, ts: f.ts });
  }
  // The order manager lists orders as they were created; a stable sort keeps that within one time.
  return [...result.orders]
    .map((o) => ({ clientOrderId: o.clientOrderId, instrumentId: o.instrumentId, side: o.side, tsCreated: o.tsCreated, fills: fills.get(o.clientOrderId) ?? [] }))
    .sort((a, b) => a.tsCreated - b.tsCreated);
}

interface Pair {
  readonly live: RecordedOrder | undefined;
  readonly sim: SimOrder | undefined;
  readonly matchedBy: ReplayMatch | undefined;
}

/**
 * Pairs live and simulated orders: first by client order id (an id with another instrument or side is no
 * match); then the orders left on each side, in the order they were issued, the k-th live one with the
 * k-th simulated one when their instrument and side agree (a node that restarted issues ids with another
 * run prefix from then on, and a pipeline may name its orders differently). Unpaired orders get rows of
 * their own. Rows follow the order of issue.
 */
function pairOrders(live: readonly RecordedOrder[], sim: readonly SimOrder[]): { pairs: Pair[]; matchedBy: ReplayMatch } {
  const simById = new Map(sim.map((o) => [o.clientOrderId as string, o]));
  const pairs: { pair: Pair; ts: number; seq: number }[] = [];
  const byId = new Set<string>();
  for (const o of live) {
    const s = simById.get(o.clientOrderId);
    if (s !== undefined && s.instrumentId === o.instrumentId && s.side === o.side) byId.add(o.clientOrderId);
  }
  const liveLeft = live.filter((o) => !byId.has(o.clientOrderId));
  const simLeft = sim.filter((o) => !byId.has(o.clientOrderId));
  live.forEach((o, i) => {
    if (byId.has(o.clientOrderId)) pairs.push({ pair: { live: o, sim: simById.get(o.clientOrderId), matchedBy: ReplayMatch.CLIENT_ORDER_ID }, ts: o.commandTs, seq: i });
  });
  const n = Math.max(liveLeft.length, simLeft.length);
  for (let k = 0; k < n; k++) {
    const l = liveLeft[k];
    const s = simLeft[k];
    if (l && s && l.instrumentId === s.instrumentId && l.side === s.side) pairs.push({ pair: { live: l, sim: s, matchedBy: ReplayMatch.SEQUENCE }, ts: l.commandTs, seq: live.length + k });
    else {
      if (l) pairs.push({ pair: { live: l, sim: undefined, matchedBy: undefined }, ts: l.commandTs, seq: live.length + k });
      if (s) pairs.push({ pair: { live: undefined, sim: s, matchedBy: undefined }, ts: s.tsCreated, seq: live.length + k });
    }
  }
  return { pairs: sortByIssue(pairs), matchedBy: byId.size > 0 || pairs.every((p) => p.pair.matchedBy === undefined) ? ReplayMatch.CLIENT_ORDER_ID : ReplayMatch.SEQUENCE };
}

function sortByIssue(pairs: { pair: Pair; ts: number; seq: number }[]): Pair[] {
  return pairs.sort((a, b) => a.ts - b.ts || a.seq - b.seq).map((p) => p.pair);
}

/** A fill's commission in the quote currency: as is, or converted at the fill's price when charged in the base. */
function commissionInQuote(fill: ReplayFill, instrument: Instrument, who: string): Decimal {
  if (fill.commissionCurrency === instrument.quote) return fill.commission;
  if (fill.commissionCurrency === instrument.base) return fill.commission.mul(fill.price);
  throw new ValidationError([
    { path: [who, fill.tradeId, 'commissionCurrency'], message: `${fill.commissionCurrency} is neither ${instrument.id}'s quote ${instrument.quote} nor its base ${instrument.base}` },
  ]);
}

function execution(fills: readonly ReplayFill[], commission: Decimal): ReplayExecution {
  const quantity = fills.reduce((a, f) => a.plus(f.quantity), ZERO);
  const notional = fills.reduce((a, f) => a.plus(f.quantity.mul(f.price)), ZERO);
  return {
    quantity,
    averagePrice: quantity.isZero() ? undefined : notional.div(quantity),
    commission,
    fills: fills.length,
    firstFillTs: fills.reduce<number | undefined>((t, f) => (t === undefined || f.ts < t ? f.ts : t), undefined),
  };
}

/**
 * One order's row. Fills of each side are taken in time order and paired piece by piece (FIFO), so no
 * average price (a division) enters the amounts: every term is a product of recorded Decimals, and the
 * row's parts sum exactly to the order's simulated P&L less its live P&L.
 */
function attributeOrder(
  live: RecordedOrder | undefined,
  sim: SimOrder | undefined,
  matchedBy: ReplayMatch | undefined,
  instrument: Instrument,
  prices: MarketPrices,
): { row: ReplayTradeRow; livePnl: Decimal; simPnl: Decimal } {
  const any = (live ?? sim)!;
  const s = any.side === 'BUY' ? 1 : -1;
  const mult = instrument.multiplier;
  const last = prices.last(instrument.id);
  const byTime = (fills: readonly ReplayFill[]): ReplayFill[] => [...fills].sort((a, b) => a.ts - b.ts);
  const lf = byTime(live?.fills ?? []);
  const sf = byTime(sim?.fills ?? []);
  const liveCommission = lf.reduce((a, f) => a.plus(commissionInQuote(f, instrument, 'live fill')), ZERO);
  const simCommission = sf.reduce((a, f) => a.plus(commissionInQuote(f, instrument, 'simulated fill')), ZERO);
  // Mark-to-last P&L of one side: s·q·(P - p)·mult per fill, less commissions.
  const pnl = (fills: readonly ReplayFill[], commission: Decimal): Decimal =>
    fills.reduce((a, f) => a.plus(f.quantity.mul(last.minus(f.price)).mul(s).mul(mult)), ZERO).minus(commission);

  let slippage = ZERO;
  let latency = ZERO;
  let fillQuantity = ZERO;
  let matched = ZERO;
  let i = 0;
  let j = 0;
  let liveLeft = lf[0]?.quantity ?? ZERO;
  let simLeft = sf[0]?.quantity ?? ZERO;
  while (i < lf.length && j < sf.length) {
    const l = lf[i]!;
    const m = sf[j]!;
    const q = Decimal.min(liveLeft, simLeft);
    const mLive = prices.at(instrument.id, l.ts);
    const mSim = prices.at(instrument.id, m.ts);
    slippage = slippage.plus(q.mul(l.price.minus(mLive).minus(m.price.minus(mSim))).mul(s).mul(mult));
    latency = latency.plus(q.mul(mLive.minus(mSim)).mul(s).mul(mult));
    matched = matched.plus(q);
    liveLeft = liveLeft.minus(q);
    simLeft = simLeft.minus(q);
    if (liveLeft.isZero()) liveLeft = lf[++i]?.quantity ?? ZERO;
    if (simLeft.isZero()) simLeft = sf[++j]?.quantity ?? ZERO;
  }
  // Quantity only one side filled, valued from its fill price to the session's last price.
  for (; i < lf.length; liveLeft = lf[++i]?.quantity ?? ZERO) fillQuantity = fillQuantity.minus(liveLeft.mul(last.minus(lf[i]!.price)).mul(s).mul(mult));
  for (; j < sf.length; simLeft = sf[++j]?.quantity ?? ZERO) fillQuantity = fillQuantity.plus(simLeft.mul(last.minus(sf[j]!.price)).mul(s).mul(mult));
  const fees = liveCommission.minus(simCommission);

  return {
    row: {
      clientOrderId: any.clientOrderId,
      simClientOrderId: sim?.clientOrderId,
      instrumentId: instrument.id,
      side: any.side,
      sentBy: live && sim ? 'both' : live ? 'live' : 'sim',
      matchedBy,
      commandTs: live ? live.commandTs : sim!.tsCreated,
      liveAckTs: live?.ackTs,
      live: execution(lf, liveCommission),
      sim: execution(sf, simCommission),
      matchedQuantity: matched,
      slippage,
      latency,
      fillQuantity,
      fees,
      total: slippage.plus(latency).plus(fillQuantity).plus(fees),
    },
    livePnl: pnl(lf, liveCommission),
    simPnl: pnl(sf, simCommission),
  };
}

/**
 * Reads what a live node recorded in its journal (`FileJournal`, opened read-only): the market data it
 * saw, split into one time-ordered series per instrument, the orders it sent (each `SubmitOrder`, also
 * those inside a `SubmitOrderList`) with the times of their command, acknowledgement and fills, in the
 * order the commands were journaled.
 */
import { Decimal, ValidationError, type ClientOrderId, type FundingPayment, type InstrumentId, type MarketData, type OrderSide, type StrategyId } from '@rxtrade/core';
import { FileJournal, type Journal } from '@rxtrade/execution';

/** One fill of an order, as the attribution uses it. */
export interface ReplayFill {
  readonly tradeId: string;
  readonly quantity: Decimal;
  readonly price: Decimal;
  readonly commission: Decimal;
  readonly commissionCurrency: string;
  /** When the venue filled it. */
  readonly ts: number;
}

/** One order of the live session, from its journaled command and events. */
export interface RecordedOrder {
  readonly clientOrderId: ClientOrderId;
  readonly strategyId: StrategyId;
  readonly instrumentId: InstrumentId;
  readonly side: OrderSide;
  readonly quantity: Decimal;
  /** The command's own `ts` (when the pipeline issued it). */
  readonly commandTs: number;
  /** `ts` of the venue's `OrderAccepted`, when one was journaled. */
  readonly ackTs: number | undefined;
  /** Fills in the order they were journaled, each trade id once. */
  readonly fills: readonly ReplayFill[];
}

/** What a journal holds of one session. */
export interface RecordedSession {
  /** Market data per instrument, in journal order (checked to be in time order). */
  readonly marketData: ReadonlyMap<InstrumentId, readonly MarketData[]>;
  /** Orders in the order their commands were journaled. */
  readonly orders: readonly RecordedOrder[];
  /** Funding payments the venues booked, as the node journaled them (each once). */
  readonly funding: readonly FundingPayment[];
  /** Journal records read. */
  readonly records: number;
}

interface MutableOrder {
  clientOrderId: ClientOrderId;
  strategyId: StrategyId;
  instrumentId: InstrumentId;
  side: OrderSide;
  quantity: Decimal;
  commandTs: number;
  ackTs: number | undefined;
  fills: ReplayFill[];
  tradeIds: Set<string>;
}

/**
 * Reads a session from a journal directory (read-only: a node may still be writing it), or from an
 * open {@link Journal} (a PostgreSQL journal opened read-only, say), which stays open: the caller closes it.
 *
 * @example
 * ```ts
 * const session = await readSession('var/journal');
 * session.orders.length;
 * ```
 */
export async function readSession(source: string | Journal): Promise<RecordedSession> {
  const journal = typeof source === 'string' ? await FileJournal.open({ dir: source, readOnly: true }) : source;
  const marketData = new Map<InstrumentId, MarketData[]>();
  const orders = new Map<string, MutableOrder>();
  const funding: FundingPayment[] = [];
  let records = 0;
  try {
    for await (const record of journal.replay()) {
      records++;
      if (record.kind === 'marketData') {
        const event = record.payload;
        let series = marketData.get(event.instrumentId);
        if (series === undefined) marketData.set(event.instrumentId, (series = []));
        const last = series[series.length - 1];
        if (last !== undefined && event.ts < last.ts)
          throw new ValidationError([
            { path: ['journal', `seq ${record.seq}`, 'payload', 'ts'], message: `market data of ${event.instrumentId} goes back in time (${event.ts} after ${last.ts})` },
          ]);
        series.push(event);
      } else if (record.kind === 'command') {
        const command = record.payload;
        const submits = command.type === 'SubmitOrder' ? [command] : command.type === 'SubmitOrderList' ? command.orders : [];
        for (const o of submits) {
          if (orders.has(o.clientOrderId)) continue; // sent again after a restart: still one order
          orders.set(o.clientOrderId, {
            clientOrderId: o.clientOrderId,
            strategyId: o.strategyId,
            instrumentId: o.instrumentId,
            side: o.side,
            quantity: o.quantity,
            commandTs: o.ts,
            ackTs: undefined,
            fills: [],
            tradeIds: new Set(),
          });
        }
      } else if (record.kind === 'funding') {
        funding.push(record.payload);
      } else if (record.kind === 'orderEvent') {
        const event = record.payload;
        const order = orders.get(event.clientOrderId);
        if (order === undefined) continue; // an order of an earlier session, adopted at reconciliation
        if (event.type === 'OrderAccepted' && order.ackTs === undefined) order.ackTs = event.ts;
        if (event.type === 'OrderFilled' && !order.tradeIds.has(event.tradeId)) {
          order.tradeIds.add(event.tradeId);
          order.fills.push({
            tradeId: event.tradeId,
            quantity: event.quantity,
            price: event.price,
            commission: event.commission,
            commissionCurrency: event.commissionCurrency,
            ts: event.ts,
          });
        }
      }
    }
  } finally {
    if (typeof source === 'string') await journal.close();
  }
  return {
    marketData,
    orders: [...orders.values()].map(({ tradeIds: _ids, ...o }) => o),
    funding,
    records,
  };
}

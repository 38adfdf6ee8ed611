/**
 * What a running live node shows of itself: its state, a snapshot of its book, and its lifecycle events.
 * The node implements it; the metrics endpoint, the alerts and the dashboard read only this, so each can
 * be tested against a hand-made view and embedded in an application's own process.
 */
import type { EventEmitter } from 'eventemitter3';

/**
 * The node's lifecycle states. DEGRADED: a feed or a venue is unhealthy; new exposure is refused and
 * reducing orders are allowed until it recovers.
 */
export const NodeState = {
  IDLE: 'IDLE',
  STARTING: 'STARTING',
  RUNNING: 'RUNNING',
  PAUSED: 'PAUSED',
  DEGRADED: 'DEGRADED',
  STOPPING: 'STOPPING',
  STOPPED: 'STOPPED',
  ERROR: 'ERROR',
} as const;
export type NodeState = (typeof NodeState)[keyof typeof NodeState];

/** A position as the node holds it; quantities and money as exact decimal strings. */
export interface NodePosition {
  readonly instrumentId: string;
  /** Signed: negative is short. */
  readonly quantity: string;
  readonly averagePrice: string;
  /** Marked at the last price the node saw; undefined before the first. */
  readonly unrealizedPnl: string | undefined;
  readonly realizedPnl: string;
}

/** An open order as the node tracks it. */
export interface NodeOrder {
  readonly clientOrderId: string;
  readonly venueOrderId: string | undefined;
  readonly instrumentId: string;
  readonly side: 'BUY' | 'SELL';
  readonly type: string;
  readonly status: string;
  readonly quantity: string;
  readonly filledQuantity: string;
  readonly price: string | undefined;
  /** Submitted and not yet acknowledged: the outcome is unknown until the venue answers or is asked. */
  readonly inFlight: boolean;
  /** Found at the venue but not created by this node: listed, never managed (absent: the node's own). */
  readonly external?: boolean;
  /** The venue the order is at (absent when the view does not know it). */
  readonly venue?: string;
}

/** A fill the node applied. */
export interface NodeFill {
  readonly ts: number;
  readonly clientOrderId: string;
  readonly tradeId: string;
  readonly instrumentId: string;
  readonly side: 'BUY' | 'SELL';
  readonly quantity: string;
  readonly price: string;
  readonly commission: string;
  /** The venue of the fill (absent when the view does not know it). */
  readonly venue?: string;
}

/** A circuit breaker of the risk engine. */
export interface NodeBreaker {
  readonly name: string;
  readonly tripped: boolean;
  /** Why it tripped, while tripped. */
  readonly reason: string | undefined;
}

/** The health of one market data subscription or venue connection. */
export interface NodeFeed {
  /** For example `bars:BTCUSDT.BINANCE` or `venue:BINANCE`. */
  readonly name: string;
  readonly status: 'HEALTHY' | 'STALE' | 'DISCONNECTED';
  /** Clock time of the last message; undefined before the first. */
  readonly lastMessageTs: number | undefined;
  readonly reconnects: number;
}

/** Everything the dashboard draws, at one moment. */
export interface NodeSnapshot {
  readonly ts: number;
  readonly nodeId: string;
  readonly state: NodeState;
  /** The risk engine's trading state: ACTIVE, REDUCING or HALTED. */
  readonly tradingState: string;
  readonly baseCurrency: string;
  readonly equity: string;
  readonly cash: string;
  readonly realizedPnl: string;
  readonly unrealizedPnl: string;
  readonly positions: readonly NodePosition[];
  readonly openOrders: readonly NodeOrder[];
  /** The most recent fills, newest last (bounded: the node keeps a fixed number). */
  readonly recentFills: readonly NodeFill[];
  /** Equity samples, oldest first (bounded). */
  readonly equityCurve: { readonly ts: readonly number[]; readonly equity: readonly number[] };
  readonly breakers: readonly NodeBreaker[];
  readonly feeds: readonly NodeFeed[];
}

/** The node's lifecycle events, on its eventemitter3 emitter. */
export interface NodeEvents {
  /** Every state transition. */
  state: (change: { readonly from: NodeState; readonly to: NodeState; readonly reason: string; readonly ts: number }) => void;
  /** A command handed to a venue adapter. */
  submitted: (order: { readonly clientOrderId: string; readonly instrumentId: string; readonly venue: string; readonly ts: number }) => void;
  /** The first acknowledgement of a submitted order; `latencyMs` from the hand-over to the venue. */
  acknowledged: (ack: { readonly clientOrderId: string; readonly venue: string; readonly latencyMs: number; readonly ts: number }) => void;
  /** A rejection by the venue, or a denial by the risk engine (`by: 'risk'`). */
  rejected: (reject: { readonly clientOrderId: string; readonly venue: string | undefined; readonly by: 'venue' | 'risk'; readonly reason: string; readonly ts: number }) => void;
  fill: (fill: NodeFill) => void;
  /** A feed or connection changed health (stale, recovered, reconnecting). */
  feed: (feed: NodeFeed & { readonly ts: number }) => void;
  /** Startup or reconnect reconciliation finished; `differences` describe what the venue knew that the node did not. */
  reconciliation: (result: { readonly venue: string; readonly differences: readonly string[]; readonly ts: number }) => void;
  /** A circuit breaker tripped or reset. */
  breaker: (breaker: NodeBreaker & { readonly ts: number }) => void;
  /** The kill switch was pulled (from the dashboard, an API call, or the risk engine). */
  killSwitch: (kill: { readonly reason: string; readonly source: string; readonly ts: number }) => void;
}

/**
 * A read-only view of a live node, plus its kill switch: what observability and the dashboard use.
 *
 * @example
 * ```ts
 * view.events.on('state', ({ from, to, reason }) => console.log(`${from} -> ${to}: ${reason}`));
 * const { equity, openOrders } = view.snapshot();
 * ```
 */
export interface LiveNodeView {
  readonly nodeId: string;
  readonly state: NodeState;
  readonly events: EventEmitter<NodeEvents>;
  /** A consistent snapshot, built on each call. */
  snapshot(): NodeSnapshot;
  /** Halts trading at once (the risk engine's kill switch: no new exposure, open orders cancelled). */
  killSwitch(reason: string, source: string): void;
}

/**
 * A hand-made `LiveNodeView` for the observability tests: an eventemitter3 emitter and a snapshot the
 * test edits between scrapes.
 */
import { EventEmitter } from 'eventemitter3';
import type { LiveNodeView, NodeEvents, NodeSnapshot, NodeState } from '../../live-node-view';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export class FakeNodeView implements LiveNodeView {
  readonly events = new EventEmitter<NodeEvents>();
  snapshotCalls = 0;
  data: Mutable<NodeSnapshot>;

  constructor(readonly nodeId = 'node-1') {
    this.data = {
      ts: 1_000_000,
      nodeId,
      state: 'RUNNING',
      tradingState: 'ACTIVE',
      baseCurrency: 'USDT',
      equity: '10000',
      cash: '10000',
      realizedPnl: '0',
      unrealizedPnl: '0',
      positions: [],
      openOrders: [],
      recentFills: [],
      equityCurve: { ts: [], equity: [] },
      breakers: [],
      feeds: [],
    };
  }

  get state(): NodeState {
    return this.data.state;
  }

  snapshot(): NodeSnapshot {
    this.snapshotCalls++;
    return structuredClone(this.data);
  }

  /** Moves the node to `to` and emits the transition, as the node does. */
  setState(to: NodeState, reason: string, ts = this.data.ts): void {
    const from = this.data.state;
    this.data.state = to;
    this.events.emit('state', { from, to, reason, ts });
  }

  killSwitch(reason: string, source: string): void {
    this.data.tradingState = 'HALTED';
    this.events.emit('killSwitch', { reason, source, ts: this.data.ts });
  }
}

/**
 * A hand-made {@link LiveNodeView} for the dashboard's tests: a snapshot the test edits, an emitter the
 * test fires, and a kill switch that records its calls (and halts trading, as the node's does).
 */
import { EventEmitter } from 'eventemitter3';
import type { LiveNodeView, NodeEvents, NodeFill, NodeSnapshot, NodeState } from '../../live-node-view';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const T0 = Date.UTC(2026, 0, 5, 14, 30);

/** A node in mid-session: two positions, two open orders (one in flight), three fills, a tripped breaker, a stale feed. */
export function sampleSnapshot(): Mutable<NodeSnapshot> {
  const ts: number[] = [];
  const equity: number[] = [];
  // A deterministic wavy curve from 100,000: 240 one-minute samples, the last at the snapshot's time and equity.
  for (let i = 0; i < 240; i++) {
    ts.push(T0 - (239 - i) * 60_000);
    equity.push(i === 239 ? 109_123.45 : Math.round((100_000 + 36 * i + 900 * Math.sin(i / 17)) * 100) / 100);
  }
  return {
    ts: T0,
    nodeId: 'node-1',
    state: 'RUNNING',
    tradingState: 'ACTIVE',
    baseCurrency: 'USDT',
    equity: '109123.45',
    cash: '52310.10',
    realizedPnl: '1834.20',
    unrealizedPnl: '-210.75',
    positions: [
      { instrumentId: 'BTCUSDT.BINANCE', quantity: '0.75', averagePrice: '64210.5', unrealizedPnl: '-310.75', realizedPnl: '1500.00' },
      { instrumentId: 'ETHUSDT.BINANCE', quantity: '-4', averagePrice: '3120.25', unrealizedPnl: '100.00', realizedPnl: '334.20' },
    ],
    openOrders: [
      { clientOrderId: 'O-1001', venueOrderId: '88123', instrumentId: 'BTCUSDT.BINANCE', side: 'BUY', type: 'LIMIT', status: 'ACCEPTED', quantity: '0.5', filledQuantity: '0.1', price: '63000', inFlight: false },
      { clientOrderId: 'O-1002', venueOrderId: undefined, instrumentId: 'ETHUSDT.BINANCE', side: 'SELL', type: 'MARKET', status: 'SUBMITTED', quantity: '2', filledQuantity: '0', price: undefined, inFlight: true },
    ],
    recentFills: [
      { ts: T0 - 600_000, clientOrderId: 'O-0998', tradeId: 'T-501', instrumentId: 'BTCUSDT.BINANCE', side: 'BUY', quantity: '0.5', price: '64100.00', commission: '3.21' },
      { ts: T0 - 300_000, clientOrderId: 'O-0999', tradeId: 'T-502', instrumentId: 'ETHUSDT.BINANCE', side: 'SELL', quantity: '4', price: '3120.25', commission: '1.25' },
      { ts: T0 - 60_000, clientOrderId: 'O-1000', tradeId: 'T-503', instrumentId: 'BTCUSDT.BINANCE', side: 'BUY', quantity: '0.25', price: '64431.50', commission: '1.61' },
    ],
    equityCurve: { ts, equity },
    breakers: [
      { name: 'max-drawdown', tripped: false, reason: undefined },
      { name: 'order-rate', tripped: true, reason: '31 orders in 10 s (limit 30)' },
    ],
    feeds: [
      { name: 'bars:BTCUSDT.BINANCE', status: 'HEALTHY', lastMessageTs: T0 - 2_000, reconnects: 0 },
      { name: 'bars:ETHUSDT.BINANCE', status: 'STALE', lastMessageTs: T0 - 95_000, reconnects: 1 },
      { name: 'venue:BINANCE', status: 'HEALTHY', lastMessageTs: T0 - 500, reconnects: 2 },
    ],
  };
}

/** A fake node: edit `current`, then `emit` an event, as the node would after changing its book. */
export class FakeNodeView implements LiveNodeView {
  readonly nodeId = 'node-1';
  readonly events = new EventEmitter<NodeEvents>();
  readonly killSwitchCalls: { reason: string; source: string }[] = [];
  current: Mutable<NodeSnapshot> = sampleSnapshot();
  snapshots = 0;

  get state(): NodeState {
    return this.current.state;
  }

  snapshot(): NodeSnapshot {
    this.snapshots++;
    return structuredClone(this.current);
  }

  killSwitch(reason: string, source: string): void {
    this.killSwitchCalls.push({ reason, source });
    this.current.tradingState = 'HALTED';
    this.events.emit('killSwitch', { reason, source, ts: this.current.ts });
  }

  /** Applies a fill to the snapshot and emits it. */
  addFill(fill: NodeFill): void {
    this.current.recentFills = [...this.current.recentFills, fill];
    this.events.emit('fill', fill);
  }
}

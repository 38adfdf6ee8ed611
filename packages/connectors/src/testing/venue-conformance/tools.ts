/**
 * The scenarios' tools: an event recorder on a venue, a wait on a condition (never a fixed sleep),
 * commands with fresh client order ids, and a failure that says what differed.
 */
import type { Subscription } from 'rxjs';
import {
  clientOrderId,
  strategyId,
  type ClientOrderId,
  type ConnectionStatus,
  type Decimal,
  type ExecutionClient,
  type OrderEvent,
  type OrderSide,
  type SubmitOrder,
} from '@rxtrade/core';
import type { VenueHarness } from './harness';

/**
 * A scenario that did not hold: `expected` and `actual` say what differed.
 *
 * @example
 * ```ts
 * throw new ConformanceFailure('cancel', 'OrderCanceled', 'OrderCancelRejected: unknown order');
 * ```
 */
export class ConformanceFailure extends Error {
  constructor(
    readonly check: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`${check}: expected ${expected}, got ${actual}`);
    this.name = 'ConformanceFailure';
  }
}

/** Fails with what differed unless `ok`. */
export function expectThat(ok: boolean, check: string, expected: string, actual: () => string): void {
  if (!ok) throw new ConformanceFailure(check, expected, actual());
}

/** Every event and connection status of one client, in arrival order. */
export class EventLog {
  readonly events: OrderEvent[] = [];
  readonly statuses: ConnectionStatus[] = [];
  private readonly subs: Subscription[] = [];

  constructor(venue: ExecutionClient) {
    this.subs.push(venue.events.subscribe((e) => this.events.push(e)));
    this.subs.push(venue.connection.subscribe((s) => this.statuses.push(s)));
  }

  of(id: ClientOrderId): OrderEvent[] {
    return this.events.filter((e) => e.clientOrderId === id);
  }

  types(id: ClientOrderId): string[] {
    return this.of(id).map((e) => e.type);
  }

  close(): void {
    for (const s of this.subs) s.unsubscribe();
  }
}

/**
 * Waits until `probe` returns something other than undefined or false, checking every few ms; fails
 * with `what` and `describe()` (the state it saw last) after `timeoutMs`.
 */
export async function waitUntil<T>(probe: () => T | undefined | false, what: string, timeoutMs: number, describe: () => string = () => 'nothing'): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > until) throw new ConformanceFailure(`waiting for ${what}`, `it within ${timeoutMs} ms`, describe());
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Lets the client's pending work run (callbacks, a socket's messages in flight) without waiting on anything in particular. */
export const settle = (ms = 50): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

let serial = 0;

/** A fresh client order id, unique in the process and across runs (the venue may remember ids). */
export function freshId(tag: string): ClientOrderId {
  return clientOrderId(`vc${tag}${Date.now().toString(36)}${(++serial).toString(36)}`);
}

/** Builds the scenarios' commands for a harness. */
export class Orders {
  constructor(private readonly h: VenueHarness) {}

  limit(side: OrderSide, quantity: Decimal, price: Decimal, over: Partial<SubmitOrder> = {}): SubmitOrder {
    return this.command({ side, orderType: 'LIMIT', quantity, price, ...over });
  }

  market(side: OrderSide, quantity: Decimal, over: Partial<SubmitOrder> = {}): SubmitOrder {
    return this.command({ side, orderType: 'MARKET', quantity, price: undefined, ...over });
  }

  private command(c: Partial<SubmitOrder> & Pick<SubmitOrder, 'side' | 'orderType' | 'quantity'>): SubmitOrder {
    return {
      type: 'SubmitOrder',
      clientOrderId: freshId(c.orderType === 'MARKET' ? 'm' : 'l'),
      strategyId: strategyId('conformance'),
      instrumentId: this.h.instrument.id,
      price: undefined,
      triggerPrice: undefined,
      timeInForce: 'GTC',
      expireTime: undefined,
      reduceOnly: false,
      postOnly: false,
      ts: Date.now(),
      ...c,
    };
  }
}

/** Events as short strings, for a failure message. */
export function describeEvents(events: readonly OrderEvent[]): string {
  if (events.length === 0) return 'no events';
  return events
    .map((e) => {
      if (e.type === 'OrderFilled') return `OrderFilled(${e.quantity.toString()} @ ${e.price.toString()}, ${e.tradeId})`;
      if (e.type === 'OrderRejected' || e.type === 'OrderCancelRejected' || e.type === 'OrderModifyRejected') return `${e.type}(${e.reason})`;
      if (e.type === 'OrderUpdated') return `OrderUpdated(${e.quantity.toString()} @ ${e.price?.toString() ?? '-'})`;
      return e.type;
    })
    .join(', ');
}

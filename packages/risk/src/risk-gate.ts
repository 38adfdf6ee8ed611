/**
 * `riskGate`: the risk engine as an RxJS operator. Approved commands pass on unchanged; a denied
 * command does not pass and becomes an `OrderDenied` event (ts and tsInit from the clock) delivered to
 * `onDenied` and on the engine's `orderDenied` event. The output therefore stays
 * `Observable<OrderCommand>`, so a gated pipeline is still a `Pipeline`. Kill-switch commands
 * (cancels, flattening orders) are emitted downstream as they happen.
 *
 * While subscribed, the gate also feeds the engine from the context: bars, quotes and trades (reference
 * prices and the volatility breaker; subscribed before the strategy so prices are current when it
 * acts), order events (venue-error breaker) and, on every bar and every command, the ledger's equity
 * (peak, trading day, loss and drawdown breakers).
 *
 * The gate counts what it approved and the order manager has not seen yet. Commands emitted in one
 * tick, or held back by an asynchronous stage placed after the gate, are not in `ctx.orders` when the
 * next command is checked; the gate adds them to the snapshot as open orders (a modify: the quantity it
 * adds, at its new prices) until the order manager knows the order (a modify: until it is confirmed or
 * refused), so that together they cannot exceed a limit.
 */
import { Decimal, ValidationError, type Bar, type DecimalLike, type ModifyOrder, type OrderCommand, type OrderDenied, type OrderEvent, type PipelineContext, type SubmitOrder } from '@rxtrade/core';
import { Observable, type MonoTypeOperatorFunction, type Subscription } from 'rxjs';
import { DenialCode, formatDenial, type RiskDecision } from './risk-decision';
import type { RiskEngine } from './risk-engine';
import { riskInputFromContext } from './risk-input-from-context';
import type { KillSwitchActivated } from './events';
import type { RiskOpenOrderInput, RiskStateInput } from './risk-state';

/**
 * Options of {@link riskGate}.
 *
 * @example
 * ```ts
 * riskGate(engine, ctx, { onDenied: (d) => deniedEvents.next(d), observeMarket: true });
 * ```
 */
export interface RiskGateOptions {
  /** Receives each denial as an `OrderDenied` event (also emitted on `engine.events` as `orderDenied`). */
  readonly onDenied?: (event: OrderDenied) => void;
  /** Feed market data from `ctx.market` to the engine (default true). */
  readonly observeMarket?: boolean;
  /** Feed `ctx.orderEvents` to the engine (default true). */
  readonly observeOrderEvents?: boolean;
  /**
   * How long (ms of the context's clock) an approved command that the order manager has not seen keeps
   * counting toward the limits (default 60,000). A command dropped by a stage after the gate stops
   * counting then; one delayed longer than this by a stage after the gate would no longer be counted.
   */
  readonly pendingTtlMs?: number;
}

interface Pending {
  readonly order: RiskOpenOrderInput;
  readonly at: number;
}

/**
 * Gates a stream of order commands through `engine`.
 *
 * @example
 * ```ts
 * const pipeline: Pipeline = (ctx) =>
 *   strategy(ctx).pipe(riskGate(engine, ctx, { onDenied: (d) => ctx.logger.warn('denied', { reason: d.reason }) }));
 * ```
 */
export function riskGate(engine: RiskEngine, ctx: PipelineContext, options: RiskGateOptions = {}): MonoTypeOperatorFunction<OrderCommand> {
  const ttl = options.pendingTtlMs ?? 60_000;
  if (!(ttl >= 0)) throw new ValidationError([{ path: ['options', 'pendingTtlMs'], message: `must be a number >= 0, got ${String(options.pendingTtlMs)}` }]);
  return (source) =>
    new Observable<OrderCommand>((subscriber) => {
      const subs: Subscription[] = [];
      // Approved submits the order manager has not shown yet, and approved modifies not yet confirmed or refused.
      const submits = new Map<string, Pending>();
      const modifies = new Map<string, Pending>();
      if (options.observeMarket ?? true) {
        const feed = (md: Parameters<RiskEngine['observeMarketData']>[0]): void => engine.observeMarketData(md);
        // Equity is observed on every bar as well, so the loss and drawdown breakers trip without waiting for an order.
        const onBar = (bar: Bar): void => {
          engine.observeMarketData(bar);
          const equity = ctx.ledger.equity();
          if (finite(equity)) engine.observeEquity(equity, bar.ts);
        };
        subs.push(ctx.market.bars().subscribe(onBar), ctx.market.quotes().subscribe(feed), ctx.market.trades().subscribe(feed));
      }
      const observeEvents = options.observeOrderEvents ?? true;
      subs.push(
        ctx.orderEvents.subscribe((e: OrderEvent) => {
          if (observeEvents) engine.onOrderEvent(e);
          if (modifies.size > 0 && (e.type === 'OrderUpdated' || e.type === 'OrderModifyRejected')) modifies.delete(e.clientOrderId);
          // Any event of an order means the order manager has it: open, it is in the context's open
          // orders from now on; closed, it may already be forgotten (closed orders not kept), and must
          // not stay pending until the TTL.
          if (submits.size > 0) submits.delete(e.clientOrderId);
        }),
      );
      const onKill = (k: KillSwitchActivated): void => {
        for (const c of k.commands) subscriber.next(c);
      };
      engine.events.on('killSwitch', onKill);

      const snapshotInput = (now: number): RiskStateInput => {
        const input = riskInputFromContext(ctx);
        if (submits.size === 0 && modifies.size === 0) return input;
        const extra: RiskOpenOrderInput[] = [];
        for (const [id, p] of submits) {
          if (ctx.orders.order(id as never) !== undefined || now - p.at > ttl) submits.delete(id);
          else extra.push(p.order);
        }
        for (const [id, p] of modifies) {
          const o = ctx.orders.order(id as never);
          if (o === undefined || !o.isOpen || now - p.at > ttl) modifies.delete(id);
          else extra.push(p.order);
        }
        return extra.length === 0 ? input : { ...input, openOrders: [...(input.openOrders ?? []), ...extra] };
      };
      const remember = (command: OrderCommand, now: number): void => {
        if (command.type === 'SubmitOrder') submits.set(command.clientOrderId, { order: asOpen(command), at: now });
        else if (command.type === 'SubmitOrderList') for (const o of command.orders) submits.set(o.clientOrderId, { order: asOpen(o), at: now });
        else if (command.type === 'ModifyOrder') {
          const held = submits.get(command.clientOrderId);
          if (held !== undefined) {
            // Not delivered yet: the pending order takes the larger quantity and the new prices.
            const o = held.order;
            const quantity = command.quantity !== undefined && command.quantity.gt(o.quantity) ? command.quantity : o.quantity;
            submits.set(command.clientOrderId, { at: held.at, order: { ...o, quantity, price: command.price ?? o.price, triggerPrice: command.triggerPrice ?? o.triggerPrice } });
            return;
          }
          const added = modifyAddition(ctx, command);
          if (added !== undefined) modifies.set(command.clientOrderId, { order: added, at: now });
        }
      };

      subs.push(
        source.subscribe({
          next: (command) => {
            const now = ctx.clock.now();
            let decision: RiskDecision;
            try {
              const input = snapshotInput(now);
              // Non-finite equity is not observed (it would poison the peak); the check denies on it.
              if (finite(input.equity)) engine.observeEquity(input.equity, now);
              decision = engine.check(command, engine.snapshot(input));
            } catch (e) {
              // A state the engine cannot read must not let the command pass, and must not stop the gate.
              if (!(e instanceof ValidationError)) throw e;
              decision = { approved: false, reasons: [{ code: DenialCode.INVALID_ORDER, limit: undefined, actual: undefined, message: e.message }] };
            }
            engine.record(command, decision, now);
            if (decision.approved) {
              remember(command, now);
              subscriber.next(command);
            } else {
              // A denied list denies each of its orders: nothing of it reaches the venue.
              const ids = command.type === 'SubmitOrderList' ? (Array.isArray(command.orders) ? command.orders.map((o) => o.clientOrderId) : []) : [command.clientOrderId];
              for (const clientOrderId of ids) {
                const denied: OrderDenied = {
                  type: 'OrderDenied',
                  clientOrderId,
                  strategyId: command.strategyId,
                  instrumentId: command.instrumentId,
                  reason: formatDenial(decision),
                  ts: now,
                  tsInit: now,
                };
                options.onDenied?.(denied);
                engine.events.emit('orderDenied', denied);
              }
            }
          },
          error: (e: unknown) => subscriber.error(e),
          complete: () => subscriber.complete(),
        }),
      );
      return () => {
        engine.events.off('killSwitch', onKill);
        for (const s of subs) s.unsubscribe();
      };
    });
}

function finite(v: DecimalLike): boolean {
  return v instanceof Decimal ? v.isFinite() : Number.isFinite(Number(v));
}

function asOpen(o: SubmitOrder): RiskOpenOrderInput {
  return { clientOrderId: o.clientOrderId, strategyId: o.strategyId, instrumentId: o.instrumentId, side: o.side, orderType: o.orderType, quantity: o.quantity, price: o.price, triggerPrice: o.triggerPrice };
}

/**
 * What an approved modify adds until it is confirmed: an order beside the open one for the quantity it
 * adds (or the whole new quantity when only prices change, since the new prices may value it higher), at
 * the new prices. Undefined when the order is not known.
 */
function modifyAddition(ctx: PipelineContext, m: ModifyOrder): RiskOpenOrderInput | undefined {
  const o = ctx.orders.order(m.clientOrderId);
  if (o === undefined || !o.isOpen) return undefined;
  const remaining = (m.quantity ?? o.quantity).sub(o.filledQuantity);
  const added = m.quantity === undefined ? remaining : m.quantity.sub(o.quantity);
  const quantity = m.price !== undefined || m.triggerPrice !== undefined ? remaining : added;
  if (!(quantity.gt(0))) return undefined;
  return {
    clientOrderId: `${m.clientOrderId}~modify`,
    strategyId: o.strategyId,
    instrumentId: o.instrumentId,
    side: o.side,
    orderType: o.orderType,
    quantity,
    price: m.price ?? o.price,
    triggerPrice: m.triggerPrice ?? o.triggerPrice,
  };
}

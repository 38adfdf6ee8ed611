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
 */
import { ValidationError, type Bar, type OrderCommand, type OrderDenied, type PipelineContext } from '@rxtrade/core';
import { Observable, type MonoTypeOperatorFunction, type Subscription } from 'rxjs';
import { DenialCode, formatDenial, type RiskDecision } from './risk-decision';
import type { RiskEngine } from './risk-engine';
import { riskInputFromContext } from './risk-input-from-context';
import type { KillSwitchActivated } from './events';

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
  return (source) =>
    new Observable<OrderCommand>((subscriber) => {
      const subs: Subscription[] = [];
      if (options.observeMarket ?? true) {
        const feed = (md: Parameters<RiskEngine['observeMarketData']>[0]): void => engine.observeMarketData(md);
        // Equity is observed on every bar as well, so the loss and drawdown breakers trip without waiting for an order.
        const onBar = (bar: Bar): void => {
          engine.observeMarketData(bar);
          engine.observeEquity(ctx.ledger.equity(), bar.ts);
        };
        subs.push(ctx.market.bars().subscribe(onBar), ctx.market.quotes().subscribe(feed), ctx.market.trades().subscribe(feed));
      }
      if (options.observeOrderEvents ?? true) subs.push(ctx.orderEvents.subscribe((e) => engine.onOrderEvent(e)));
      const onKill = (k: KillSwitchActivated): void => {
        for (const c of k.commands) subscriber.next(c);
      };
      engine.events.on('killSwitch', onKill);
      subs.push(
        source.subscribe({
          next: (command) => {
            const now = ctx.clock.now();
            const input = riskInputFromContext(ctx);
            engine.observeEquity(input.equity, now);
            let decision: RiskDecision;
            try {
              decision = engine.check(command, engine.snapshot(input));
            } catch (e) {
              // A malformed command is a bug upstream; it must not pass, and it must not stop the gate.
              if (!(e instanceof ValidationError)) throw e;
              decision = { approved: false, reasons: [{ code: DenialCode.INVALID_ORDER, limit: undefined, actual: undefined, message: e.message }] };
            }
            engine.record(command, decision, now);
            if (decision.approved) subscriber.next(command);
            else {
              // A denied list denies each of its orders: nothing of it reaches the venue.
              const ids = command.type === 'SubmitOrderList' ? command.orders.map((o) => o.clientOrderId) : [command.clientOrderId];
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

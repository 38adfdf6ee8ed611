/**
 * The engine shared by every execution algorithm: turns a stream of parent orders into a stream of
 * child orders. Each SubmitOrder that arrives is a parent; the algorithm's run decides when to send
 * children and how large, this engine tracks the children's events from `ctx.orderEvents`, cancels
 * the open children when a CancelOrder for the parent arrives, and passes every other command through
 * untouched. The parent itself never reaches the order manager: only its children do.
 */
import { Observable, type OperatorFunction, type Subscription } from 'rxjs';
import {
  ValidationError,
  type CancelOrder,
  type ClientOrderId,
  type Decimal,
  type OrderCommand,
  type OrderType,
  type PipelineContext,
  type SubmitOrder,
} from '@rxtrade/core';
import { ParentOrder, type ChildUpdate } from './parent-order';

/**
 * An execution algorithm as a pipeline stage: parent orders (and cancels of them) in, child orders out.
 * It accepts any {@link OrderCommand}, so it also fits where an `OperatorFunction<SubmitOrder, OrderCommand>` is expected.
 *
 * @example
 * ```ts
 * const stage: ExecutionAlgorithm = twap(ctx, { durationMs: 60_000, slices: 6 });
 * const pipeline: Pipeline = (ctx) => signals$.pipe(map(toParentOrder), twap(ctx, { durationMs: 60_000, slices: 6 }));
 * ```
 */
export type ExecutionAlgorithm = OperatorFunction<OrderCommand, OrderCommand>;

/**
 * What an algorithm's run may do with its parent: send children, end its schedule, stop.
 *
 * @example
 * ```ts
 * const run = (handle: AlgoHandle): AlgoRun => ({
 *   start: () => { handle.send(handle.parent.quantity); handle.endSchedule(); },
 *   dispose: () => {},
 * });
 * ```
 */
export interface AlgoHandle {
  readonly parent: ParentOrder;
  /** Sends a child of `quantity` (capped at the unallocated rest, rounded down to the lot); undefined when nothing was sent. */
  send(quantity: Decimal): SubmitOrder | undefined;
  /** No more children will be sent: the run ends once the open children have closed. */
  endSchedule(): void;
  /** Cancels the open children and ends the run now. */
  stop(): void;
  /** True once the run has ended. */
  readonly ended: boolean;
}

/**
 * One parent's execution, written by each algorithm: `start` sends the first children and sets timers
 * or market subscriptions, `onChildUpdate` reacts to the children's fills and closes, `dispose` releases.
 *
 * @example
 * ```ts
 * // Sends the whole parent at once; what a rejection returns is not sent again.
 * const run = (h: AlgoHandle): AlgoRun => ({ start: () => void h.send(h.parent.quantity), dispose: () => {} });
 * ```
 */
export interface AlgoRun {
  /** Sends the first children and sets timers or subscriptions. Called once. */
  start(): void;
  /** Called after a child's event was applied to the parent (the parent not yet complete). */
  onChildUpdate?(update: ChildUpdate): void;
  /** Releases timers and subscriptions. Called once, when the run ends. */
  dispose(): void;
}

/**
 * Builds an {@link ExecutionAlgorithm} from a per-parent run factory: the way to write a new
 * algorithm. The engine validates each parent (order type, lot-multiple quantity), tracks its
 * children's events, caps every child at the parent's unallocated quantity, handles a CancelOrder for
 * the parent and completes when the input has completed and no parent is still being executed.
 *
 * @param name the algorithm's name, for error messages.
 * @param orderTypes the parent order types it accepts.
 * @example
 * ```ts
 * // All at once, for comparison with the real algorithms.
 * const immediate = (ctx: PipelineContext): ExecutionAlgorithm =>
 *   executionAlgorithm(ctx, 'immediate', ['MARKET', 'LIMIT'], (h) => ({
 *     start: () => { h.send(h.parent.quantity); h.endSchedule(); },
 *     dispose: () => {},
 *   }));
 * ```
 */
export function executionAlgorithm(
  ctx: PipelineContext,
  name: string,
  orderTypes: readonly OrderType[],
  createRun: (handle: AlgoHandle) => AlgoRun,
): ExecutionAlgorithm {
  return (source) =>
    new Observable<OrderCommand>((subscriber) => {
      const runs = new Map<ClientOrderId, Entry>();
      const byChild = new Map<ClientOrderId, Entry>();
      let sourceDone = false;

      interface Entry extends AlgoHandle {
        run: AlgoRun;
        scheduleEnded: boolean;
        ended: boolean;
        end(): void;
      }

      const finalize = (entry: Entry): void => {
        runs.delete(entry.parent.id);
        entry.run.dispose();
        if (!entry.parent.isComplete)
          ctx.logger.debug(`${name}: parent ${entry.parent.id} ended unfilled`, { filled: entry.parent.filled.toString(), quantity: entry.parent.quantity.toString() });
        if (sourceDone && runs.size === 0) subscriber.complete();
      };

      const fail = (error: unknown): void => {
        subscriber.error(error);
      };

      const open = (parentCommand: SubmitOrder): void => {
        if (runs.has(parentCommand.clientOrderId))
          throw new ValidationError([{ path: ['parent', 'clientOrderId'], message: `${name}: parent ${parentCommand.clientOrderId} is already being executed` }]);
        if (!orderTypes.includes(parentCommand.orderType))
          throw new ValidationError([
            { path: ['parent', 'orderType'], message: `${name} executes ${orderTypes.join(' or ')} parent orders, got ${parentCommand.orderType}` },
          ]);
        const instrument = ctx.instruments.get(parentCommand.instrumentId);
        const parent = new ParentOrder(parentCommand, instrument, ctx.clock, ctx.orderFactory);
        const entry: Entry = {
          parent,
          run: undefined as unknown as AlgoRun,
          scheduleEnded: false,
          ended: false,
          send(quantity) {
            if (entry.ended) return undefined;
            const child = parent.createChild(quantity);
            if (child === undefined) return undefined;
            // Registered before it is emitted: the order manager answers synchronously (accepted,
            // denied or rejected) while the child is being emitted.
            byChild.set(child.clientOrderId, entry);
            subscriber.next(child);
            return child;
          },
          endSchedule() {
            entry.scheduleEnded = true;
            if (parent.working.lte(0)) entry.end();
          },
          stop() {
            if (entry.ended) return;
            const now = ctx.clock.now();
            const cancels: CancelOrder[] = parent.openChildren().map((c) => ({
              type: 'CancelOrder',
              clientOrderId: c.clientOrderId,
              strategyId: c.strategyId,
              instrumentId: c.instrumentId,
              ts: now,
            }));
            // Ended before the cancels go out: their answers must not make the run send again.
            entry.ended = true;
            for (const cancel of cancels) subscriber.next(cancel);
            finalize(entry);
          },
          end() {
            if (entry.ended) return;
            entry.ended = true;
            finalize(entry);
          },
        };
        entry.run = createRun(entry);
        runs.set(parent.id, entry);
        entry.run.start();
      };

      const events: Subscription = ctx.orderEvents.subscribe((event) => {
        const entry = byChild.get(event.clientOrderId);
        if (entry === undefined) return;
        try {
          const update = entry.parent.apply(event);
          if (update === undefined) return;
          if (update.closed) byChild.delete(event.clientOrderId);
          if (entry.ended) return;
          if (entry.parent.isComplete) {
            entry.end();
            return;
          }
          entry.run.onChildUpdate?.(update);
          if (!entry.ended && entry.scheduleEnded && entry.parent.working.lte(0)) entry.end();
        } catch (error) {
          fail(error);
        }
      });
      subscriber.add(events);

      subscriber.add(
        source.subscribe({
          next: (command) => {
            try {
              if (command.type === 'SubmitOrder') open(command);
              else if (command.type === 'CancelOrder' && runs.has(command.clientOrderId)) runs.get(command.clientOrderId)!.stop();
              else subscriber.next(command);
            } catch (error) {
              fail(error);
            }
          },
          error: fail,
          complete: () => {
            sourceDone = true;
            if (runs.size === 0) subscriber.complete();
          },
        }),
      );

      return () => {
        for (const entry of [...runs.values()]) {
          entry.ended = true;
          entry.run.dispose();
        }
        runs.clear();
        byChild.clear();
      };
    });
}

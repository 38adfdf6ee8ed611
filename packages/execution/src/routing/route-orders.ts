/**
 * `routeOrders`: the pipeline stage that decides where orders go when one asset trades on several
 * venues. Two modes, chosen per instrument:
 *
 * - mapping (`{ mapping: { [from]: to } }`): submits, lists, cancels and modifies of `from` are rewritten
 *   to `to`, prices and quantities re-rounded to `to`'s tick and lot (see {@link RouteOrdersConfig}).
 * - smart (`{ smart: { [from]: [to, …] }, feeModels }`): each MARKET or LIMIT submit of `from` is split
 *   across the `to` instruments by effective price (fees included) and visible depth, with
 *   {@link allocateSmart}; depth comes from the L2 books on `ctx.market.books(to)`, which the stage
 *   maintains in an {@link OrderBook} per target and only reads.
 *
 * Commands of other instruments pass through unchanged. Everything is synchronous: the stage sets no
 * timer and reads no clock but the context's.
 */
import { Observable, type MonoTypeOperatorFunction, type Subscription } from 'rxjs';
import { z } from 'zod';
import {
  Decimal,
  parseWith,
  roundPrice,
  roundQuantity,
  type CancelOrder,
  type ClientOrderId,
  type Instrument,
  type InstrumentId,
  type ModifyOrder,
  type OrderCommand,
  type OrderEvent,
  type OrderSide,
  type PipelineContext,
  type SubmitOrder,
  type SubmitOrderList,
} from '@rxtrade/core';
import { FeeModelSchema, isObject } from '../config-schemas';
import type { FeeModel } from '../fee-model';
import { OrderBook } from '../matching/order-book';
import { allocateSmart, type SmartAllocation, type SmartTarget } from './smart-allocation';


const ContextSchema = z.custom<PipelineContext>(
  (v) => isObject(v) && isObject(v['instruments']) && isObject(v['market']) && isObject(v['orderFactory']) && isObject(v['orderEvents']) && isObject(v['logger']),
  'must be a PipelineContext (instruments, market, orderFactory, orderEvents, logger)',
);

/**
 * Schema of {@link RouteOrdersConfig}. Besides the shapes it checks, against `ctx.instruments`: that
 * some instrument is routed, that no instrument is both mapped and smart-routed, that every target
 * instrument is known, that smart targets are distinct, and that every smart target's venue has a fee
 * model. Each issue names the field (`mapping.X`, `smart.X[1]`, `feeModels.VENUE`).
 *
 * @example
 * ```ts
 * parseWith(RouteOrdersConfigSchema, { ctx, mapping: { [btc.id]: btcBinance.id } }, 'routeOrders');
 * ```
 */
export const RouteOrdersConfigSchema = z
  .strictObject({
    ctx: ContextSchema,
    /** Instrument mapping: every command of the key instrument goes to the value instrument. */
    mapping: z.record(z.string().min(1), z.string().min(1)).optional(),
    /** Smart routing: submits of the key instrument are split across the value instruments. */
    smart: z.record(z.string().min(1), z.array(z.string().min(1)).min(1)).optional(),
    /** The taker fee model of every venue that smart routing may send to, by venue id. */
    feeModels: z.record(z.string().min(1), FeeModelSchema).optional(),
    /** Book levels per side that smart routing looks at, per target (default: all). */
    depth: z.number().int().positive().optional(),
    /** Called with each parent order and the children it was split into (after they were emitted). */
    onSplit: z.custom<(parent: SubmitOrder, children: readonly SubmitOrder[], allocation: SmartAllocation) => void>((v) => typeof v === 'function', 'must be a function').optional(),
  })
  .superRefine((c, issues) => {
    const mapping = c.mapping ?? {};
    const smart = c.smart ?? {};
    const feeModels = c.feeModels ?? {};
    if (Object.keys(mapping).length === 0 && Object.keys(smart).length === 0)
      issues.addIssue({ code: 'custom', path: ['mapping'], message: 'give a mapping or smart routes for at least one instrument' });
    const known = (id: string): boolean => c.ctx.instruments.find(id as InstrumentId) !== undefined;
    for (const [from, to] of Object.entries(mapping)) {
      if (!known(to)) issues.addIssue({ code: 'custom', path: ['mapping', from], message: `unknown instrument ${to}` });
      if (from in smart) issues.addIssue({ code: 'custom', path: ['smart', from], message: `${from} is also in mapping: route an instrument one way` });
    }
    for (const [from, targets] of Object.entries(smart)) {
      const seen = new Set<string>();
      targets.forEach((to, i) => {
        if (seen.has(to)) issues.addIssue({ code: 'custom', path: ['smart', from, i], message: `duplicate target ${to}` });
        seen.add(to);
        const instrument = c.ctx.instruments.find(to as InstrumentId);
        if (instrument === undefined) issues.addIssue({ code: 'custom', path: ['smart', from, i], message: `unknown instrument ${to}` });
        else if (feeModels[instrument.venue] === undefined)
          issues.addIssue({ code: 'custom', path: ['feeModels', instrument.venue], message: `missing: ${to} (a target of smart.${from}) trades on venue ${instrument.venue}` });
      });
    }
  });

/**
 * Configuration of {@link routeOrders}: the pipeline context, and a mapping and/or smart routes.
 *
 * - Mapping re-rounds to the target instrument: quantity down to its lot; a limit price conservatively
 *   (a BUY down, a SELL up, so the limit never gets worse); trigger prices and PRICE trailing offsets to
 *   the nearest tick. A quantity that rounds to zero is NOT dropped: the command is emitted with
 *   quantity 0 (and a warning is logged), so the order manager denies it and the strategy sees an
 *   `OrderDenied` for its own client order id instead of an order that silently never happened.
 * - Smart routing splits MARKET and LIMIT submits that are not post-only (see {@link allocateSmart});
 *   other order types, post-only orders and order lists go whole to the target with the best effective
 *   top of book (the first target when no book has arrived), rewritten as by a mapping. Each child has
 *   a fresh client order id from `ctx.orderFactory.nextId()`, the parent's side, type, time in force and
 *   limit price (re-rounded to the child's tick), and the child's instrument and quantity. The parent's
 *   id never reaches the order manager: a `CancelOrder` of the parent id cancels every child still
 *   open, and the children's events arrive on `ctx.orderEvents` under their own ids (`onSplit` says
 *   which). A `ModifyOrder` of a parent id is passed on unchanged (the order manager refuses it as
 *   unknown) with a warning: split orders are not modified as a whole.
 *
 * @example
 * ```ts
 * const config: RouteOrdersConfig = {
 *   ctx,
 *   smart: { [btc.id]: [btcA.id, btcB.id] },
 *   feeModels: { VENUE_A: new PercentFeeModel(0.001), VENUE_B: new PercentFeeModel(0.0005) },
 * };
 * ```
 */
export type RouteOrdersConfig = z.input<typeof RouteOrdersConfigSchema>;

/** Children of one split parent that are still open. */
interface ParentEntry {
  readonly open: Set<ClientOrderId>;
  readonly children: readonly SubmitOrder[];
}

const TERMINAL_EVENTS: ReadonlySet<OrderEvent['type']> = new Set(['OrderDenied', 'OrderRejected', 'OrderCanceled', 'OrderExpired']);

/**
 * A pipeline stage that routes order commands across venues by instrument mapping or by smart
 * (effective-price, depth-aware) splitting; see {@link RouteOrdersConfig} for the rules.
 *
 * @example
 * ```ts
 * const pipeline: Pipeline = (ctx) =>
 *   strategy(ctx).pipe(
 *     routeOrders({
 *       ctx,
 *       smart: { [btc.id]: [btcA.id, btcB.id] },
 *       feeModels: { VENUE_A: new PercentFeeModel(0.001), VENUE_B: new PercentFeeModel(0.0005) },
 *     }),
 *   );
 * ```
 */
export function routeOrders(config: RouteOrdersConfig): MonoTypeOperatorFunction<OrderCommand> {
  const c = parseWith(RouteOrdersConfigSchema, config, 'routeOrders');
  const ctx = c.ctx;
  const mapping = new Map<InstrumentId, Instrument>();
  for (const [from, to] of Object.entries(c.mapping ?? {})) mapping.set(from as InstrumentId, ctx.instruments.get(to as InstrumentId));
  const smart = new Map<InstrumentId, readonly { readonly instrument: Instrument; readonly feeModel: FeeModel }[]>();
  for (const [from, targets] of Object.entries(c.smart ?? {}))
    smart.set(
      from as InstrumentId,
      targets.map((to) => {
        const instrument = ctx.instruments.get(to as InstrumentId);
        return { instrument, feeModel: c.feeModels![instrument.venue]! };
      }),
    );
  const targetIds = [...new Set([...smart.values()].flatMap((ts) => ts.map((t) => t.instrument.id)))];

  return (source) =>
    new Observable<OrderCommand>((subscriber) => {
      const books = new Map<InstrumentId, OrderBook>();
      const parents = new Map<ClientOrderId, ParentEntry>();
      const childParent = new Map<ClientOrderId, ClientOrderId>();
      const subscriptions: Subscription[] = [];

      // Books first, so that the view is current before the strategy reacts to the same book event.
      for (const id of targetIds) {
        const book = new OrderBook(id);
        books.set(id, book);
        subscriptions.push(
          ctx.market.books(id).subscribe({
            next: (update) => {
              try {
                book.apply(update);
              } catch (error) {
                subscriber.error(error);
              }
            },
            error: (error: unknown) => subscriber.error(error),
          }),
        );
      }
      if (targetIds.length > 0)
        subscriptions.push(
          ctx.orderEvents.subscribe((event) => {
            const parentId = childParent.get(event.clientOrderId);
            if (parentId === undefined) return;
            const closed = TERMINAL_EVENTS.has(event.type) || ctx.orders.order(event.clientOrderId)?.isOpen === false;
            if (closed) forgetChild(parentId, event.clientOrderId);
          }),
        );

      function forgetChild(parentId: ClientOrderId, childId: ClientOrderId): void {
        childParent.delete(childId);
        const entry = parents.get(parentId);
        if (entry === undefined) return;
        entry.open.delete(childId);
        if (entry.open.size === 0) parents.delete(parentId);
      }

      const route = (command: OrderCommand): void => {
        switch (command.type) {
          case 'SubmitOrder': {
            const to = mapping.get(command.instrumentId);
            if (to !== undefined) return subscriber.next(mapSubmit(command, to));
            const targets = smart.get(command.instrumentId);
            if (targets !== undefined) return submitSmart(command, targets);
            return subscriber.next(command);
          }
          case 'SubmitOrderList': {
            const to = mapping.get(command.instrumentId);
            if (to !== undefined) return subscriber.next(mapList(command, (id) => mapping.get(id) ?? (id === command.instrumentId ? to : undefined)));
            const targets = smart.get(command.instrumentId);
            if (targets !== undefined) {
              const best = bestTop(command.orders[0]?.side ?? 'BUY', targets);
              return subscriber.next(mapList(command, (id) => (id === command.instrumentId ? best : mapping.get(id))));
            }
            return subscriber.next(command);
          }
          case 'CancelOrder': {
            const entry = parents.get(command.clientOrderId);
            if (entry !== undefined) return cancelChildren(command, entry);
            const to = mapping.get(command.instrumentId);
            return subscriber.next(to === undefined ? command : { ...command, instrumentId: to.id });
          }
          case 'ModifyOrder': {
            if (parents.has(command.clientOrderId))
              ctx.logger.warn('routeOrders: a split order cannot be modified as a whole; modify its children', { clientOrderId: command.clientOrderId });
            const to = mapping.get(command.instrumentId);
            return subscriber.next(to === undefined ? command : mapModify(command, to));
          }
          default:
            return subscriber.next(command);
        }
      };

      function submitSmart(parent: SubmitOrder, targets: readonly { readonly instrument: Instrument; readonly feeModel: FeeModel }[]): void {
        if ((parent.orderType !== 'MARKET' && parent.orderType !== 'LIMIT') || parent.postOnly) {
          subscriber.next(mapSubmit(parent, bestTop(parent.side, targets)));
          return;
        }
        const bookSide = parent.side === 'BUY' ? 'ASK' : 'BID';
        const smartTargets: SmartTarget[] = targets.map((t) => ({
          instrument: t.instrument,
          feeModel: t.feeModel,
          levels: books.get(t.instrument.id)!.levels(bookSide, c.depth),
        }));
        const allocation = allocateSmart({ side: parent.side, quantity: parent.quantity, limitPrice: parent.price, targets: smartTargets });
        if (allocation.children.length === 0) {
          // Nothing survives lot rounding: send the parent whole (its quantity rounds to 0) so that the
          // order manager denies it under the strategy's own id.
          subscriber.next(mapSubmit(parent, bestTop(parent.side, targets)));
          return;
        }
        if (allocation.unallocated.gt(0))
          ctx.logger.warn('routeOrders: lot rounding left part of a split order unsent', { clientOrderId: parent.clientOrderId, unallocated: allocation.unallocated.toString() });
        const children = allocation.children.map((child) =>
          mapSubmit({ ...parent, clientOrderId: ctx.orderFactory.nextId(), quantity: child.quantity }, child.instrument),
        );
        // Registered before the children are emitted: their first events (submitted, denied, accepted)
        // arrive synchronously while they are emitted.
        const entry: ParentEntry = { open: new Set(children.map((ch) => ch.clientOrderId)), children };
        parents.set(parent.clientOrderId, entry);
        for (const ch of children) childParent.set(ch.clientOrderId, parent.clientOrderId);
        ctx.logger.debug('routeOrders: split', {
          clientOrderId: parent.clientOrderId,
          children: children.map((ch) => ({ clientOrderId: ch.clientOrderId, instrumentId: ch.instrumentId, quantity: ch.quantity.toString() })),
        });
        for (const ch of children) subscriber.next(ch);
        c.onSplit?.(parent, children, allocation);
      }

      function cancelChildren(command: CancelOrder, entry: ParentEntry): void {
        parents.delete(command.clientOrderId);
        for (const child of entry.children) {
          if (!entry.open.has(child.clientOrderId)) continue;
          childParent.delete(child.clientOrderId);
          if (ctx.orders.order(child.clientOrderId)?.isOpen === false) continue;
          subscriber.next({ ...command, clientOrderId: child.clientOrderId, instrumentId: child.instrumentId });
        }
      }

      function bestTop(side: OrderSide, targets: readonly { readonly instrument: Instrument; readonly feeModel: FeeModel }[]): Instrument {
        const bookSide = side === 'BUY' ? 'ASK' : 'BID';
        const first = targets[0]!;
        // allocateSmart's overflow rule picks the best effective top of book: ask it for one unit of
        // overflow with no visible depth taken (a limit no level can meet).
        const probe = allocateSmart({
          side,
          quantity: Decimal.max(...targets.map((t) => t.instrument.lotSize)),
          limitPrice: side === 'BUY' ? new Decimal(0) : new Decimal(Number.MAX_VALUE),
          targets: targets.map((t) => ({ instrument: t.instrument, feeModel: t.feeModel, levels: books.get(t.instrument.id)?.levels(bookSide, 1) ?? [] })),
        });
        return probe.children[0]?.instrument ?? first.instrument;
      }

      function mapSubmit(command: SubmitOrder, to: Instrument): SubmitOrder {
        const quantity = roundQuantity(to, command.quantity, 'down');
        if (quantity.lte(0))
          ctx.logger.warn('routeOrders: quantity rounds to zero on the target instrument; the order manager will deny it', {
            clientOrderId: command.clientOrderId,
            instrumentId: to.id,
            quantity: command.quantity.toString(),
            lotSize: to.lotSize.toString(),
          });
        const out: SubmitOrder = {
          ...command,
          instrumentId: to.id,
          quantity,
          price: command.price === undefined ? undefined : roundPrice(to, command.price, command.side === 'BUY' ? 'down' : 'up'),
          triggerPrice: command.triggerPrice === undefined ? undefined : roundPrice(to, command.triggerPrice),
        };
        if (command.trailingOffsetType === 'PERCENT') return out;
        return {
          ...out,
          ...(command.trailingOffset !== undefined ? { trailingOffset: roundPrice(to, command.trailingOffset) } : {}),
          ...(command.limitOffset !== undefined ? { limitOffset: roundPrice(to, command.limitOffset) } : {}),
        };
      }

      function mapList(list: SubmitOrderList, target: (id: InstrumentId) => Instrument | undefined): SubmitOrderList {
        const listTo = target(list.instrumentId);
        return {
          ...list,
          instrumentId: listTo?.id ?? list.instrumentId,
          orders: list.orders.map((o) => {
            const to = target(o.instrumentId);
            return to === undefined ? o : mapSubmit(o, to);
          }),
        };
      }

      function mapModify(command: ModifyOrder, to: Instrument): ModifyOrder {
        const side = ctx.orders.order(command.clientOrderId)?.side;
        return {
          ...command,
          instrumentId: to.id,
          quantity: command.quantity === undefined ? undefined : roundQuantity(to, command.quantity, 'down'),
          // Conservative like a submit when the order's side is known, else the nearest tick.
          price: command.price === undefined ? undefined : roundPrice(to, command.price, side === undefined ? 'nearest' : side === 'BUY' ? 'down' : 'up'),
          triggerPrice: command.triggerPrice === undefined ? undefined : roundPrice(to, command.triggerPrice),
        };
      }

      subscriptions.push(
        source.subscribe({
          next: (command) => {
            // A throw here (a bug, or an instrument the registry refuses) must reach the subscriber as an
            // error, not escape into the source's producer.
            try {
              route(command);
            } catch (error) {
              subscriber.error(error);
            }
          },
          error: (error: unknown) => subscriber.error(error),
          complete: () => subscriber.complete(),
        }),
      );
      return () => {
        for (const s of subscriptions) s.unsubscribe();
      };
    });
}

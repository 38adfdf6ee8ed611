/**
 * @internal The live node's wrapper around each execution client: every event the venue reports is
 * appended to the journal, and only once the append has resolved (durable under `fsync: 'always'`) is
 * it handed to the order manager, in the order the venue sent it. Commands are journaled earlier, by
 * the node's command stage, so `submit`, `cancel` and `modify` pass straight through, except the
 * release of an order the order manager emulated (no command of the node's carries it): the wrapper
 * journals it and hands it over once the append resolved, and the sends that follow wait behind it.
 *
 * The wrapper is deliberately not a `MarketDataSink`: for a simulated venue the node calls `process`
 * on the inner venue itself and waits until the events it produced are journaled and applied before
 * the kernel, the ledger and the pipeline see the market event (the order a backtest has).
 *
 * While the node replays its journal the wrapper sends nothing to the venue (commands are state, never
 * sent again) and holds the venue's live events until replay is over.
 *
 * Funding payments are venue events too: the wrapper takes them from the venue (the kernel gets none,
 * so it never books one unjournaled) and puts them in the same queue, where the node journals each one
 * it has not seen before and books it once the append resolved.
 */
import { Subject, type Observable, type Subscription } from 'rxjs';
import type {
  Balance,
  CancelOrder,
  ClientOrderId,
  ConnectionStatus,
  ExecutionClient,
  FundingPayment,
  ModifyOrder,
  OrderEvent,
  OrderFilled,
  OrderStatusReport,
  OrderView,
  Position,
  SubmitOrder,
  VenueCapabilities,
  VenueId,
  VenueOrderId,
} from '@rxtrade/core';

/** @internal What the wrapper needs from the node. */
export interface JournaledVenueHooks {
  /** Appends the event to the journal; resolves once it is durable. */
  readonly journal: (event: OrderEvent) => Promise<unknown>;
  /** Adds a promise to the run's pending work (the runner waits for it before the next market event). */
  readonly track: (work: Promise<unknown>) => void;
  /** A journal failure: the node must stop trading. */
  readonly fail: (error: unknown) => void;
  /** A venue event was journaled and applied. */
  readonly applied: () => void;
  /** A command was handed to the venue. */
  readonly handedOver: (command: SubmitOrder | CancelOrder | ModifyOrder) => void;
  /**
   * Whether a submit is the release of an order the order manager emulated (a stop held locally sent
   * as its native order): the order manager sends it on its own, so the wrapper journals it first.
   */
  readonly isRelease: (command: SubmitOrder) => boolean;
  /** Appends a release to the journal; resolves once it is durable. */
  readonly journalRelease: (command: SubmitOrder) => Promise<unknown>;
  /**
   * Appends a funding payment to the journal; resolves true once it is durable, or false at once for a
   * payment the node has already journaled (a venue that reports it again), which is then not booked.
   */
  readonly journalFunding: (payment: FundingPayment) => Promise<boolean>;
  /** Books a journaled funding payment in the ledger. */
  readonly bookFunding: (payment: FundingPayment) => void;
}

/** @internal */
export class JournaledVenue implements ExecutionClient {
  readonly id: VenueId;
  readonly capabilities: VenueCapabilities;
  readonly connection: Observable<ConnectionStatus>;
  /** Always undefined: the wrapper journals the venue's funding payments and the node books them, not the kernel. */
  readonly fundingPayments: Observable<FundingPayment> | undefined = undefined;
  readonly events: Observable<OrderEvent>;
  /** True while the wrapper hands an event it journaled to the order manager. */
  forwarding = false;
  private readonly subject = new Subject<OrderEvent>();
  private readonly subscription: Subscription;
  private readonly fundingSubscription: Subscription | undefined;
  private replaying = true;
  private releaseReplay!: () => void;
  private tail: Promise<void>;
  private pending = 0;
  private failed = false;
  /** Sends waiting behind a release whose journal append has not resolved yet (they keep their order). */
  private holding = 0;
  private sendTail: Promise<void> = Promise.resolve();

  constructor(
    readonly inner: ExecutionClient,
    private readonly hooks: JournaledVenueHooks,
  ) {
    this.id = inner.id;
    this.capabilities = inner.capabilities;
    this.connection = inner.connection;
    this.events = this.subject.asObservable();
    this.tail = new Promise<void>((resolve) => (this.releaseReplay = resolve));
    this.subscription = inner.events.subscribe((event) => this.enqueue(event));
    this.fundingSubscription = inner.fundingPayments?.subscribe((payment) => this.enqueue(payment));
  }

  /** Replay is over: live events (held meanwhile) are journaled and applied from now on. */
  goLive(): void {
    this.replaying = false;
    this.releaseReplay();
  }

  /**
   * An event from the journal (while replaying: applied at once, not journaled again) or found by
   * reconciliation (journaled first, then applied, in order with the venue's own events).
   */
  inject(event: OrderEvent): void {
    if (this.replaying) this.forward(event);
    else this.enqueue(event);
  }

  /** Resolves once every event received so far has been journaled and applied. */
  idle(): Promise<void> {
    return this.pending === 0 ? Promise.resolve() : this.tail;
  }

  /** Events received and not yet applied. */
  get backlog(): number {
    return this.pending;
  }

  private enqueue(event: OrderEvent | FundingPayment): void {
    if (this.failed) return;
    this.pending++;
    const step = this.tail.then(async () => {
      try {
        if (this.failed) return;
        if (event.type === 'FundingPayment') {
          if (await this.hooks.journalFunding(event)) this.hooks.bookFunding(event);
        } else {
          await this.hooks.journal(event);
          this.forward(event);
        }
        if (!this.replaying) this.hooks.applied();
      } catch (error) {
        this.failed = true;
        this.hooks.fail(error);
      } finally {
        this.pending--;
      }
    });
    this.tail = step;
    // While replaying, the held events are not the current event's work: the runner does not wait on them.
    if (!this.replaying) this.hooks.track(step);
  }

  private forward(event: OrderEvent): void {
    this.forwarding = true;
    try {
      this.subject.next(event);
    } finally {
      this.forwarding = false;
    }
  }

  submit(command: SubmitOrder): void {
    if (this.replaying) return;
    if (this.hooks.isRelease(command)) this.hold(this.hooks.journalRelease(command), () => this.inner.submit(command), command);
    else if (this.holding > 0) this.hold(undefined, () => this.inner.submit(command), command);
    else {
      this.inner.submit(command);
      this.hooks.handedOver(command);
    }
  }

  cancel(command: CancelOrder): void {
    if (this.replaying) return;
    if (this.holding > 0) return this.hold(undefined, () => this.inner.cancel(command), command);
    this.inner.cancel(command);
    this.hooks.handedOver(command);
  }

  modify(command: ModifyOrder): void {
    if (this.replaying) return;
    if (this.holding > 0) return this.hold(undefined, () => this.inner.modify(command), command);
    this.inner.modify(command);
    this.hooks.handedOver(command);
  }

  /**
   * A send that waits: a release until its journal append resolves, and any send behind a release
   * that waits, so that the venue gets the commands in the order the order manager made them.
   */
  private hold(journaled: Promise<unknown> | undefined, send: () => void, command: SubmitOrder | CancelOrder | ModifyOrder): void {
    this.holding++;
    const step = this.sendTail.then(async () => {
      try {
        if (journaled !== undefined) await journaled;
        if (this.failed) return;
        send();
        this.hooks.handedOver(command);
      } catch (error) {
        this.failed = true;
        this.hooks.fail(error);
      } finally {
        this.holding--;
      }
    });
    this.sendTail = step;
    this.hooks.track(step);
  }

  openOrders(): Promise<readonly OrderView[]> {
    return this.inner.openOrders();
  }

  positions(): Promise<readonly Position[]> {
    return this.inner.positions();
  }

  balances(): Promise<readonly Balance[]> {
    return this.inner.balances();
  }

  queryOrder(clientOrderId: ClientOrderId): Promise<OrderStatusReport | undefined> {
    return this.inner.queryOrder(clientOrderId);
  }

  queryOrderByVenueId(venueOrderId: VenueOrderId): Promise<OrderStatusReport | undefined> {
    return this.inner.queryOrderByVenueId(venueOrderId);
  }

  fillsSince(ts: number): Promise<readonly OrderFilled[]> {
    return this.inner.fillsSince(ts);
  }

  /** Stops listening to the venue and completes {@link events}. */
  dispose(): void {
    this.failed = true;
    this.subscription.unsubscribe();
    this.fundingSubscription?.unsubscribe();
    this.subject.complete();
  }
}

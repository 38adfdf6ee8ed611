/**
 * A live node on a virtual clock for tests: a FaultyVenue over a SimulatedVenue, a data client the test
 * pushes bars into, and a pipeline that emits whatever commands the test builds with `ctx.orderFactory`.
 */
import { BehaviorSubject, Subject, map, type Observable } from 'rxjs';
import {
  BacktestClock,
  ConnectionStatus,
  instrumentRegistry,
  type Bar,
  type DataClient,
  type DataSubscription,
  type MarketData,
  type OrderCommand,
  type Pipeline,
  type PipelineContext,
  type VenueCapabilities,
} from '@rxtrade/core';
import { FaultyVenue, SimulatedVenue } from '@rxtrade/execution';
import { LiveNode } from '../live-node';
import { RISK_WAIVER, type LiveNodeConfig } from '../live-node-config';
import { goog, tempDir } from './node-kit';

/** A data client whose events the test pushes. */
export class ManualDataClient implements DataClient {
  readonly id = 'MANUAL';
  private readonly subject = new Subject<MarketData>();
  private readonly status = new BehaviorSubject<ConnectionStatus>(ConnectionStatus.DISCONNECTED);
  readonly events: Observable<MarketData> = this.subject.asObservable();
  readonly connection: Observable<ConnectionStatus> = this.status.asObservable();
  readonly subscribed: DataSubscription[] = [];
  connect(): Promise<void> {
    this.status.next(ConnectionStatus.CONNECTED);
    return Promise.resolve();
  }
  disconnect(): Promise<void> {
    this.status.next(ConnectionStatus.DISCONNECTED);
    return Promise.resolve();
  }
  subscribe(s: DataSubscription): void {
    this.subscribed.push(s);
  }
  unsubscribe(): void {}
  requestBars(): Promise<readonly Bar[]> {
    return Promise.resolve([]);
  }
  push(event: MarketData): void {
    this.subject.next(event);
  }
  end(): void {
    this.subject.complete();
  }
}

export const T0 = Date.UTC(2024, 0, 2);
export const DAY = 86_400_000;

/** A GOOG daily bar on day `day` (0-based from T0). */
export function bar(day: number, open: number, high: number, low: number, close: number): Bar {
  return { type: 'Bar', instrumentId: goog.id, ts: T0 + day * DAY, open, high, low, close, volume: 1_000_000 } as Bar;
}

/** A command built from the pipeline's context. */
export type CommandOf = (ctx: PipelineContext) => OrderCommand;

/** The world a test node lives in: clock, venue, data; `node()` builds a node on it. */
export class World {
  readonly clock = new BacktestClock(T0 - DAY);
  readonly instruments = instrumentRegistry([goog]);
  readonly sim: SimulatedVenue;
  venue: FaultyVenue;
  readonly dir = tempDir();
  data = new ManualDataClient();
  commands = new Subject<CommandOf>();
  /** Submits that reached the venue, by client order id. */
  readonly submits: string[] = [];

  /** `capabilities`: the venue's, when not the simulated venue's own (a venue without stop orders makes the node emulate them). */
  constructor(options: { readonly capabilities?: VenueCapabilities } = {}) {
    this.sim = new SimulatedVenue({ clock: this.clock, instruments: this.instruments, ...(options.capabilities === undefined ? {} : { capabilities: options.capabilities }) });
    this.venue = new FaultyVenue({ venue: this.sim, clock: this.clock });
    this.countSubmits();
  }

  /** A new venue connection over the same simulated venue (a restarted process connects afresh). */
  reconnectProcess(): void {
    this.venue.dispose();
    this.venue = new FaultyVenue({ venue: this.sim, clock: this.clock });
    this.countSubmits();
    this.data = new ManualDataClient();
    this.commands = new Subject<CommandOf>();
  }

  private countSubmits(): void {
    const venue = this.venue;
    const submit = venue.submit.bind(venue);
    venue.submit = (c) => {
      this.submits.push(c.clientOrderId);
      submit(c);
    };
  }

  pipeline(): Pipeline {
    const commands = this.commands;
    return (ctx) => commands.pipe(map((make) => make(ctx)));
  }

  config(extra: Partial<LiveNodeConfig> = {}): LiveNodeConfig {
    return {
      nodeId: 'test-node',
      venues: [this.venue],
      dataClients: [this.data],
      subscriptions: [{ instrumentId: goog.id, kind: 'bars' }],
      instruments: [goog],
      ledger: { startingCash: 100_000 },
      risk: { waive: RISK_WAIVER },
      journal: { dir: this.dir, fsync: 'never' },
      signals: false,
      clock: this.clock,
      // The tests read the status of orders after they closed.
      orders: { keepClosed: true },
      ...extra,
    };
  }

  node(extra: Partial<LiveNodeConfig> = {}): LiveNode {
    return new LiveNode(this.config(extra));
  }
}

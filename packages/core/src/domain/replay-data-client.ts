/**
 * A {@link DataClient} over recorded market data: tests and paper trading on recorded data use it
 * where a live node uses a venue's data client.
 */
import { BehaviorSubject, Subject, type Observable } from 'rxjs';
import { z } from 'zod';
import { StateError, UnsupportedError, ValidationError } from '../errors';
import { parseWith } from '../validation';
import { MarketDataKind, marketDataKind, type DataClient, type DataSubscription } from './data-client';
import type { InstrumentId } from './ids';
import type { Bar, MarketData } from './market-data';
import { ConnectionStatus } from './venue';

const isIterable = (v: unknown): boolean => typeof v === 'object' && v !== null && (Symbol.iterator in v || Symbol.asyncIterator in v);

/**
 * Schema of {@link ReplayDataClientConfig}.
 *
 * @example
 * ```ts
 * parseWith(ReplayDataClientConfigSchema, { data: bars }, 'config');
 * ```
 */
export const ReplayDataClientConfigSchema = z.strictObject({
  /** Names the client (default `REPLAY`). */
  id: z.string().min(1).default('REPLAY'),
  /** The recording, sorted by `ts`: an array (history requests are served from it) or an (async) iterable, read once. */
  data: z.custom<readonly MarketData[] | Iterable<MarketData> | AsyncIterable<MarketData>>(isIterable, 'must be an array or an (async) iterable of market data'),
});

/**
 * Configuration of a {@link ReplayDataClient}.
 *
 * @example
 * ```ts
 * const config: ReplayDataClientConfig = { id: 'GOOG-2004', data: bars };
 * ```
 */
export type ReplayDataClientConfig = z.input<typeof ReplayDataClientConfigSchema>;

const KINDS: ReadonlySet<unknown> = new Set(Object.values(MarketDataKind));

/**
 * Serves recorded market data as a {@link DataClient}: `connect()` plays the recording through
 * `events` (only the events of active subscriptions, in recorded order), then completes `events` and
 * reports `DISCONNECTED`. History requests are answered from the recording when it is an array.
 *
 * @example
 * ```ts
 * const client = new ReplayDataClient({ data: bars });
 * client.subscribe({ kind: 'BARS', instrumentId: goog.id });
 * const result = runPaper(pipeline, { feed: client.events, instruments: [goog], ledger: { startingCash: 100_000 } });
 * await client.connect(); // plays every bar, then completes the feed
 * await result;
 * ```
 */
export class ReplayDataClient implements DataClient {
  readonly id: string;
  readonly events: Observable<MarketData>;
  readonly connection: Observable<ConnectionStatus>;
  private readonly subject = new Subject<MarketData>();
  private readonly status = new BehaviorSubject<ConnectionStatus>(ConnectionStatus.DISCONNECTED);
  private readonly data: readonly MarketData[] | Iterable<MarketData> | AsyncIterable<MarketData>;
  /** Active subscriptions, as `KIND instrumentId`. */
  private readonly active = new Set<string>();
  private played = false;
  private stopped = false;

  constructor(config: ReplayDataClientConfig) {
    const c = parseWith(ReplayDataClientConfigSchema, config, 'ReplayDataClientConfig');
    this.id = c.id;
    this.data = c.data;
    this.events = this.subject.asObservable();
    this.connection = this.status.asObservable();
  }

  /** The active subscriptions, in the order they were made. */
  subscriptions(): readonly DataSubscription[] {
    return [...this.active].map((key) => {
      const space = key.indexOf(' ');
      return { kind: key.slice(0, space) as MarketDataKind, instrumentId: key.slice(space + 1) as InstrumentId };
    });
  }

  subscribe(subscription: DataSubscription): void {
    this.active.add(keyOf(subscription, 'subscription'));
  }

  unsubscribe(subscription: DataSubscription): void {
    this.active.delete(keyOf(subscription, 'subscription'));
  }

  /**
   * Plays the recording: `CONNECTED`, every subscribed event in order, then `events` completes and the
   * status is `DISCONNECTED`. Resolves when the recording has been played (or `disconnect` stopped it);
   * rejects with the error of an iterable that throws (which `events` carries too).
   *
   * @throws StateError when the recording has already been played.
   */
  async connect(): Promise<void> {
    if (this.played) throw new StateError(`replay ${this.id}: the recording has already been played (make a new ReplayDataClient)`);
    this.played = true;
    this.status.next(ConnectionStatus.CONNECTED);
    try {
      if (Symbol.asyncIterator in this.data) {
        for await (const event of this.data as AsyncIterable<MarketData>) {
          if (this.stopped) break;
          this.emit(event);
        }
      } else {
        for (const event of this.data as Iterable<MarketData>) {
          if (this.stopped) break;
          this.emit(event);
        }
      }
    } catch (error) {
      this.subject.error(error);
      this.status.next(ConnectionStatus.DISCONNECTED);
      throw error;
    }
    this.subject.complete();
    this.status.next(ConnectionStatus.DISCONNECTED);
  }

  /** Stops the replay: no event is emitted afterwards, and `events` completes. */
  disconnect(): Promise<void> {
    this.stopped = true;
    this.subject.complete();
    if (this.status.value !== ConnectionStatus.DISCONNECTED) this.status.next(ConnectionStatus.DISCONNECTED);
    return Promise.resolve();
  }

  /**
   * The recorded bars of an instrument with `ts` in `[start, end]`, whether subscribed or not.
   *
   * @throws ValidationError naming `start` or `end` when not finite or out of order.
   * @throws UnsupportedError when the recording is an iterable (it can be read only once).
   */
  requestBars(instrumentId: InstrumentId, start: number, end: number): Promise<readonly Bar[]> {
    if (!Number.isFinite(start)) return Promise.reject(new ValidationError([{ path: ['start'], message: `must be a finite number (epoch ms), got ${String(start)}` }]));
    if (!Number.isFinite(end) || end < start)
      return Promise.reject(new ValidationError([{ path: ['end'], message: `must be a finite number (epoch ms) >= start (${start}), got ${String(end)}` }]));
    if (!Array.isArray(this.data))
      return Promise.reject(new UnsupportedError(`replay ${this.id}: history requests need the recording as an array (an iterable is read only once)`));
    const bars: Bar[] = [];
    for (const event of this.data as readonly MarketData[]) {
      if (event.type === 'Bar' && event.instrumentId === instrumentId && event.ts >= start && event.ts <= end) bars.push(event);
    }
    return Promise.resolve(bars);
  }

  private emit(event: MarketData): void {
    if (this.active.has(`${marketDataKind(event)} ${event.instrumentId}`)) this.subject.next(event);
  }
}

function keyOf(subscription: DataSubscription, name: string): string {
  if (typeof subscription !== 'object' || subscription === null) throw new ValidationError([{ path: [name], message: 'must be { kind, instrumentId }' }]);
  if (!KINDS.has(subscription.kind))
    throw new ValidationError([{ path: [name, 'kind'], message: `must be one of ${[...KINDS].join(', ')}, got ${JSON.stringify(subscription.kind)}` }]);
  if (typeof subscription.instrumentId !== 'string' || subscription.instrumentId.length === 0)
    throw new ValidationError([{ path: [name, 'instrumentId'], message: `must be a non-empty string, got ${JSON.stringify(subscription.instrumentId)}` }]);
  const extra = Object.keys(subscription).find((k) => k !== 'kind' && k !== 'instrumentId');
  if (extra !== undefined) throw new ValidationError([{ path: [name, extra], message: 'unknown key (a subscription has kind and instrumentId)' }]);
  return `${subscription.kind} ${subscription.instrumentId}`;
}

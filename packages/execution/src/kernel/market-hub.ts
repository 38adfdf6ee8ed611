/**
 * The market streams a runner offers a pipeline: one stream per event type and, on request, one per
 * instrument, so that no stage has to filter a shared stream. Each is a {@link HotStream} (a Subject
 * without a Subject's allocations per value).
 */
import type { Observable } from 'rxjs';
import type { Bar, InstrumentId, MarketData, MarketStreams, OrderBookDelta, OrderBookSnapshot, Quote, Trade } from '@rxtrade/core';
import { HotStream } from './hot-stream';

class Channel<T extends { readonly instrumentId: InstrumentId }> {
  private readonly all = new HotStream<T>();
  private readonly byId = new Map<InstrumentId, HotStream<T>>();

  stream(instrumentId?: InstrumentId): Observable<T> {
    if (instrumentId === undefined) return this.all.observable;
    let stream = this.byId.get(instrumentId);
    if (!stream) this.byId.set(instrumentId, (stream = new HotStream<T>()));
    return stream.observable;
  }

  publish(value: T): void {
    if (this.all.observed) this.all.next(value);
    if (this.byId.size !== 0) this.byId.get(value.instrumentId)?.next(value);
  }

  complete(): void {
    this.all.complete();
    for (const s of this.byId.values()) s.complete();
  }
}

/** Implements {@link MarketStreams} for runners; `publish` dispatches one event to its channel. */
export class MarketHub implements MarketStreams {
  private readonly barChannel = new Channel<Bar>();
  private readonly quoteChannel = new Channel<Quote>();
  private readonly tradeChannel = new Channel<Trade>();
  private readonly bookChannel = new Channel<OrderBookSnapshot | OrderBookDelta>();

  bars(instrumentId?: InstrumentId): Observable<Bar> {
    return this.barChannel.stream(instrumentId);
  }
  quotes(instrumentId?: InstrumentId): Observable<Quote> {
    return this.quoteChannel.stream(instrumentId);
  }
  trades(instrumentId?: InstrumentId): Observable<Trade> {
    return this.tradeChannel.stream(instrumentId);
  }
  books(instrumentId?: InstrumentId): Observable<OrderBookSnapshot | OrderBookDelta> {
    return this.bookChannel.stream(instrumentId);
  }

  publish(event: MarketData): void {
    switch (event.type) {
      case 'Bar':
        this.barChannel.publish(event);
        break;
      case 'Quote':
        this.quoteChannel.publish(event);
        break;
      case 'Trade':
        this.tradeChannel.publish(event);
        break;
      default:
        this.bookChannel.publish(event);
    }
  }

  complete(): void {
    this.barChannel.complete();
    this.quoteChannel.complete();
    this.tradeChannel.complete();
    this.bookChannel.complete();
  }
}

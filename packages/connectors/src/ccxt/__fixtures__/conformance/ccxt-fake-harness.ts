/**
 * What the conformance harnesses of the ccxt adapter on the fake exchanges share: a `ccxtVenue` opened
 * on the fake and reopened on a restart, the market scripted on the fake's book (the scripted liquidity
 * on one side steps aside so that a print reaches the account's order), a dropped connection as the fake
 * closing every socket, and external orders from a second ccxt client on the same account.
 */
import type { Exchange } from 'ccxt';
import { Decimal, type ExecutionClient } from '@rxtrade/core';
import type { CcxtVenue } from '../../ccxt-venue';
import type { VenueHarness } from '../../../testing/venue-conformance/harness';
import type { FakeVenue } from '../fake-exchange/venue';
import { waitFor } from '../fake-exchange/wait-for';

export interface CcxtFakeHarnessParts {
  /** The fake exchange: `restart` closes every socket, `stop` ends it. */
  readonly fake: { restart(): unknown; stop(): Promise<void> };
  /** The fake's venue of the market traded, and the market's id there. */
  readonly book: FakeVenue;
  readonly marketId: string;
  /** Opens a `ccxtVenue` on the fake (connected by the time it resolves, see {@link openConnected}). */
  readonly open: () => Promise<CcxtVenue>;
  /** A second ccxt client on the same account, for external orders and positions. */
  readonly otherClient: () => Exchange;
  /** The account's cash currency. */
  readonly cash: string;
  /** Whether the market has a mark price that follows the book (futures). */
  readonly markPrice: boolean;
  readonly rejection: VenueHarness['rejection'];
  /** The ccxt parameter that carries an external order's client order id. */
  readonly clientOrderIdParam: string;
  /** Gives the account a position it did not trade through the node (a deposit, or a trade elsewhere). */
  readonly addExternalPosition: (quantity: Decimal, other: Exchange) => Promise<void>;
}

/** Opens a venue and waits until its execution client is CONNECTED. */
export async function openConnected(open: () => Promise<CcxtVenue>, what: string): Promise<CcxtVenue> {
  const v = await open();
  await waitFor(() => v.execution.status === 'CONNECTED' || undefined, `the ccxt execution client on ${what}`, 5000);
  return v;
}

/** The harness of one fake exchange's market, from its parts. */
export async function ccxtFakeHarness(parts: CcxtFakeHarnessParts): Promise<VenueHarness> {
  const { fake, book, marketId: id } = parts;
  let venue = await parts.open();
  const first = venue.execution as ExecutionClient;
  const instrument = venue.instruments.instruments[0]!;
  const symbol = venue.instruments.symbolOf(instrument.id);
  let other: Exchange | undefined;
  const otherClient = (): Exchange => (other ??= parts.otherClient());
  const bid = new Decimal(29_999);
  const ask = new Decimal(30_001);
  let top = { bid: bid.toNumber(), ask: ask.toNumber() };
  const setMarket = async (b: Decimal, a: Decimal): Promise<void> => {
    top = { bid: b.toNumber(), ask: a.toNumber() };
    book.setBook(id, { bids: [[top.bid, 100]], asks: [[top.ask, 100]] });
    if (parts.markPrice) book.setMarkPrice(id, (top.bid + top.ask) / 2);
  };
  return {
    venue: first,
    instrument,
    quantity: new Decimal('0.01'),
    bid,
    ask,
    rejection: parts.rejection,
    setMarket,
    tradeAgainst: async (side, price, quantity) => {
      // The scripted liquidity on that side steps aside, so that the print reaches the account's order.
      if (side === 'BUY') book.setBook(id, { bids: [], asks: [[top.ask, 100]] });
      else book.setBook(id, { bids: [[top.bid, 100]], asks: [] });
      book.trade(id, { side: side === 'BUY' ? 'sell' : 'buy', price: price.toNumber(), qty: quantity.toNumber() });
      book.setBook(id, { bids: [[top.bid, 100]], asks: [[top.ask, 100]] });
    },
    restart: async () => {
      await venue.close();
      venue = await parts.open();
      return venue.execution;
    },
    dropConnection: async () => void (await fake.restart()),
    placeExternalOrder: async (o) => {
      await otherClient().createOrder(symbol, 'limit', o.side === 'BUY' ? 'buy' : 'sell', o.quantity.toNumber(), o.price.toNumber(), { [parts.clientOrderIdParam]: o.clientOrderId });
    },
    addExternalPosition: async (quantity) => parts.addExternalPosition(quantity, otherClient()),
    account: {
      baseCurrency: parts.cash,
      cash: async () => (await venue.execution.balances()).find((b) => b.currency === parts.cash)?.total ?? new Decimal(0),
    },
    timeoutMs: 5000,
    close: async () => {
      await venue.close();
      await (other as unknown as { close?: () => Promise<void> } | undefined)?.close?.();
      await fake.stop();
    },
  };
}

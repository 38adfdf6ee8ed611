/**
 * What a venue adapter gives the conformance scenarios: the `ExecutionClient` under test, its account's
 * instrument and sizes, and hooks that script the venue's market (so that an order rests, fills or
 * partially fills), restart the client, drop its connection and create orders and positions it did not
 * make. The scenarios are framework-neutral async functions of a harness; each gets a fresh one.
 */
import type { Decimal, ExecutionClient, Instrument, OrderSide } from '@rxtrade/core';

/** The optional abilities of a harness that some scenarios need. */
export const HarnessFeature = {
  /** `restart()`: a new client on the same account, as after a process restart. */
  RESTART: 'restart',
  /** `dropConnection()`: the venue's connection drops and comes back. */
  DROP_CONNECTION: 'dropConnection',
  /** `placeExternalOrder()`: an order this client did not send. */
  EXTERNAL_ORDER: 'externalOrder',
  /** `addExternalPosition()`: a position or holding this client did not trade. */
  EXTERNAL_POSITION: 'externalPosition',
  /** `account`: the venue's cash, for the scenarios that run a live node on the venue. */
  LIVE_NODE: 'liveNode',
} as const;
export type HarnessFeature = (typeof HarnessFeature)[keyof typeof HarnessFeature];

/**
 * One venue under test, fresh for each scenario.
 *
 * @example
 * ```ts
 * const harness: VenueHarness = {
 *   venue, instrument: btc, quantity: new Decimal('0.01'), bid: new Decimal(29_999), ask: new Decimal(30_001),
 *   rejection: { quantity: new Decimal(1000), reason: /insufficient/i },
 *   setMarket: async (bid, ask) => fake.setBook('BTCUSDT', { bids: [[bid.toNumber(), 100]], asks: [[ask.toNumber(), 100]] }),
 *   tradeAgainst: async (side, price, qty) => fake.trade('BTCUSDT', { side: side === 'BUY' ? 'sell' : 'buy', price: price.toNumber(), qty: qty.toNumber() }),
 *   close: async () => fake.stop(),
 * };
 * ```
 */
export interface VenueHarness {
  /** The client under test, connected (its `connection` CONNECTED or about to be). */
  readonly venue: ExecutionClient;
  /** The instrument the scenarios trade, one of the venue's. */
  readonly instrument: Instrument;
  /**
   * An order size the venue accepts and the account can pay for several times over; half of it must be
   * a valid size too (the partial fills).
   */
  readonly quantity: Decimal;
  /** The best bid and ask the market starts at (`setMarket` is called with them first). */
  readonly bid: Decimal;
  readonly ask: Decimal;
  /** A buy limit order the venue refuses (too large for the account, too small, …) and what its reason says. */
  readonly rejection: { readonly quantity: Decimal; readonly price?: Decimal; readonly reason: RegExp };
  /** Moves the market to this best bid and ask, with ample size at both. Also the tick on which a venue that matches on market data fills a market order. */
  setMarket(bid: Decimal, ask: Decimal): Promise<void>;
  /**
   * Another participant trades `quantity` at `price` against the account's resting orders of `side`
   * there (the venue's own liquidity in between out of the way): a resting buy at `price` fills by up
   * to `quantity`.
   */
  tradeAgainst(side: OrderSide, price: Decimal, quantity: Decimal): Promise<void>;
  /** A new client on the same account, connected; the old one is discarded by the harness. */
  restart?(): Promise<ExecutionClient>;
  /** Drops the venue's connection (sockets closed or the venue restarted); the client is expected to come back by itself. */
  dropConnection?(): Promise<void>;
  /** Places a resting limit order at the venue that the client did not send, with this client order id. */
  placeExternalOrder?(order: { readonly clientOrderId: string; readonly side: OrderSide; readonly quantity: Decimal; readonly price: Decimal }): Promise<void>;
  /** Gives the account a long position (spot: a holding of the base currency) of `quantity` that the client did not trade, at `price` where it costs anything. */
  addExternalPosition?(quantity: Decimal, price: Decimal): Promise<void>;
  /** The account's cash in the ledger's base currency, for the scenarios that start a live node on the venue. */
  readonly account?: { readonly baseCurrency: string; cash(): Promise<Decimal> };
  /** How long a scenario waits for an event of the venue (default 5000 ms). */
  readonly timeoutMs?: number;
  /** Closes the client, the venue and everything the harness started. */
  close(): Promise<void>;
}

/**
 * How to make a harness, with the scenarios it cannot run and why (a simulated venue is always
 * connected, so it cannot drop its connection).
 *
 * @example
 * ```ts
 * const factory: VenueHarnessFactory = { name: 'fake Binance spot', create: () => binanceSpotHarness(), unsupported: {} };
 * ```
 */
export interface VenueHarnessFactory {
  /** Names the venue in the results (`fake Binance spot`). */
  readonly name: string;
  create(): Promise<VenueHarness>;
  /** Features the harness does not have, each with the reason: the scenarios that need one are skipped with it. */
  readonly unsupported?: Partial<Record<HarnessFeature, string>>;
  /**
   * Scenarios known to fail on this venue, by the start of their name, each with the defect: the
   * runner then requires the failure (a test passes while it fails, and fails once it is fixed, so the
   * entry is removed then).
   */
  readonly knownFailures?: Readonly<Record<string, string>>;
  /** Per-scenario time limit for a test runner, in ms (default 15 000). */
  readonly scenarioTimeoutMs?: number;
}

/**
 * The program: the long-only SMA crossover on BTC/USDT at Binance, run by a live node (`runLive`) with a
 * risk engine and a journal, on bars from the ccxt data client. Two ways to trade:
 *
 * - `trade: 'venue'`: orders go to Binance through ccxt (credentials required; the spot testnet with
 *   `sandbox: true`). The first start on a folder takes the account as it finds it
 *   (`reconciliation: 'adopt'`: the USDT balance becomes the node's cash, the BTC balance its position)
 *   and records that BTC as the holding the strategy leaves alone; every later start on the same folder
 *   must find the account where the journal left it (`'strict'`).
 * - `trade: 'paper'`: a `SimulatedVenue` fills the orders on Binance's public market data; no keys.
 *
 * The venue options are a parameter, so the same program runs against a local fake exchange in tests.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { Decimal, LiveClock, ValidationError, instrumentRegistry, parseWith, roundQuantity, type DecimalLike, type ExecutionClient, type Instrument, type Logger } from '@rxtrade/core';
import { ccxtVenue, runLive, timeframeMs, type CcxtVenue, type CcxtVenueOptions, type LiveNode } from '@rxtrade/connectors';
import { PercentFeeModel, SimulatedVenue } from '@rxtrade/execution';
import { RiskEngine } from '@rxtrade/risk';
import { longOnlySmaCrossover } from './strategy';

/** The market traded: ccxt's unified symbol and the rxtrade instrument id `ccxtVenue` gives it. */
export const SYMBOL = 'BTC/USDT';

/**
 * Schema of {@link BinanceSmaConfig}.
 *
 * @example
 * ```ts
 * parseWith(BinanceSmaConfigSchema, { dir: 'runs/binance', trade: 'paper', venue: {} }, 'binanceSma').fast; // 10
 * ```
 */
export const BinanceSmaConfigSchema = z.strictObject({
  /** The folder of the run: its journal (`journal/`, `paper-<time>/` for paper sessions), the risk engine's audit trail, the holding left alone. */
  dir: z.string().min(1),
  /** `'venue'`: orders go to Binance (credentials required); `'paper'`: a SimulatedVenue fills them on Binance's market data. */
  trade: z.enum(['venue', 'paper']),
  /** `ccxtVenue('binance', …)` options, over `{ marketTypes: ['spot'], symbols: ['BTC/USDT'] }`. */
  venue: z.record(z.string(), z.unknown()),
  /** SMA lengths, in bars of the venue's `timeframe` (default `1m`). */
  fast: z.number().int().min(1).default(10),
  slow: z.number().int().min(2).default(30),
  /** BTC bought on an upward cross (a multiple of the lot, 0.00001 BTC); a downward cross sells the whole lots bought. */
  size: z.union([z.string(), z.number()]).default('0.001'),
  /** Warm the averages up with the last `slow` closed bars from REST before trading (default true). */
  warmUp: z.boolean().default(true),
  /** Paper trading: the simulated account's USDT (default 10,000) and commission rate (default 0.001, Binance's base rate). */
  paperCash: z.number().positive().default(10_000),
  paperCommission: z.number().min(0).max(0.1).default(0.001),
  /** SIGINT and SIGTERM stop the node (default true). */
  signals: z.boolean().default(true),
  logger: z.custom<Logger>((v) => typeof v === 'object' && v !== null && typeof (v as Logger).warn === 'function', 'must be a Logger').optional(),
});

/**
 * Configuration of {@link startBinanceSma}.
 *
 * @example
 * ```ts
 * const config: BinanceSmaConfig = { dir: 'runs/binance', trade: 'venue', venue: { credentials: fromEnv('BINANCE'), sandbox: true } };
 * ```
 */
export type BinanceSmaConfig = Omit<z.input<typeof BinanceSmaConfigSchema>, 'venue'> & { readonly venue: CcxtVenueOptions };

/** A running program. */
export interface BinanceSma {
  readonly node: LiveNode;
  /** Binance through ccxt: its data client feeds the node; its execution client trades when `trade` is `'venue'`. */
  readonly venue: CcxtVenue;
  /** The venue the node trades on: Binance's execution client, or the simulated venue. */
  readonly execution: ExecutionClient;
  readonly instrument: Instrument;
  /** The BTC the strategy leaves alone (the balance found at the first start; 0 on paper). */
  readonly hold: Decimal;
  /** The node's journal folder. */
  readonly journalDir: string;
  /** Closes of the warm-up bars, oldest first. */
  readonly warmUp: readonly number[];
  /** Stops the node (cancelling its open orders) and closes the venue's sockets. */
  stop(reason?: string): Promise<void>;
  /** Resolves once the node has stopped (a signal, `stop()`, or a failure) and the venue is closed. */
  readonly stopped: Promise<void>;
}

/** What the first start on a folder records. */
interface RunState {
  readonly instrumentId: string;
  readonly hold: string;
  readonly startedAt: string;
}

const RunStateSchema = z.strictObject({ instrumentId: z.string(), hold: z.string(), startedAt: z.string() });

/**
 * Starts the program and resolves once its node is running (reconciled with the venue, subscribed).
 *
 * @example
 * ```ts
 * const run = await startBinanceSma({ dir: 'runs/binance', trade: 'venue', venue: { credentials: fromEnv('BINANCE'), sandbox: true } });
 * await run.stopped; // Ctrl-C
 * ```
 */
export async function startBinanceSma(config: BinanceSmaConfig): Promise<BinanceSma> {
  const c = parseWith(BinanceSmaConfigSchema, config, 'binanceSma');
  if (c.fast >= c.slow) throw new ValidationError([{ path: ['binanceSma', 'fast'], message: `must be below slow (${c.slow}), got ${c.fast}` }]);
  const size = new Decimal(c.size);
  const paper = c.trade === 'paper';
  const venueOptions = config.venue;
  if (!paper && venueOptions.credentials === undefined)
    throw new ValidationError([{ path: ['binanceSma', 'venue', 'credentials'], message: "trading on Binance needs API keys (fromEnv('BINANCE') reads BINANCE_API_KEY and BINANCE_SECRET); trade: 'paper' needs none" }]);
  fs.mkdirSync(c.dir, { recursive: true });

  const venue = await ccxtVenue('binance', { marketTypes: ['spot'], symbols: [SYMBOL], ...venueOptions, ...(paper ? { connect: false } : {}) });
  try {
    const instrument = venue.instruments.instruments.find((i) => venue.instruments.symbolOf(i.id) === SYMBOL);
    if (instrument === undefined) throw new Error(`binanceSma: the venue has no ${SYMBOL} spot market`);
    if (!size.gt(0) || !size.div(instrument.lotSize).isInteger())
      throw new ValidationError([{ path: ['binanceSma', 'size'], message: `must be a positive multiple of the lot size ${instrument.lotSize.toString()}, got ${size.toString()}` }]);

    const clock = new LiveClock();
    let execution: ExecutionClient;
    let journalDir: string;
    let hold = new Decimal(0);
    let reconciliation: 'strict' | 'adopt' = 'strict';
    let startingCash: DecimalLike = 0;
    const statePath = path.join(c.dir, 'binance-sma.json');
    let firstStart: RunState | undefined;
    if (paper) {
      execution = new SimulatedVenue({ id: 'PAPER', clock, instruments: instrumentRegistry([instrument]), feeModel: new PercentFeeModel(c.paperCommission) });
      // The simulated venue lives in this process: a paper session cannot be resumed, each gets its own journal.
      journalDir = path.join(c.dir, `paper-${new Date().toISOString().replace(/[:.]/g, '-')}`);
      startingCash = c.paperCash;
    } else {
      execution = venue.execution;
      journalDir = path.join(c.dir, 'journal');
      if (fs.existsSync(statePath)) {
        const state = parseWith(RunStateSchema, JSON.parse(fs.readFileSync(statePath, 'utf8')), statePath);
        if (state.instrumentId !== instrument.id) throw new Error(`binanceSma: ${statePath} is a run on ${state.instrumentId}, not ${instrument.id}`);
        hold = new Decimal(state.hold);
      } else {
        // The first start: the account's BTC is a holding the strategy leaves alone, its USDT the node's cash.
        const held = (await venue.execution.positions()).find((p) => p.instrumentId === instrument.id);
        hold = held?.quantity ?? new Decimal(0);
        reconciliation = 'adopt';
        firstStart = { instrumentId: instrument.id, hold: hold.toString(), startedAt: new Date().toISOString() };
      }
    }

    let warmUp: number[] = [];
    let warmUpUntil: number | undefined;
    if (c.warmUp) {
      const tf = timeframeMs(String(venueOptions.timeframe ?? '1m'));
      const now = Date.now();
      // Twice the bars needed, so that a few quiet minutes without a bar still leave enough.
      const history = await venue.data.requestBars(instrument.id, now - 2 * c.slow * tf, now);
      warmUp = history.slice(-c.slow).map((b) => b.close);
      warmUpUntil = history.at(-1)?.ts;
    }

    const audit = fs.openSync(path.join(c.dir, 'risk-audit.log'), 'a');
    const risk = new RiskEngine({
      clock,
      instruments: [instrument],
      // Every order of the strategy is `size` or less; one order works at a time. A buy comes on top of
      // what the last sell left, less than one lot (a commission taken in BTC leaves part of a lot); the
      // risk engine counts a position off the lot grid as the next whole lot, hence `hold` rounded up.
      limits: {
        maxOrderQuantity: size.toNumber(),
        maxOpenOrders: 1,
        maxPosition: roundQuantity(instrument, hold, 'up').plus(size).plus(instrument.lotSize).toNumber(),
      },
      audit: { sink: (line) => fs.writeSync(audit, `${line}\n`), keepInMemory: false },
    });
    const timeoutMs = Number(venueOptions.timeoutMs ?? 10_000);
    let node: LiveNode;
    try {
      node = await runLive(longOnlySmaCrossover({ instrumentId: instrument.id, fast: c.fast, slow: c.slow, size, hold, warmUp, ...(warmUpUntil !== undefined ? { warmUpUntil } : {}) }), {
        nodeId: paper ? 'binance-sma-paper' : 'binance-sma',
        venues: [execution],
        dataClients: [venue.data],
        subscriptions: [{ instrumentId: instrument.id, kind: 'bars' }],
        instruments: [instrument],
        ledger: { startingCash, baseCurrency: instrument.quote },
        risk,
        journal: { dir: journalDir },
        reconciliation,
        // An unanswered submit is asked for by client order id once ccxt's own request has timed out.
        orders: { submitTimeoutMs: timeoutMs + 5_000 },
        strategyId: 'binance-sma',
        signals: c.signals,
        clock,
        ...(c.logger !== undefined ? { logger: c.logger } : {}),
      });
    } catch (error) {
      fs.closeSync(audit);
      throw error;
    }
    if (firstStart !== undefined) fs.writeFileSync(statePath, `${JSON.stringify(firstStart, null, 2)}\n`);

    let resolveStopped!: () => void;
    const stopped = new Promise<void>((resolve) => (resolveStopped = resolve));
    let closing: Promise<void> | undefined;
    const close = (): Promise<void> =>
      (closing ??= (async () => {
        await venue.close();
        fs.closeSync(audit);
        resolveStopped();
      })());
    node.events.on('state', ({ to }) => {
      if (to === 'STOPPED' || to === 'ERROR') void close();
    });
    return {
      node,
      venue,
      execution,
      instrument,
      hold,
      journalDir,
      warmUp,
      stop: async (reason) => {
        await node.stop(reason);
        await close();
      },
      stopped,
    };
  } catch (error) {
    await venue.close();
    throw error;
  }
}

/**
 * A typo in a config is an error, never a silently ignored option: every zod schema exported by the
 * packages is strict at every depth (but the data schemas listed below, with their reason), and every
 * public entry point refuses an unknown key with a ValidationError naming its path.
 */
import { describe, expect, it } from 'vitest';
import { EMPTY, of } from 'rxjs';
import type { ZodType } from 'zod';
import * as core from '@rxtrade/core';
import {
  BacktestClock,
  defineInstrument,
  instrumentRegistry,
  looseObjectPaths,
  parseWith,
  Macd,
  ValidationError,
  Vwap,
  type Bar,
  type Pipeline,
} from '@rxtrade/core';
import * as execution from '@rxtrade/execution';
import { FixedBpsSlippage, MakerTakerFeeModel, SimulatedAccount, SimulatedVenue, SimulatedVenueJsonSchema, latencyModel } from '@rxtrade/execution';
import * as portfolio from '@rxtrade/portfolio';
import { Ledger, minVariance, rebalanceOnDrift } from '@rxtrade/portfolio';
import * as risk from '@rxtrade/risk';
import { RiskEngine } from '@rxtrade/risk';
import * as backtest from './index';
import { runBacktest } from './run-backtest';
import { runPaper } from './run-paper';
import { sweep } from './search/sweep';
import { walkForward } from './walk-forward/walk-forward';

/** Schemas of data (not config) that keep accepting, and dropping, fields they do not know. */
const LOOSE_DATA_SCHEMAS: Record<string, string> = {
  'core.BarSchema': 'market data from connectors and files may carry venue-specific fields (trade count, vwap)',
  'core.QuoteSchema': 'market data from connectors may carry venue-specific fields',
  'core.TradeSchema': 'market data from connectors may carry venue-specific fields (trade ids, flags)',
  'core.OrderBookSnapshotSchema': 'market data from connectors may carry venue-specific fields (sequence numbers, order counts)',
  'core.OrderBookDeltaSchema': 'market data from connectors may carry venue-specific fields (sequence numbers, order counts)',
  'core.OrderFilledSchema': 'a venue report on the wire: venues add fields of their own',
  'core.OrderEventSchema': 'venue reports on the wire: venues add fields of their own',
  'core.PositionSchema': 'a venue report on the wire: venues add fields of their own',
  'core.BalanceSchema': 'a venue report on the wire: venues add fields of their own',
  'execution.JournalEntryWireSchema': 'a journal record: its order events and market data are the venue reports and market data above, which may carry fields of their own',
  'portfolio.LedgerSnapshotSchema': 'a persisted snapshot: one written by a newer version still restores',
  'backtest.RunResultJsonSchema': 'a result file: one written by a newer version still loads for a report',
};

function exportedSchemas(): [string, ZodType][] {
  const out: [string, ZodType][] = [];
  for (const [pkg, mod] of Object.entries({ core, execution, portfolio, risk, backtest })) {
    for (const [name, value] of Object.entries(mod)) {
      if (typeof value === 'object' && value !== null && '_zod' in value) out.push([`${pkg}.${name}`, value as ZodType]);
    }
  }
  return out;
}

describe('exported schemas', () => {
  it('finds the schemas of every package', () => {
    const names = exportedSchemas().map(([n]) => n);
    expect(names).toEqual(expect.arrayContaining(['core.InstrumentConfigSchema', 'execution.SimulatedVenueConfigSchema', 'portfolio.MinVarianceConfigSchema', 'risk.RiskEngineConfigSchema', 'backtest.RunnerConfigSchema', 'backtest.BacktestFileConfigSchema']));
    expect(names.length).toBeGreaterThan(80);
  });

  it('are strict at every depth, but the listed data schemas', () => {
    const loose = exportedSchemas()
      .filter(([name]) => !(name in LOOSE_DATA_SCHEMAS))
      .flatMap(([name, schema]) => looseObjectPaths(schema).map((path) => `${name}: ${path}`));
    expect(loose).toEqual([]);
  });

  it('lists only data schemas that exist and are loose', () => {
    const byName = new Map(exportedSchemas());
    for (const name of Object.keys(LOOSE_DATA_SCHEMAS)) {
      expect(byName.has(name), name).toBe(true);
      expect(looseObjectPaths(byName.get(name)!).length, name).toBeGreaterThan(0);
    }
  });
});

const goog = defineInstrument({ symbol: 'GOOG', venue: 'SIM', assetClass: 'stock', base: 'GOOG', quote: 'USD', tickSize: '0.01', lotSize: '1' });
const bars: Bar[] = [0, 1, 2].map((i) => ({ type: 'Bar', instrumentId: goog.id, ts: 86_400_000 * (i + 1), open: 100, high: 101, low: 99, close: 100, volume: 1_000 }));
const idle: Pipeline = () => EMPTY;

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return (e as Error).message;
  }
  throw new Error('expected a ValidationError');
}

async function rejectionOf(p: () => Promise<unknown>): Promise<string> {
  try {
    await p();
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return (e as Error).message;
  }
  throw new Error('expected a ValidationError');
}

describe('a typo in a config is an error naming its path', () => {
  const base = { data: bars, instruments: [goog], ledger: { startingCash: 10_000 } };

  it('a commission out of [0, 1) names the field the user gave, not the fee model it builds', async () => {
    for (const commission of [1, 1.5, -0.001])
      expect(await rejectionOf(() => runBacktest(idle, { ...base, venue: { commission } }))).toMatch(/^config\.venue\.commission: /);
    expect(await rejectionOf(() => runBacktest(idle, { ...base, venue: { commission: 1 } }))).toBe('config.venue.commission: must be a fraction of notional in [0, 1)');
    expect(await rejectionOf(() => runBacktest(idle, { ...base, venues: [{ id: 'SIM' }, { id: 'B', commission: 1 }] }))).toBe(
      'config.venues[1].commission: must be a fraction of notional in [0, 1)',
    );
    expect(messageOf(() => parseWith(SimulatedVenueJsonSchema, { commission: 1 }, 'venue'))).toBe('venue.commission: must be a fraction of notional in [0, 1)');
  });

  it('runBacktest: venue, venues, ledger and the venue models', async () => {
    expect(await rejectionOf(() => runBacktest(idle, { ...base, venue: { comission: 0.002 } as never }))).toBe(
      'config.venue.comission: unknown option; did you mean "commission"?',
    );
    expect(await rejectionOf(() => runBacktest(idle, { ...base, venues: [{ id: 'SIM' }, { id: 'B', comission: 0.002 }] as never }))).toBe(
      'config.venues[1].comission: unknown option; did you mean "commission"?',
    );
    expect(await rejectionOf(() => runBacktest(idle, { ...base, ledger: { startingCash: 1, baseCurency: 'USD' } as never }))).toBe(
      'config.ledger.baseCurency: unknown option; did you mean "baseCurrency"?',
    );
    expect(await rejectionOf(() => runBacktest(idle, { ...base, venue: { latency: { submtMs: 5 } } as never }))).toBe(
      'config.venue.latency.submtMs: unknown option; did you mean "submitMs"?',
    );
    expect(await rejectionOf(() => runBacktest(idle, { ...base, venue: { funding: { rates: [], intervalMS: 1 } } as never }))).toBe(
      'config.venue.funding.intervalMS: unknown option; did you mean "intervalMs"?',
    );
    expect(await rejectionOf(() => runBacktest(idle, { ...base, venue: { slippage: new FixedBpsSlippage({ bps: 1 }) } as never }))).toBe(
      'config.venue.slippage: unknown option; did you mean "slippageModel"?',
    );
    expect(await rejectionOf(() => runBacktest(idle, { ...base, periodsPerYr: 12 } as never))).toBe('config.periodsPerYr: unknown option; did you mean "periodsPerYear"?');
  });

  it('runPaper: venue and ledger', async () => {
    const clock = new BacktestClock(0);
    expect(await rejectionOf(() => runPaper(idle, { feed: of(), clock, instruments: [goog], ledger: { startingCash: 1 }, venue: { maxParticipaton: 0.1 } as never }))).toBe(
      'config.venue.maxParticipaton: unknown option; did you mean "maxParticipation"?',
    );
  });

  it('the venue, its models, the account and the ledger', () => {
    const clock = new BacktestClock(0);
    const instruments = instrumentRegistry([goog]);
    expect(messageOf(() => new SimulatedVenue({ clock, instruments, limitFil: 'touch' } as never))).toBe(
      'SimulatedVenueConfig.limitFil: unknown option; did you mean "limitFill"?',
    );
    expect(messageOf(() => new MakerTakerFeeModel({ maker: 0.001, takr: 0.002 } as never))).toMatch(/takr: unknown option; did you mean "taker"\?/);
    expect(messageOf(() => new FixedBpsSlippage({ bps: 1, bsp: 2 } as never))).toMatch(/bsp: unknown option; did you mean "bps"\?/);
    expect(messageOf(() => latencyModel({ fillMs: 1, filMs: 2 } as never))).toBe('latency.filMs: unknown option; did you mean "fillMs"?');
    expect(messageOf(() => new SimulatedAccount({ type: 'CASH', instruments, startingBalances: {}, maxLeverge: 1 } as never))).toMatch(
      /maxLeverge: unknown option; did you mean "maxLeverage"\?/,
    );
    expect(messageOf(() => new Ledger({ baseCurrency: 'USD', startingCash: 1, instruments, startingCsh: 2 } as never))).toBe(
      'ledger.startingCsh: unknown option; did you mean "startingCash"?',
    );
  });

  it('instruments and indicators', () => {
    expect(messageOf(() => defineInstrument({ symbol: 'X', venue: 'V', assetClass: 'stock', base: 'X', quote: 'USD', tickSize: '0.01', lotSize: '1', tickSze: '1' } as never))).toBe(
      'instrument.tickSze: unknown option; did you mean "tickSize"?',
    );
    expect(messageOf(() => new Macd({ fast: 12, slw: 26 } as never))).toBe('Macd.slw: unknown option; did you mean "slow"?');
    expect(messageOf(() => new Vwap({ mode: 'rolling', period: 3, prce: 'close' } as never))).toBe('Vwap.prce: unknown option; did you mean "price"?');
  });

  it('asynchronous stages', () => {
    const work = new core.WorkTracker();
    expect(messageOf(() => core.mapAsync((x: number) => x, { work, wrok: work } as never))).toBe('options.wrok: unknown option; did you mean "work"?');
    expect(messageOf(() => core.mapAsync((x: number) => x, {} as never))).toMatch(/^options\.work: /);
  });

  it('optimizers and rebalancing stages', () => {
    const covariance = [
      [0.04, 0],
      [0, 0.09],
    ];
    // The bounds of the weights are `lower` and `upper`: `bounds` was silently ignored (an unbounded run).
    expect(messageOf(() => minVariance({ covariance, bounds: [0, 0.25] } as never))).toBe('bounds: unknown option');
    expect(messageOf(() => minVariance({ covariance, uper: 0.6 } as never))).toBe('uper: unknown option; did you mean "upper"?');
    expect(messageOf(() => minVariance({ covariance, groups: [{ assets: [0], maxx: 0.5 }] } as never))).toBe(
      'groups[0].maxx: unknown option; did you mean "max"?',
    );
    expect(messageOf(() => rebalanceOnDrift({ absolute: 0.05, current: () => new Map(), relatve: 0.2 } as never))).toBe(
      'rebalanceOnDrift.relatve: unknown option; did you mean "relative"?',
    );
  });

  it('the risk engine', () => {
    expect(messageOf(() => new RiskEngine({ limits: { priceCollar: { maxDeviation: 0.1, refrence: 'mid' } } } as never))).toMatch(
      /limits\.priceCollar\.refrence: unknown option; did you mean "reference"\?/,
    );
  });

  it('sweeps and walk-forward', async () => {
    const run = { data: [{ path: 'x.csv', instrument: 'GOOG.SIM' }], instruments: [{ symbol: 'GOOG', venue: 'SIM', assetClass: 'stock', base: 'GOOG', quote: 'USD', tickSize: '0.01', lotSize: '1' }], ledger: { startingCash: 1 } };
    const strategy = { module: '/nonexistent/strategy.js' };
    const objective = { metric: 'sharpeRatio' };
    expect(await rejectionOf(() => sweep({ strategy, space: { fast: { choices: [1] } }, objective, run, failFst: true } as never))).toBe(
      'sweep.failFst: unknown option; did you mean "failFast"?',
    );
    // The run is checked by each task, where it is read: the task fails naming the field.
    await expect(sweep({ strategy, space: { fast: { choices: [1] } }, objective, run: { ...run, venue: { comission: 0.1 } }, failFast: true })).rejects.toThrow(
      /run\.venue\.comission: unknown option; did you mean "commission"\?/,
    );
    expect(
      await rejectionOf(() => walkForward({ strategy, space: {}, objective, run, inSample: { bars: 10 }, outOfSample: { bars: 5 }, warmupBar: 3 } as never)),
    ).toMatch(/warmupBar: unknown option; did you mean "warmupBars"\?/);
  });
});

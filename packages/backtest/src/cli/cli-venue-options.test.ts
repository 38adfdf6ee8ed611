/**
 * A CLI config file sets every venue option that code can, by name: each run from a file fills exactly
 * as the same run built in code with the model instances, and a typo anywhere in the file is one line
 * naming its path.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { instrumentRegistry, LiveClock, parseWith } from '@rxtrade/core';
import {
  FixedBpsSlippage,
  FixedFeeModel,
  HalfSpreadSlippage,
  MakerTakerFeeModel,
  PercentFeeModel,
  PerShareFeeModel,
  SimulatedAccount,
  SquareRootImpactSlippage,
  TieredFeeModel,
} from '@rxtrade/execution';
import { main } from './main';
import { resultToJson } from '../result';
import { runBacktest } from '../run-backtest';
import type { SimulatedVenueOptions } from '../config';
import { prepareRun } from '../search/evaluate-task';
import { RunConfigSchema } from '../search/run-config';
import { smaPipeline } from '../search/__fixtures__/sma-strategy';

const fixtures = fileURLToPath(new URL('../search/__fixtures__/', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'rxtrade-venue-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const params = { instrument: 'GOOG.NASDAQ', fast: 10, slow: 30, size: 100 };
const run = {
  data: [{ path: 'goog.csv', instrument: 'GOOG.NASDAQ' }],
  baseDir: fixtures,
  instruments: [{ symbol: 'GOOG', venue: 'NASDAQ', assetClass: 'stock', base: 'GOOG', quote: 'USD', tickSize: '0.01', lotSize: '1' }],
  ledger: { startingCash: '100000' },
};

let files = 0;
async function cli(venue: unknown, extra: Record<string, unknown> = {}): Promise<{ code: number; stdout: string; stderr: string; out: string; config: string }> {
  const config = join(work, `run-${++files}.json`);
  const out = join(work, `result-${files}.json`);
  writeFileSync(config, JSON.stringify({ strategy: { module: join(fixtures, 'sma-strategy.ts') }, params, run: { ...run, venue, ...extra } }));
  let stdout = '';
  let stderr = '';
  const code = await main(['backtest', '--config', config, '--out', out, '--json'], {
    stdout: { write: (t: string) => (stdout += t), isTTY: false },
    stderr: { write: (t: string) => (stderr += t), isTTY: false },
    clock: new LiveClock(),
  });
  return { code, stdout, stderr, out, config };
}

/** The fills of the same run with the venue options built in code. */
async function inCode(venue: (registry: ReturnType<typeof instrumentRegistry>) => SimulatedVenueOptions): Promise<unknown> {
  const { config, instruments } = prepareRun(parseWith(RunConfigSchema, run, 'run'));
  const result = await runBacktest(smaPipeline(params), { ...config, venue: venue(instrumentRegistry(instruments)) });
  return (resultToJson(result) as { fills: unknown }).fills;
}

async function fromFile(venue: unknown): Promise<unknown> {
  const r = await cli(venue);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return (JSON.parse(readFileSync(r.out, 'utf8')) as { fills: unknown }).fills;
}

describe('rxtrade backtest venue options', () => {
  const cases: [string, unknown, (registry: ReturnType<typeof instrumentRegistry>) => SimulatedVenueOptions][] = [
    ['fixed bps slippage and maker/taker fees', { slippage: { model: 'fixedBps', bps: 5 }, fees: { model: 'makerTaker', maker: 0.0002, taker: 0.0004 } }, () => ({ slippageModel: new FixedBpsSlippage({ bps: 5 }), feeModel: new MakerTakerFeeModel({ maker: 0.0002, taker: 0.0004 }) })],
    ['half-spread slippage and a percent fee', { slippage: { model: 'halfSpread', fallbackBps: 3 }, fees: { model: 'percent', rate: '0.001' } }, () => ({ slippageModel: new HalfSpreadSlippage({ fallbackBps: 3 }), feeModel: new PercentFeeModel('0.001') })],
    [
      'square-root impact and tiered fees',
      { slippage: { model: 'squareRootImpact', coefficient: 0.5, volatility: 0.02 }, fees: { model: 'tiered', tiers: [{ minVolume: 0, maker: 0.001, taker: 0.002 }, { minVolume: 100_000, maker: 0.0005, taker: 0.001 }] } },
      () => ({
        slippageModel: new SquareRootImpactSlippage({ coefficient: 0.5, volatility: 0.02 }),
        feeModel: new TieredFeeModel({ tiers: [{ minVolume: 0, maker: 0.001, taker: 0.002 }, { minVolume: 100_000, maker: 0.0005, taker: 0.001 }] }),
      }),
    ],
    ['a fixed fee per order', { fees: { model: 'fixed', perOrder: 1.5 } }, () => ({ feeModel: new FixedFeeModel({ perOrder: 1.5 }) })],
    ['a per-share fee', { fees: { model: 'perShare', perShare: '0.005', minimum: 1, maximumRate: 0.01 } }, () => ({ feeModel: new PerShareFeeModel({ perShare: '0.005', minimum: 1, maximumRate: 0.01 }) })],
    ['latency', { latency: { submitMs: 86_400_000 * 2, fillMs: 1_000 } }, () => ({ latency: { submitMs: 86_400_000 * 2, fillMs: 1_000 } })],
    ['a participation cap and the limit fill rule', { maxParticipation: 0.00002, limitFill: 'touch', commission: 0.002 }, () => ({ maxParticipation: 0.00002, limitFill: 'touch', feeModel: new PercentFeeModel(0.002) })],
    [
      'a cash account',
      { account: { type: 'CASH', startingBalances: { USD: 20_000 } } },
      (registry) => ({ account: new SimulatedAccount({ type: 'CASH', instruments: registry, startingBalances: { USD: 20_000 } }) }),
    ],
  ];

  it.each(cases)('%s: fills as the same venue built in code', async (_name, json, code) => {
    const [file, built, plain] = await Promise.all([fromFile(json), inCode(code), inCode(() => ({}))]);
    expect(file).toEqual(built);
    // The option took effect: the run differs from one with a bare venue.
    expect(file).not.toEqual(plain);
  });

  it('prints a typo anywhere in the file as one line naming its path', async () => {
    const fees = await cli({ fees: { model: 'perShare', perShare: 0.005, minimun: 1 } });
    expect(fees.code).toBe(2);
    expect(fees.stderr).toBe(`rxtrade backtest: invalid input: ${fees.config.split('/').pop()}: run.venue.fees.minimun: unknown option; did you mean "minimum"?\n`);
    const venue = await cli({ comission: 0.002 });
    expect(venue.stderr).toMatch(/^rxtrade backtest: invalid input: run-\d+\.json: run\.venue\.comission: unknown option; did you mean "commission"\?\n$/);
    const latency = await cli({ latency: { submitMS: 5 } });
    expect(latency.stderr).toMatch(/: run\.venue\.latency\.submitMS: unknown option; did you mean "submitMs"\?\n$/);
    const ledger = await cli({}, { ledger: { startingCash: 1, baseCurency: 'USD' } });
    expect(ledger.stderr).toMatch(/: run\.ledger\.baseCurency: unknown option; did you mean "baseCurrency"\?\n$/);
    const model = await cli({ slippage: { model: 'fixedBp', bps: 2 } });
    expect(model.code).toBe(2);
    expect(model.stderr).toMatch(/run\.venue\.slippage\.model: /);
  });
});

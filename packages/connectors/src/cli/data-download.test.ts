/**
 * `rxtrade data download` with the real ccxt client against the fake Binance spot, pointed at it by the
 * `--config` file's URL overrides: bars and trades equal to the scripted tape (computed by the test
 * fixture independently of the fake's candles), a rerun that fetches nothing it holds, and keys that come
 * from the environment only.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveClock, instrumentId, type Bar, type Trade } from '@rxtrade/core';
import { binanceCcxtOptions } from '../ccxt/__fixtures__/fake-binance/ccxt-options';
import { FakeBinance } from '../ccxt/__fixtures__/fake-binance/fake-binance';
import type { PublicTrade } from '../ccxt/__fixtures__/fake-exchange/types';
import { MINUTE, T0, barsOfTape, scriptTape, tradesOfTape } from '../catalog/download/__fixtures__/history';
import { ParquetCatalog } from '../catalog/parquet-catalog';
import { dataMain } from './data-main';

const btc = instrumentId('BTCUSDT.BINANCE');
const work = mkdtempSync(join(tmpdir(), 'rxtrade-data-download-'));
let fake: FakeBinance;
let tape: PublicTrade[];
let config: string;

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function data(args: readonly string[], env: Record<string, string> = {}): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await dataMain(args, {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t), isTTY: false },
    clock: new LiveClock(),
    env,
    cwd: work,
  });
  return { code, stdout, stderr };
}

async function stored<T>(dir: string, dataType: 'bars' | 'trades'): Promise<T[]> {
  const catalog = await ParquetCatalog.open(dir);
  const out: T[] = [];
  for await (const e of catalog.query({ dataType, instruments: [btc] })) out.push(e as T);
  catalog.close();
  return out;
}

const iso = (ts: number): string => new Date(ts).toISOString();

beforeAll(async () => {
  fake = await FakeBinance.start({});
  tape = scriptTape(fake.spot, 'BTCUSDT', { minutes: 300 });
  // What the --config file holds: the fake's URLs over ccxt's, and the options that keep ccxt off the endpoints it does not serve.
  const o = binanceCcxtOptions(fake);
  config = join(work, 'fake-binance.json');
  writeFileSync(config, JSON.stringify({ urls: o['urls'], options: o['options'], rateLimit: 1, timeout: 5000, pageLimit: 100 }));
});
afterAll(async () => {
  await fake.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('rxtrade data download', () => {
  it('downloads bars equal to the tape, and a rerun fetches nothing it holds', async () => {
    const dir = join(work, 'bars');
    const end = T0 + 250 * MINUTE;
    const args = ['download', '-e', 'binance', '-s', 'BTC/USDT', '--timeframe', '1m', '--start', iso(T0), '--end', String(end), '--config', 'fake-binance.json', '--catalog', dir, '--json'];
    const run = await data(args);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout);
    const expected = barsOfTape(btc, tape, MINUTE, true).filter((b) => b.ts < end);
    expect(out).toMatchObject({ command: 'download', exchange: 'binance', dataType: 'bars', timeframe: '1m', start: iso(T0), end: iso(end), rows: expected.length, requests: 3 });
    expect(out.instruments[0]).toMatchObject({ instrumentId: btc, symbol: 'BTC/USDT', rows: expected.length, first: iso(expected[0]!.ts), last: iso(expected.at(-1)!.ts) });
    expect(await stored<Bar>(dir, 'bars')).toEqual(expected);

    const klines = fake.server.requests.filter((r) => r.startsWith('GET /api/v3/klines')).length;
    const again = JSON.parse((await data(args)).stdout);
    expect(again).toMatchObject({ rows: 0, requests: 0 });
    expect(fake.server.requests.filter((r) => r.startsWith('GET /api/v3/klines')).length).toBe(klines);
  });

  it('downloads trades equal to the tape, and prints a readable summary', async () => {
    const dir = join(work, 'trades');
    const end = T0 + 30 * MINUTE;
    const run = await data(['download', '-e', 'binance', '-s', 'BTCUSDT.BINANCE', '--type', 'trades', '--start', iso(T0), '--end', iso(end), '--config', config, '--catalog', dir]);
    expect(run.code).toBe(0);
    const expected = tradesOfTape(btc, tape).filter((t) => t.ts < end);
    expect(await stored<Trade>(dir, 'trades')).toEqual(expected);
    expect(run.stdout).toMatch(new RegExp(`^binance: trades from ${iso(T0).replace(/\./g, '\\.')} to ${iso(end).replace(/\./g, '\\.')}$`, 'm'));
    expect(run.stdout).toMatch(new RegExp(`^ {2}BTCUSDT\\.BINANCE \\(BTC/USDT\\): ${expected.length.toLocaleString('en-US')} written, `, 'm'));
  });

  it('switches to the testnet with --sandbox, the config URLs still winning', async () => {
    const run = await data(['download', '-e', 'binance', '-s', 'BTC/USDT', '--timeframe', '1h', '--start', iso(T0), '--end', iso(T0 + 3 * 3_600_000), '--sandbox', '--config', config, '--catalog', join(work, 'sandbox'), '--json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ sandbox: true, rows: 3 });
  });

  it('takes keys from the environment only: no flag, no config field', async () => {
    const flag = await data(['download', '-e', 'binance', '-s', 'BTC/USDT', '--start', '2024-01-01', '--api-key', 'k', '--catalog', join(work, 'x')]);
    expect(flag.code).toBe(2);
    expect(flag.stderr.split('\n')[0]).toBe('rxtrade data download: unknown option --api-key');
    const bad = join(work, 'with-key.json');
    writeFileSync(bad, JSON.stringify({ apiKey: 'not-here', rateLimit: 1 }));
    const file = await data(['download', '-e', 'binance', '-s', 'BTC/USDT', '--start', '2024-01-01', '--config', bad, '--catalog', join(work, 'x')]);
    expect(file.code).toBe(2);
    expect(file.stderr).toBe('rxtrade data download: invalid input: with-key.json: apiKey: credentials are read from environment variables only (<EXCHANGE>_API_KEY, <EXCHANGE>_SECRET, _PASSWORD, _PRIVATE_KEY, _UID), never from a file\n');
    expect(file.stderr).not.toContain('not-here');
  });

  it('never prints a key of the environment, whatever quotes it', async () => {
    const key = 'k-3f9a8c7e6d5b4a39';
    const run = await data(['download', '-e', 'binance', '-s', `BTC/${key}`, '--start', iso(T0), '--end', iso(T0 + MINUTE), '--config', config, '--catalog', join(work, 'y')], { BINANCE_API_KEY: key, BINANCE_SECRET: 's-0e1d2c3b4a596877' });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('[REDACTED]');
    expect(run.stderr).not.toContain(key);
    expect(run.stderr.trim().split('\n').length).toBeLessThanOrEqual(2);
  });

  it('names a bad exchange, timeframe, time or config field', async () => {
    const base = ['download', '-s', 'BTC/USDT', '--start', '2024-01-01', '--catalog', join(work, 'x')];
    const exchange = await data([...base, '-e', 'binanse']);
    expect(exchange.code).toBe(2);
    expect(exchange.stderr.split('\n')[0]).toMatch(/^rxtrade data download: --exchange: "binanse" is not a ccxt exchange id \(did you mean binance, /);
    const tf = await data([...base, '-e', 'binance', '--timeframe', '7m', '--end', '2024-01-02', '--config', config]);
    expect(tf.code).toBe(2);
    expect(tf.stderr).toMatch(/^rxtrade data download: invalid input: --timeframe: binance has no timeframe 7m \(its timeframes: 1s, 1m, /);
    const start = await data(['download', '-e', 'binance', '-s', 'BTC/USDT', '--start', '01/02/2024']);
    expect(start.stderr.split('\n')[0]).toBe('rxtrade data download: --start: "01/02/2024" is not a time: write 2024-01-31, 2024-01-31T09:30:00Z or epoch milliseconds');
    const typo = join(work, 'typo.json');
    writeFileSync(typo, JSON.stringify({ rateLimt: 1 }));
    const field = await data([...base, '-e', 'binance', '--config', typo]);
    expect(field.code).toBe(2);
    expect(field.stderr).toMatch(/^rxtrade data download: invalid input: typo\.json: rateLimt: unknown option; did you mean "rateLimit"\?/);
  });
});

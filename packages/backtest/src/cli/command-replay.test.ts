/**
 * `rxtrade replay` in this process through `main`, its streams captured, on journals written here with
 * FileJournal (the recorded session of the replay fixture: the simulation buys 2 at 101 and sells 2 at
 * 104, commission 0.1%).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MINUTE, T0, identicalSession, writeLiveSession } from '../replay/__fixtures__/replay-session-fixture';
import { runCli, type CliRun } from './__fixtures__/run-cli';

const strategyModule = fileURLToPath(new URL('../replay/__fixtures__/replay-session-fixture.ts', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'rxtrade-replay-cli-'));
const journal = join(work, 'journal');
const venueJson = join(work, 'venue.json');
const venue = {
  instruments: [{ symbol: 'BTCUSDT', venue: 'BINANCE', assetClass: 'spot', base: 'BTC', quote: 'USDT', tickSize: '0.01', lotSize: '0.001' }],
  ledger: { startingCash: 10000 },
  venue: { commission: 0.001 },
};

beforeAll(async () => {
  // Live bought 0.05 higher than the simulation and paid 0.5 in commission on the buy instead of 0.202.
  await writeLiveSession(journal, [
    { ...identicalSession[0]!, fills: [{ ts: T0 + MINUTE, quantity: '2', price: '101.05', commission: '0.5' }] },
    identicalSession[1]!,
  ]);
  writeFileSync(venueJson, JSON.stringify(venue));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const rxtrade = (args: string[]): Promise<CliRun> => runCli(args);

describe('rxtrade replay', () => {
  it('prints the attribution as one JSON object with --json', async () => {
    const run = await rxtrade(['replay', journal, '--strategy', strategyModule, '--config', venueJson, '--params', '{"size": 2}', '--json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out.command).toBe('replay');
    expect(out.strategy).toBe('buy-then-sell');
    expect(out.matchedBy).toBe('clientOrderId');
    // Slippage 2·0.05 = 0.1; fees 0.5 - 0.202 = 0.298.
    expect(out.totals).toEqual({ slippage: '0.1', latency: '0', fillQuantity: '0', fees: '0.298', funding: '0', unexplained: '0', total: '0.398' });
    expect(out.rows.map((r: { clientOrderId: string; total: string }) => [r.clientOrderId, r.total])).toEqual([
      ['live-1', '0.398'],
      ['live-2', '0'],
    ]);
    expect(out.livePnl).toBe('5.192');
    expect(out.simPnl).toBe('5.59');
  });

  it('prints a table, takes a relative strategy path and writes the full result with --out', async () => {
    const out = join(work, 'out', 'replay.json');
    const run = await rxtrade(['replay', relative(process.cwd(), journal), '-s', relative(process.cwd(), strategyModule), '--export', 'strategy', '-c', venueJson, '-o', out]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^buy-then-sell on /);
    expect(run.stdout).toMatch(/^live-1\s+BTCUSDT\.BINANCE\s+BUY\s+both\s+2\s+2\s+0\.1\s+0\s+0\s+0\.298\s+0\.398$/m);
    expect(run.stdout).toMatch(/^unexplained\s+0$/m);
    expect(run.stdout).toMatch(/^total \(sim - live\)\s+0\.398$/m);
    const written = JSON.parse(readFileSync(out, 'utf8'));
    expect(written.totals.total).toBe('0.398');
    expect(written.simulation.fills).toHaveLength(2);
  });

  it('takes the live funding from the config file', async () => {
    // Live paid 1.25 in funding, the simulated venue none: funding 1.25, total 0.398 + 1.25.
    const withFunding = join(work, 'funding.json');
    writeFileSync(withFunding, JSON.stringify({ ...venue, liveFunding: [{ instrumentId: 'BTCUSDT.BINANCE', amount: '-1.25', currency: 'USDT', ts: T0 + 2 * MINUTE }] }));
    const run = await rxtrade(['replay', journal, '--strategy', strategyModule, '--config', withFunding, '--json']);
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout);
    expect([out.totals.funding, out.totals.unexplained, out.totals.total, out.funding.live]).toEqual(['1.25', '0', '1.648', '-1.25']);
  });

  it('lists its flags in --help', async () => {
    const help = await rxtrade(['replay', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout.startsWith('Usage: rxtrade replay <journal-dir> ')).toBe(true);
    for (const flag of ['--strategy', '--export', '--params', '--config', '--out', '--json']) expect(help.stdout).toMatch(new RegExp(`^ +(-\\w, )?${flag} `, 'm'));
  });

  it.each([
    ['no journal directory', ['replay', '--strategy', 'x.ts', '--config', 'v.json'], /^rxtrade replay: <journal-dir> is required/],
    ['a journal directory that does not exist', ['replay', '/nonexistent/journal', '--strategy', 'x.ts', '--config', 'v.json'], /^rxtrade replay: <journal-dir> "\/nonexistent\/journal" is not a directory$/],
    ['no strategy', ['replay', 'j', '--config', 'v.json'], /^rxtrade replay: --strategy <module> is required$/],
    ['no config', ['replay', 'j', '--strategy', 'x.ts'], /^rxtrade replay: --config <venue\.json> is required/],
    ['a misspelled flag', ['replay', 'j', '--strategy', 'x.ts', '--confg', 'v.json'], /^rxtrade replay: unknown option --confg; did you mean "--config"\?$/],
  ])('exits 2 with one line for %s', async (_name, args, message) => {
    const run = await rxtrade(args);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.split('\n')[0]).toMatch(message);
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(2);
  });

  it('exits 2 naming the field of bad params or a bad config file', async () => {
    const badParams = await rxtrade(['replay', journal, '--strategy', strategyModule, '--config', venueJson, '--params', '{size: 2}']);
    expect(badParams.code).toBe(2);
    expect(badParams.stderr).toMatch(/^rxtrade replay: invalid input: --params: not valid JSON/);
    const badConfig = join(work, 'bad.json');
    writeFileSync(badConfig, JSON.stringify({ ...venue, venue: { comission: 0.001 } }));
    const run = await rxtrade(['replay', journal, '--strategy', strategyModule, '--config', badConfig]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^rxtrade replay: invalid input: bad\.json: venue\.comission: /);
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});

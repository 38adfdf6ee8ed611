import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { instrumentId, parseBarsCsv } from '@rxtrade/core';
import { benchmarkMetrics, pairReturns } from '../metrics/benchmark-metrics';
import { resultFromJson } from '../result';
import { runCli, type CliRun } from './__fixtures__/run-cli';

const fixture = fileURLToPath(new URL('./__fixtures__/run.json', import.meta.url));
const goog = fileURLToPath(new URL('../search/__fixtures__/goog.csv', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'rxtrade-report-benchmark-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const rxtrade = (args: string[]): Promise<CliRun> => runCli(args);

const text = (html: string): string => html.replace(/<script[\s\S]*?<\/script>/g, '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('rxtrade report --benchmark', () => {
  it('compares a result written by rxtrade backtest --out with a bars CSV, and prints the run settings the result carries', async () => {
    const resultFile = join(work, 'result.json');
    const reportFile = join(work, 'report.html');
    expect((await rxtrade(['backtest', '--config', fixture, '--out', resultFile, '--json'])).code).toBe(0);
    const json = JSON.parse(readFileSync(resultFile, 'utf8'));
    expect(json.settings).toEqual({
      strategy: expect.any(String),
      parameters: { instrument: 'GOOG.NASDAQ', fast: 10, slow: 30, size: 100 },
      costs: expect.objectContaining({ commission: 0.002 }),
      instruments: ['GOOG.NASDAQ'],
    });

    const run = await rxtrade(['report', resultFile, '--benchmark', goog, '--out', reportFile, '--json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ command: 'report', kind: 'backtest', report: reportFile });
    const html = readFileSync(reportFile, 'utf8');
    const t = text(html);
    const bars = parseBarsCsv(readFileSync(goog, 'utf8'), { instrumentId: instrumentId('goog') }).bars;
    const paired = pairReturns(resultFromJson(json).equityCurve, { ts: bars.map((b) => b.ts), close: bars.map((b) => b.close) });
    const m = benchmarkMetrics(paired.strategy, paired.benchmark, 252);
    expect(t).toContain(`Against goog ${paired.strategy.length.toLocaleString('en-US')} paired periods`);
    expect(t).toContain(`Beta ${m.beta.toFixed(3)} 1.000`);
    expect(t).toContain(`Alpha (annualized: per-period intercept x periods per year) ${(m.alpha * 100).toFixed(2)}%`);
    expect(t).toContain('Parameters instrument=GOOG.NASDAQ fast=10 slow=30 size=100');
    expect(t).toContain('Costs: commission 0.20% of notional per fill');
    expect(html).toContain('"id":"chart-rolling-beta"');
    expect(html).toContain('"name":"goog (rebased)"');
  });

  it('refuses a benchmark file it cannot read or parse with exit code 2 and the file named', async () => {
    const resultFile = join(work, 'result-2.json');
    expect((await rxtrade(['backtest', '--config', fixture, '--out', resultFile, '--json'])).code).toBe(0);
    const missing = await rxtrade(['report', resultFile, '--benchmark', join(work, 'nope.csv'), '--out', join(work, 'r.html')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope\.csv/);
    const bad = join(work, 'bad.csv');
    writeFileSync(bad, 'date,open,high,low,close\n2020-01-01,1,1,1,1\n2020-01-02,1,1,1,-1\n');
    const refused = await rxtrade(['report', resultFile, '--benchmark', bad, '--out', join(work, 'r.html')]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/bad\.csv/);
    expect(refused.stderr).not.toMatch(/\n\s+at /);
    const noArg = await rxtrade(['report', resultFile, '--benchmark']);
    expect(noArg.code).toBe(2);
    expect(noArg.stderr).toMatch(/benchmark/);
  });
});

/**
 * Renders real reports and opens them in headless Chromium (Debian's `chromium`, driven by
 * playwright-core) from file:// URLs with every non-file request blocked: no console errors, no page
 * errors, no network, and every chart drew (its ECharts instance holds the data and its canvas has
 * ink). Screenshots go to packages/backtest/.report-screenshots/.
 *
 * Skipped when /usr/bin/chromium is missing, unless RXTRADE_REQUIRE_SERVICES=1 (CI), where it fails.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { instrumentId, parseBarsCsv, parseWith } from '@rxtrade/core';
import { evaluateTask, loadStrategy, runFromConfig } from '../search/evaluate-task';
import { RunConfigSchema } from '../search/run-config';
import type { RunResult } from '../result';
import type { TaskResult } from '../search/types';
import { walkForward } from '../walk-forward/walk-forward';
import { writeReport } from './write-report';

const CHROMIUM = '/usr/bin/chromium';
const required = process.env.RXTRADE_REQUIRE_SERVICES === '1';
const missing = !existsSync(CHROMIUM);
if (missing && !required) console.warn(`skipping the report browser test: ${CHROMIUM} is not installed (apt-get install -y chromium)`);

const fixtures = fileURLToPath(new URL('../search/__fixtures__/', import.meta.url));
const screenshots = fileURLToPath(new URL('../../.report-screenshots/', import.meta.url));
const strategy = { module: join(fixtures, 'sma-strategy.ts') };
const runJson = {
  data: [{ path: join(fixtures, 'goog.csv'), instrument: 'GOOG.NASDAQ' }],
  instruments: [{ symbol: 'GOOG', venue: 'NASDAQ', assetClass: 'stock', base: 'GOOG', quote: 'USD', tickSize: '0.01', lotSize: '1' }],
  ledger: { startingCash: '100000' },
  venue: { commission: 0.002 },
  periodsPerYear: 252,
} as const;

interface ChartCheck {
  id: string;
  points: number[];
  width: number;
  height: number;
  inked: number;
}

// Runs in the page (as a string: the repo's type check has no DOM library).
const CHECK_CHARTS = `(() => {
  const state = window.rxtradeReport;
  return Array.from(document.querySelectorAll('[data-chart]')).map((el) => {
    const entry = state.charts.find((c) => c.id === el.id);
    const canvas = el.querySelector('canvas');
    let inked = 0;
    if (canvas) {
      const ctx = canvas.getContext('2d');
      const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
      for (let i = 3; i < data.length; i += 4) if (data[i] > 0) inked++;
      inked = inked / (canvas.width * canvas.height);
    }
    const series = entry ? entry.chart.getOption().series : [];
    return { id: el.id, points: series.map((s) => s.data.length), width: canvas ? canvas.width : 0, height: canvas ? canvas.height : 0, inked };
  });
})()`;

describe.skipIf(missing && !required)('HTML report in headless Chromium', () => {
  let browser: import('playwright-core').BrowserContext;
  let profile: string;
  let golden: RunResult;
  let sweepResults: TaskResult[];
  const work = mkdtempSync(join(tmpdir(), 'rxtrade-report-'));

  beforeAll(async () => {
    if (missing) throw new Error(`RXTRADE_REQUIRE_SERVICES=1 but ${CHROMIUM} is not installed`);
    const def = await loadStrategy(strategy);
    golden = await runFromConfig(def.pipeline({ instrument: 'GOOG.NASDAQ', fast: 10, slow: 30, size: 100 }), parseWith(RunConfigSchema, runJson));
    sweepResults = [];
    let id = 0;
    for (const fast of [5, 10, 20]) for (const slow of [30, 50, 80]) sweepResults.push(await evaluateTask({ id: id++, strategy, params: { instrument: 'GOOG.NASDAQ', fast, slow, size: 100 }, run: runJson }));
    const { chromium } = await import('playwright-core');
    profile = mkdtempSync(join(tmpdir(), 'rxtrade-chromium-'));
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1280, height: 900 },
      deviceScaleFactor: 1,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  async function open(file: string, screenshot: string): Promise<{ checks: ChartCheck[]; errors: string[]; requests: string[]; text: string }> {
    const page = await browser.newPage();
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') errors.push(`console.${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:')) return route.continue();
      requests.push(url);
      return route.abort();
    });
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    await page.waitForFunction('window.rxtradeReport !== undefined', undefined, { timeout: 15_000 });
    const checks = (await page.evaluate(CHECK_CHARTS)) as ChartCheck[];
    mkdirSync(screenshots, { recursive: true });
    await page.screenshot({ path: join(screenshots, screenshot), fullPage: true });
    const text = (await page.evaluate('document.body.innerText')) as string;
    await page.close();
    return { checks, errors, requests, text };
  }

  it('draws every chart of the golden GOOG tearsheet offline, with no console or page errors', async () => {
    const file = join(work, 'golden.html');
    const bars = parseBarsCsv(readFileSync(join(fixtures, 'goog.csv'), 'utf8'), { instrumentId: instrumentId('GOOG.NASDAQ') }).bars;
    writeReport(file, golden, {
      title: 'SMA(10)/SMA(30) crossover on GOOG',
      generatedAt: Date.UTC(2026, 0, 1),
      benchmark: { name: 'GOOG buy and hold', ts: bars.map((b) => b.ts), close: bars.map((b) => b.close) },
      bars,
      parameters: { fast: 10, slow: 30, size: 100 },
      costs: { commission: 0.002 },
    });
    const { checks, errors, requests, text } = await open(file, 'golden-report.png');
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    expect(checks.map((c) => c.id)).toEqual([
      'chart-equity',
      'chart-drawdown',
      'chart-price',
      'chart-exposure',
      'chart-rolling-sharpe',
      'chart-rolling-volatility',
      'chart-rolling-beta',
      'chart-monthly',
      'chart-histogram',
    ]);
    for (const c of checks) {
      expect(c.width, c.id).toBeGreaterThan(300);
      expect(c.points.length, c.id).toBeGreaterThan(0);
      expect(c.points.every((n) => n > 0), c.id).toBe(true);
      // Axes alone ink well under 1% of a chart; the series take more (a thin line about 1.5%).
      expect(c.inked, c.id).toBeGreaterThan(0.012);
    }
    const byId = Object.fromEntries(checks.map((c) => [c.id, c]));
    // The run and the benchmark, rebased.
    expect(byId['chart-equity']!.points).toEqual([1047, 1047]);
    // Closes, then markers of the 31 fills: 1 entry and 30 reversals (each an exit and an entry).
    expect(byId['chart-price']!.points).toEqual([1047, 1, 30]);
    expect(byId['chart-exposure']!.points).toEqual([1047]);
    // 1,046 returns, a 126-period window: 921 windows.
    for (const id of ['chart-rolling-sharpe', 'chart-rolling-volatility', 'chart-rolling-beta']) expect(byId[id]!.points, id).toEqual([921]);
    // 51 calendar months (Aug 2004 to Oct 2008) plus 5 year totals.
    expect(byId['chart-monthly']!.points).toEqual([56]);
    expect(text).toContain('176,251.04');
    expect(text).toMatch(/Trades\s*30 round trips/);
    expect(text).toMatch(/Against GOOG buy and hold/);
    expect(text).toMatch(/Worst drawdowns/);
    expect(text).toMatch(/Costs: commission\s*0\.20% of notional per fill/);
  });

  it('draws the equity overlay and the parameter heatmap of a sweep report', async () => {
    const file = join(work, 'sweep.html');
    const best = [...sweepResults].sort((a, b) => (b.metrics.sharpeRatio ?? -Infinity) - (a.metrics.sharpeRatio ?? -Infinity)).slice(0, 3);
    const def = await loadStrategy(strategy);
    const runs = [];
    for (const r of best) runs.push({ name: `fast=${r.params.fast} slow=${r.params.slow}`, result: await runFromConfig(def.pipeline(r.params), parseWith(RunConfigSchema, runJson)) });
    writeReport(file, { sweep: { results: sweepResults, objective: 'sharpeRatio' }, runs }, { title: 'SMA crossover sweep on GOOG' });
    const { checks, errors, requests } = await open(file, 'sweep-report.png');
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    const byId = Object.fromEntries(checks.map((c) => [c.id, c]));
    expect(byId['chart-equity']!.points).toEqual([1047, 1047, 1047]);
    expect(byId['chart-parameters']!.points).toEqual([9]);
    for (const c of checks) expect(c.inked, c.id).toBeGreaterThan(0.02);
  });

  it('draws the stitched equity and the in-sample against out-of-sample chart of a walk-forward report', async () => {
    const wf = await walkForward({
      strategy,
      space: { fast: { choices: [5, 10] }, slow: { choices: [30, 60] }, instrument: { choices: ['GOOG.NASDAQ'] } },
      objective: { metric: 'sharpeRatio' },
      mode: 'rolling',
      inSample: { bars: 400 },
      outOfSample: { bars: 150 },
      warmupBars: 60,
      run: runJson,
    });
    const file = join(work, 'wf.html');
    writeReport(file, { walkForward: wf }, { title: 'SMA crossover walk-forward on GOOG' });
    const { checks, errors, requests } = await open(file, 'walk-forward-report.png');
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    const byId = Object.fromEntries(checks.map((c) => [c.id, c]));
    expect(byId['chart-folds']!.points).toEqual([wf.folds.length, wf.folds.length]);
    expect(byId['chart-equity']!.points).toEqual([wf.equityCurve.ts.length]);
    for (const c of checks) expect(c.inked, c.id).toBeGreaterThan(0.02);
  });
});

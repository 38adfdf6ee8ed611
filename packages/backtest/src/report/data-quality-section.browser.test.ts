/**
 * Opens a report with a data-quality section in headless Chromium (Debian's `chromium`, driven by
 * playwright-core) from a file:// URL with every non-file request blocked: no console or page errors,
 * the section is laid out inside the page's width, its severity badges are styled and its tables of
 * findings scroll inside their box. A screenshot of the section goes to
 * packages/backtest/.report-screenshots/data-quality-section.png.
 *
 * Skipped when /usr/bin/chromium is missing, unless RXTRADE_REQUIRE_SERVICES=1 (CI), where it fails.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataQualityReport, instrumentId, parseBarsCsv } from '@rxtrade/core';
import type { ReportableResult } from './report-input';
import { writeReport } from './write-report';

const CHROMIUM = '/usr/bin/chromium';
const required = process.env.RXTRADE_REQUIRE_SERVICES === '1';
const missing = !existsSync(CHROMIUM);
if (missing && !required) console.warn(`skipping the data-quality section browser test: ${CHROMIUM} is not installed (apt-get install -y chromium)`);

const fixtures = fileURLToPath(new URL('../search/__fixtures__/', import.meta.url));
const screenshots = fileURLToPath(new URL('../../.report-screenshots/', import.meta.url));

interface Layout {
  readonly sectionWidth: number;
  readonly pageWidth: number;
  readonly overflowing: number;
  readonly badges: Record<string, string>;
  readonly examplesHeight: number;
  readonly examplesScrollHeight: number;
}

// Runs in the page (as a string: the repo's type check has no DOM library).
const LAYOUT = `(() => {
  const section = document.getElementById('data-quality');
  const badges = {};
  for (const b of section.querySelectorAll('.dq')) badges[b.textContent] = getComputedStyle(b).backgroundColor;
  const boxes = Array.from(section.querySelectorAll('.dq-examples'));
  const tallest = boxes.reduce((a, b) => (b.scrollHeight > a.scrollHeight ? b : a), boxes[0]);
  return {
    sectionWidth: section.getBoundingClientRect().width,
    pageWidth: document.documentElement.clientWidth,
    overflowing: Array.from(section.children).filter((c) => c.getBoundingClientRect().right > section.getBoundingClientRect().right + 1).length,
    badges,
    examplesHeight: tallest.clientHeight,
    examplesScrollHeight: tallest.scrollHeight,
  };
})()`;

describe.skipIf(missing && !required)('the data-quality section in headless Chromium', () => {
  let browser: import('playwright-core').BrowserContext;
  let profile: string;
  const work = mkdtempSync(join(tmpdir(), 'rxtrade-dq-report-'));

  beforeAll(async () => {
    if (missing) throw new Error(`RXTRADE_REQUIRE_SERVICES=1 but ${CHROMIUM} is not installed`);
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

  it('lays out the checks and their findings offline, with no console or page errors', async () => {
    const bars = parseBarsCsv(readFileSync(join(fixtures, 'goog.csv'), 'utf8'), { instrumentId: instrumentId('GOOG.NASDAQ') }).bars;
    // Weekday sessions without holidays: 36 gaps (the NYSE holidays), 9 price jumps, 1 volume spike.
    const dataQuality = dataQualityReport(bars, { calendar: { type: 'session', timeZone: 'America/New_York', open: '09:30', close: '16:00' }, maxExamples: 50 });
    const result: ReportableResult = {
      summary: { fills: 0, orders: 0, startingCash: '100.34', finalEquity: String(bars.at(-1)!.close), totalFees: '0', totalReturn: 0, maxDrawdown: 0 },
      fills: [],
      equityCurve: { ts: bars.map((b) => b.ts), equity: bars.map((b) => b.close) },
      dataQuality,
    };
    const file = join(work, 'quality.html');
    writeReport(file, result, { title: 'GOOG closes', generatedAt: Date.UTC(2026, 0, 1) });

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
    const layout = (await page.evaluate(LAYOUT)) as Layout;
    const text = (await page.evaluate(`document.getElementById('data-quality').innerText`)) as string;
    mkdirSync(screenshots, { recursive: true });
    await page.locator('#data-quality').screenshot({ path: join(screenshots, 'data-quality-section.png') });
    await page.close();

    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    expect(layout.sectionWidth).toBeGreaterThan(900);
    expect(layout.sectionWidth).toBeLessThanOrEqual(layout.pageWidth);
    expect(layout.overflowing).toBe(0);
    // Each severity has its own colour; the examples of the 36 gaps scroll inside a box of 320 px.
    expect(new Set([layout.badges.ok, layout.badges.warning, layout.badges.info]).size).toBe(3);
    expect(layout.badges.warning).toBe('rgb(255, 244, 224)');
    expect(layout.examplesHeight).toBeLessThanOrEqual(320);
    expect(layout.examplesScrollHeight).toBeGreaterThan(layout.examplesHeight);
    expect(text).toMatch(/GOOG\.NASDAQ\s+WARNING\s*1,047 bars, 2004-08-19 to 2008-10-14; 1,084 expected, 37 missing/);
    expect(text).toMatch(/Price jumps\s+WARNING\s+9\s+\|log return/);
    expect(text).toMatch(/Gaps\s+WARNING\s*36\n/);
  });
});

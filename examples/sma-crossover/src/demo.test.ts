/** The demo's command line, run as a user runs it (`pnpm demo -- …`). */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const main = fileURLToPath(new URL('./main.ts', import.meta.url));
const goog = fileURLToPath(new URL('../fixtures/goog.csv', import.meta.url));
const run = (args: string[]): string =>
  execFileSync(process.execPath, ['--conditions=@rxtrade/source', '--import', 'tsx', main, ...args], { cwd: root, encoding: 'utf8' });

describe('demo CLI', () => {
  it('prints one JSON object with the golden figures for the golden flags', () => {
    const out = JSON.parse(run(['--data', goog, '--fast', '10', '--slow', '30', '--size', '100', '--commission', '0.002', '--cash', '100000', '--json']));
    expect(out.fills).toBe(31);
    expect(out.finalEquity).toBe('176251.036');
  });

  it('prints a readable summary on the S&P 500 by default', () => {
    const out = run([]);
    expect(out).toMatch(/sp500-2000\.csv: 5105 bars, 2000-01-03 to 2020-04-17/);
    expect(out).toMatch(/trades\s+\d+ fills/);
    expect(out).toMatch(/max drawdn\s+\d+\.\d\d%/);
  });

  it('fails with a message naming a bad flag', () => {
    expect(() => execFileSync(process.execPath, ['--conditions=@rxtrade/source', '--import', 'tsx', main, '--fast', 'ten'], { cwd: root, encoding: 'utf8', stdio: 'pipe' })).toThrow(
      /--fast must be a whole number/,
    );
  });
});

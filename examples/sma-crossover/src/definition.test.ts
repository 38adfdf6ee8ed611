/** The example's strategy module and configs, run through the `rxtrade` CLI as a user runs them. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '@rxtrade/core';
import { strategy } from './definition';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const cli = fileURLToPath(new URL('../../../packages/backtest/src/cli.ts', import.meta.url));
const config = fileURLToPath(new URL('../configs/run.json', import.meta.url));

describe('sma-crossover strategy module', () => {
  it('reproduces the golden figures through `rxtrade backtest --config configs/run.json --json`', async () => {
    const stdout = await new Promise<string>((done, fail) =>
      execFile(process.execPath, ['--conditions=@rxtrade/source', '--import', 'tsx', cli, 'backtest', '--config', config, '--json'], { cwd: root, encoding: 'utf8' }, (error, out) =>
        error ? fail(error) : done(out),
      ),
    );
    const out = JSON.parse(stdout);
    expect(out.strategy).toBe('sma-crossover');
    expect(out.summary.fills).toBe(31);
    expect(out.summary.finalEquity).toBe('176251.036');
  });

  it('rejects parameters that make no crossover, naming the parameter', () => {
    expect(() => strategy.pipeline({ fast: 30, slow: 10 })).toThrow(ValidationError);
    expect(() => strategy.pipeline({ fast: 30, slow: 10 })).toThrow(/params\.fast: must be below slow \(10\)/);
    expect(() => strategy.pipeline({ fast: 2.5, slow: 10 })).toThrow(/params\.fast: must be a whole number >= 1/);
  });
});

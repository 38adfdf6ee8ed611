/**
 * `rxtrade data ...` is handed to `@rxtrade/connectors/cli`, found from the current folder first. A
 * stand-in package in a scratch project shows what reaches it and what `rxtrade` says when the package
 * has no data commands; the real hand-over is tested in `@rxtrade/connectors` (src/cli/data-cli.test.ts).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { runCli } from './__fixtures__/run-cli';
import { findConnectorsCli } from './data-dispatch';

const work = mkdtempSync(join(tmpdir(), 'rxtrade-data-dispatch-'));
const cwd = process.cwd();
afterEach(() => process.chdir(cwd));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A project with a stand-in `@rxtrade/connectors` whose exports are `exports`. */
function project(name: string, exports: Record<string, unknown>, files: Record<string, string> = {}): string {
  const dir = join(work, name);
  const pkg = join(dir, 'node_modules', '@rxtrade', 'connectors');
  mkdirSync(pkg, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, private: true, type: 'module' }));
  writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: '@rxtrade/connectors', version: '9.9.9', type: 'module', exports: { '.': './index.js', './package.json': './package.json', ...exports } }));
  for (const [file, text] of Object.entries(files)) writeFileSync(join(pkg, file), text);
  return dir;
}

describe('rxtrade data', () => {
  it("hands the words after `data` and the streams to the project's @rxtrade/connectors/cli", async () => {
    const dir = project('with-cli', { './cli': { import: { types: './cli.d.ts', default: './cli.js' } } }, {
      'cli.js': "export async function dataMain(args, io) { io.stdout.write(JSON.stringify(args) + '\\n'); io.stderr.write('from the stand-in\\n'); return 7; }\n",
    });
    process.chdir(dir);
    const run = await runCli(['data', 'list', '--catalog', 'x y', '--json']);
    expect(run).toEqual({ code: 7, stdout: '["list","--catalog","x y","--json"]\n', stderr: 'from the stand-in\n' });
  });

  it('says in one line that the installed @rxtrade/connectors has no data commands', async () => {
    process.chdir(project('old', {}));
    const run = await runCli(['data', 'list']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^rxtrade data: the @rxtrade\/connectors in .*old\/node_modules\/@rxtrade\/connectors has no data commands \(no "\.\/cli" export\): update it/);
    expect(run.stderr.trim().split('\n')).toHaveLength(2);
  });

  it('finds nothing where @rxtrade/connectors is not installed, and the workspace package where it is given', () => {
    const empty = join(work, 'empty');
    mkdirSync(empty);
    expect(findConnectorsCli([empty], { source: false })).toBeUndefined();
    const workspace = join(cwd.endsWith('backtest') ? join(cwd, '..') : join(cwd, 'packages'), 'connectors');
    const found = findConnectorsCli([empty], { source: true, workspace });
    expect(found?.entry).toBe(join(workspace, 'src', 'cli', 'index.ts'));
  });

  it('lists `data` in the help', async () => {
    const run = await runCli(['--help']);
    expect(run.stdout).toMatch(/^ {2}rxtrade data +the market-data catalog: import, download, list, inspect, export/m);
  });
});

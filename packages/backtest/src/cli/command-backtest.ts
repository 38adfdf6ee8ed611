/**
 * `rxtrade backtest --config run.json [--out result.json] [--report report.html] [--json]`: runs one
 * backtest from a config file, prints a readable summary (or one JSON object with `--json`), and
 * optionally writes the full result as JSON and an HTML report.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { loadStrategy, runFromConfig } from '../search/evaluate-task';
import { resultToJson } from '../result';
import { writeReport } from '../report/write-report';
import { runSettingsFromConfig, withRunSettings } from '../report/run-settings';
import { BacktestFileConfigSchema } from './backtest-file-config';
import { defineCommand, type CliArgv, type CliOptions } from './cli-command';
import { println, UsageError, type CliIo } from './cli-io';
import { readConfigFile, resolveModule, resolvePath } from './read-config-file';
import { alignLines, runJson, runSummaryLines } from './summary-lines';

const options = {
  config: { alias: 'c', type: 'string', requiresArg: true, describe: 'the run config (required)' },
  out: { alias: 'o', type: 'string', requiresArg: true, describe: 'write the full result (orders, fills, trades, curves, metrics) as JSON' },
  report: { type: 'string', requiresArg: true, describe: 'write a self-contained HTML report' },
  title: { type: 'string', requiresArg: true, describe: 'title of the report' },
  json: { type: 'boolean', default: false, describe: 'print one JSON object on stdout instead of the summary' },
} as const satisfies CliOptions;

/**
 * `rxtrade backtest`: one backtest from a config file.
 *
 * @example
 * ```ts
 * const code = await main(['backtest', '--config', 'run.json', '--json'], processIo());
 * ```
 */
export const backtestCommand = defineCommand({
  name: 'backtest',
  summary: 'run one backtest from a config file',
  usage: `Usage: $0 backtest --config <run.json> [--out <result.json>] [--report <report.html>] [--title <text>] [--json]

Runs one backtest. The config names a strategy module and export, its params, and the run (data CSV files, instruments, ledger, venue, window); relative paths are relative to the config file.`,
  options,
  run: backtest,
});

async function backtest(values: CliArgv<typeof options>, io: CliIo): Promise<number> {
  if (!values.config) throw new UsageError('--config <run.json> is required');
  const { value: config, dir } = readConfigFile(values.config, BacktestFileConfigSchema);
  const run = { ...config.run, baseDir: resolvePath(config.run.baseDir ?? '.', dir) };
  const strategy = await loadStrategy({ module: resolveModule(config.strategy.module, dir), ...(config.strategy.export ? { export: config.strategy.export } : {}) });
  const quiet = values.json;
  if (!quiet && io.stderr.isTTY) io.stderr.write(`running ${strategy.name}…`);
  const started = io.clock.now();
  // The strategy, its parameters and the cost assumptions travel with the result, for `rxtrade report`.
  const result = withRunSettings(await runFromConfig(strategy.pipeline(config.params), run), runSettingsFromConfig({ strategy: strategy.name, parameters: config.params, run }));
  const seconds = (io.clock.now() - started) / 1000;
  if (!quiet && io.stderr.isTTY) io.stderr.write('\r\u001b[2K');

  const written: Record<string, string> = {};
  if (values.out) {
    const path = resolve(values.out);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${JSON.stringify(resultToJson(result))}\n`);
    written.result = path;
  }
  if (values.report) {
    const path = resolve(values.report);
    writeReport(path, result, { title: values.title ?? config.title ?? `${strategy.name} backtest`, subtitle: undefined, generatedAt: io.clock.now() });
    written.report = path;
  }
  if (values.json) {
    println(io.stdout, JSON.stringify({ command: 'backtest', strategy: strategy.name, params: config.params, ...runJson(result), seconds, files: written }));
    return 0;
  }
  const params = Object.entries(config.params)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
  println(io.stdout, `${strategy.name}${params ? `  ${params}` : ''}`);
  println(
    io.stdout,
    alignLines([
      ...runSummaryLines(result),
      ['time', `${seconds.toFixed(2)} s`],
      ['result', written.result],
      ['report', written.report],
    ]),
  );
  return 0;
}

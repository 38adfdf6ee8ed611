/**
 * `rxtrade replay <journal-dir> --strategy <module> --config <venue.json> [--export name] [--params json]
 * [--json] [--out file]`: re-simulates a live session from its journal with the same strategy and prints
 * where live and simulated P&L diverge, order by order (slippage, latency, fill quantity, fees, funding).
 */
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ValidationError } from '@rxtrade/core';
import { loadStrategy } from '../search/evaluate-task';
import type { Params } from '../search/types';
import { resultToJson } from '../result';
import { replaySession } from '../replay/replay-session';
import { ReplayFileConfigSchema, replayConfigFromFile } from '../replay/replay-file-config';
import { replayResultToJson, replayTable } from '../replay/replay-table';
import { defineCommand, type CliArgv, type CliOptions } from './cli-command';
import { println, UsageError, type CliIo } from './cli-io';
import { readConfigFile } from './read-config-file';

const options = {
  strategy: { alias: 's', type: 'string', requiresArg: true, describe: 'the strategy module (a path or a package) the live node ran (required)' },
  export: { type: 'string', requiresArg: true, describe: 'the export holding the StrategyDefinition (default: strategy)' },
  params: { type: 'string', requiresArg: true, describe: 'the strategy parameters, as a JSON object (default: {})' },
  config: { alias: 'c', type: 'string', requiresArg: true, describe: 'instruments, ledger, venue cost models and live funding, as JSON (required)' },
  out: { alias: 'o', type: 'string', requiresArg: true, describe: 'write the attribution and the simulation result as JSON' },
  json: { type: 'boolean', default: false, describe: 'print one JSON object on stdout instead of the table' },
} as const satisfies CliOptions;

/**
 * `rxtrade replay`: where a live session and its simulation diverge.
 *
 * @example
 * ```ts
 * const code = await main(['replay', 'var/journal', '--strategy', './strategy.ts', '--config', 'venue.json', '--json'], processIo());
 * ```
 */
export const replayCommand = defineCommand({
  name: 'replay',
  summary: 'replay a journaled live session and attribute its P&L difference from the simulation',
  usage: `Usage: $0 replay <journal-dir> --strategy <module> --config <venue.json> [--export <name>] [--params <json>] [--json] [--out <file>]

Runs the market data the live node recorded in its journal through a simulated venue with the same strategy, matches live and simulated orders by client order id (or by sequence), and splits simulated P&L - live P&L (positive: live did worse) into slippage, latency, fill quantity, fees and funding. Relative paths are relative to the working directory.`,
  positional: { name: 'journal-dir', describe: 'the journal directory of the live session' },
  options,
  run: replay,
});

async function replay(values: CliArgv<typeof options> & { readonly 'journal-dir'?: string }, io: CliIo): Promise<number> {
  const journalDir = values['journal-dir'];
  if (!journalDir) throw new UsageError('<journal-dir> is required: the journal directory of the live session');
  if (!values.strategy) throw new UsageError('--strategy <module> is required');
  if (!values.config) throw new UsageError('--config <venue.json> is required: it names the session\'s instruments and the venue\'s costs');
  const dir = resolve(journalDir);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`<journal-dir> ${JSON.stringify(journalDir)} is not a directory`);
  const params = parseParams(values.params);
  const { value: file } = readConfigFile(values.config, ReplayFileConfigSchema);
  // A module that exists as a path is loaded from it (relative to the working directory); otherwise it is a package name.
  const module = existsSync(resolve(values.strategy)) ? resolve(values.strategy) : values.strategy;
  const strategy = await loadStrategy({ module, ...(values.export ? { export: values.export } : {}) });

  const started = io.clock.now();
  const result = await replaySession(dir, strategy.pipeline(params), replayConfigFromFile(file));
  const seconds = (io.clock.now() - started) / 1000;

  const written: Record<string, string> = {};
  if (values.out) {
    const path = resolve(values.out);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${JSON.stringify({ ...replayResultToJson(result), simulation: resultToJson(result.simulation) })}\n`);
    written.result = path;
  }
  if (values.json) {
    println(io.stdout, JSON.stringify({ command: 'replay', journal: dir, strategy: strategy.name, params, ...replayResultToJson(result), seconds, files: written }));
    return 0;
  }
  println(io.stdout, `${strategy.name} on ${dir}`);
  println(io.stdout, replayTable(result));
  if (written.result) println(io.stdout, `result  ${written.result}`);
  return 0;
}

function parseParams(text: string | undefined): Params {
  if (text === undefined) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ValidationError([{ path: ['--params'], message: `not valid JSON: ${(e as Error).message}` }]);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ValidationError([{ path: ['--params'], message: 'must be a JSON object such as {"size": 2}' }]);
  return value as Params;
}

/**
 * The `rxtrade` command line: dispatches to a command and turns errors into messages and exit codes
 * (0 success, 1 a failed run, 2 a bad command line or config; a bad config's message names the file
 * and the field).
 */
import { RxTradeError, ValidationError } from '@rxtrade/core';
import { backtestCommand } from './command-backtest';
import { println, UsageError, type CliIo } from './cli-io';
import { reportCommand } from './command-report';
import { sweepCommand } from './command-sweep';
import { walkForwardCommand } from './command-walk-forward';
import { workerCommand } from './command-worker';

type Command = (args: readonly string[], io: CliIo) => Promise<number>;

const COMMANDS: Readonly<Record<string, { readonly run: Command; readonly summary: string }>> = {
  backtest: { run: backtestCommand, summary: 'run one backtest from a config file' },
  sweep: { run: sweepCommand, summary: 'search a parameter space (grid, random, genetic) in-process, on threads or on BullMQ' },
  'walk-forward': { run: walkForwardCommand, summary: 'optimize in-sample, test out-of-sample, fold by fold (rolling or anchored)' },
  report: { run: reportCommand, summary: 'write an HTML report from a result file' },
  worker: { run: workerCommand, summary: 'evaluate sweep tasks from a BullMQ queue (one per core, on any host)' },
};

/** @internal */
export function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return `Usage: rxtrade <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`)
  .join('\n')}

Run \`rxtrade <command> --help\` for a command's options.`;
}

/**
 * Runs the CLI with `args` (without `node` and the script) and resolves with the exit code.
 *
 * @example
 * ```ts
 * process.exitCode = await main(process.argv.slice(2), processIo());
 * ```
 */
export async function main(args: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = args;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    println(name === undefined ? io.stderr : io.stdout, usage());
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    println(io.stderr, `rxtrade: unknown command ${JSON.stringify(name)}\n\n${usage()}`);
    return 2;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      println(io.stderr, `rxtrade ${name}: ${e.message}${e.usage ? `\n\n${e.usage}` : ''}`);
      return 2;
    }
    if (e instanceof ValidationError) {
      println(io.stderr, `rxtrade ${name}: invalid input: ${e.message}`);
      return 2;
    }
    if (e instanceof RxTradeError) {
      println(io.stderr, `rxtrade ${name}: ${e.name} (${e.code}): ${e.message}`);
      return 1;
    }
    println(io.stderr, `rxtrade ${name}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return 1;
  }
}

/**
 * The `rxtrade` command line: parses flags, dispatches to a command and turns errors into messages and
 * exit codes (0 success, 1 a failed run, 2 a bad command line or config). A bad command line or config
 * is one line on stderr that names the flag, value, file or field, never a stack trace; an unexpected
 * error is one line too, with its stack only when `RXTRADE_DEBUG=1`.
 *
 * Flags are parsed by yargs. Of the maintained CLI libraries, yargs is the one that both generates the
 * help from the declared flags and writes a shell completion script (`rxtrade completion`: bash, zsh, fish)
 * that asks the same parser for candidates. commander generates help but leaves completion to other
 * packages (omelette, tabtab); cac is smaller still and has no completion. yargs also runs in-process
 * with its output captured (a parse callback instead of `process.exit`), so the tests call `main` with a
 * fake `CliIo` and start no process.
 */
import yargs, { type Argv, type FallbackCompletionFunction } from 'yargs';
import { RxTradeError, unknownOptionMessage, ValidationError } from '@rxtrade/core';
import type { CliCommand } from './cli-command';
import { println, UsageError, type CliIo } from './cli-io';
import { backtestCommand } from './command-backtest';
import { runDataCommand } from './data-dispatch';
import { reportCommand } from './command-report';
import { replayCommand } from './command-replay';
import { sweepCommand } from './command-sweep';
import { walkForwardCommand } from './command-walk-forward';
import { workerCommand } from './command-worker';

/** Every command, in the order `rxtrade --help` lists them. */
const COMMANDS: readonly CliCommand[] = [backtestCommand, sweepCommand, walkForwardCommand, reportCommand, replayCommand, workerCommand];

/**
 * The parser's settings. Flags are exactly the declared ones: no `--fooBar` twin of `--foo-bar`, no
 * `--a.b` objects, a repeated flag keeps its last value (as before), and no value is turned into a number
 * behind the command's back (`--title 2024` is the text "2024"; commands check their numbers themselves
 * so that the message can quote what was given).
 */
const PARSER_CONFIGURATION = {
  'camel-case-expansion': false,
  'dot-notation': false,
  'duplicate-arguments-array': false,
  'parse-numbers': false,
  'parse-positional-numbers': false,
  'strip-aliased': true,
} as const;

const MISSING_COMMAND = `missing command: one of ${COMMANDS.map((c) => c.name).join(', ')}, completion`;

/** A failure that yargs reported (unknown flag, missing value); translated into our message by `main`. */
class ParseFailure extends Error {}

function parser(io: CliIo, select: (command: CliCommand, argv: Readonly<Record<string, unknown>>) => void): Argv {
  let y = yargs()
    .scriptName('rxtrade')
    // yargs translates its texts by LANG; ours are in English, and so are the messages around them.
    .locale('en')
    .usage('Usage: $0 <command> [options]')
    .version(false)
    .help('help')
    .alias('help', 'h')
    .strict()
    // Also what makes yargs accept the `completion` command under strict().
    .demandCommand(1, MISSING_COMMAND)
    .showHelpOnFail(false)
    .exitProcess(false)
    .parserConfiguration(PARSER_CONFIGURATION)
    .wrap(Math.min(120, io.stdout.columns ?? 100))
    .epilog('Run `rxtrade <command> --help` for the options of a command.')
    .fail((message: string | null | undefined, error: Error | undefined) => {
      throw error instanceof UsageError ? error : new ParseFailure(message ?? error?.message ?? 'bad command line');
    });
  for (const command of COMMANDS) {
    y = y.command(
      command.positional ? `${command.name} [${command.positional.name}]` : command.name,
      command.summary,
      (b: Argv) => {
        let c = b.usage(command.usage).options(command.options);
        if (command.positional) c = c.positional(command.positional.name, { type: 'string', describe: command.positional.describe });
        return command.epilog ? c.epilog(command.epilog) : c;
      },
      (argv: Readonly<Record<string, unknown>>) => select(command, argv),
    );
  }
  // `rxtrade data ...` is handed to @rxtrade/connectors before parsing (see runDataCommand); listed here for the help.
  y = y.command('data', 'the market-data catalog: import, download, list, inspect, export, quality (needs @rxtrade/connectors)');
  // After the commands: yargs registers `completion` as one more command.
  return y.completion(
    'completion',
    'print a shell completion script for bash, zsh or fish (after $SHELL): rxtrade completion >> ~/.bashrc',
    withoutLetterAliases,
  );
}

/** yargs offers one-letter aliases as `--c`, beside the long flag: leave them out of the candidates. */
const withoutLetterAliases: FallbackCompletionFunction = (_current, _argv, completionFilter, done) => {
  completionFilter((_error, candidates) => done((candidates ?? []).filter((c) => !/^--[^-]$/.test(c))));
};

/**
 * Runs the CLI with `args` (without `node` and the script) and resolves with the exit code.
 *
 * @example
 * ```ts
 * process.exitCode = await main(process.argv.slice(2), processIo());
 * ```
 */
export async function main(args: readonly string[], io: CliIo): Promise<number> {
  // `pnpm rxtrade -- backtest …` passes the `--` on; `rxtrade help [command]` is `--help`.
  let words = args[0] === '--' ? args.slice(1) : [...args];
  if (words[0] === 'help') words = [...words.slice(1), '--help'];
  if (words[0] === 'data') {
    try {
      return await runDataCommand(words.slice(1), io);
    } catch (e) {
      return fail(io, 'rxtrade data', e, 'Run `rxtrade --help` for the commands.', io.env ?? process.env);
    }
  }
  const named = COMMANDS.find((c) => c.name === words[0]);
  const prefix = named ? `rxtrade ${named.name}` : 'rxtrade';
  const hint = named ? `Run \`rxtrade ${named.name} --help\` for its options.` : 'Run `rxtrade --help` for the commands.';
  const env = io.env ?? process.env;

  let selected: { command: CliCommand; argv: Readonly<Record<string, unknown>> } | undefined;
  let output = '';
  try {
    await parser(io, (command, argv) => {
      selected = { command, argv };
    }).parse(words, {}, (error: Error | null | undefined, _argv: unknown, text: string) => {
      if (error) throw error;
      output = text;
    });
  } catch (e) {
    return fail(io, prefix, e instanceof ParseFailure ? new UsageError(commandLineMessage(e.message, words, named)) : e, hint, env);
  }
  if (!selected) {
    // --help, `completion` and the completion script's queries print what yargs wrote.
    if (output !== '') {
      println(io.stdout, output);
      return 0;
    }
    return fail(io, prefix, new UsageError(MISSING_COMMAND), hint, env);
  }
  try {
    return await selected.command.run(selected.argv, io);
  } catch (e) {
    return fail(io, prefix, e, hint, env);
  }
}

/** Prints an error as one line (and a `--help` pointer after a bad command line); returns the exit code. */
function fail(io: CliIo, prefix: string, e: unknown, hint: string, env: Readonly<Record<string, string | undefined>>): number {
  const debug = env.RXTRADE_DEBUG === '1';
  if (e instanceof UsageError) {
    println(io.stderr, `${prefix}: ${oneLine(e.message)}`);
    println(io.stderr, hint);
    return 2;
  }
  if (e instanceof ValidationError) {
    println(io.stderr, `${prefix}: invalid input: ${oneLine(e.message)}`);
    return 2;
  }
  if (debug && e instanceof Error && e.stack) {
    println(io.stderr, `${prefix}: ${e.stack}`);
    return 1;
  }
  if (e instanceof RxTradeError) {
    println(io.stderr, `${prefix}: ${e.name} (${e.code}): ${oneLine(e.message)}`);
    return 1;
  }
  const what = e instanceof Error ? `${e.name === 'Error' ? '' : `${e.name}: `}${e.message}` : String(e);
  println(io.stderr, `${prefix}: ${oneLine(what)} (RXTRADE_DEBUG=1 prints the stack trace)`);
  return 1;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

/** yargs's message for a bad command line, as ours: the flag as typed, and the nearest known one. */
function commandLineMessage(message: string, words: readonly string[], command: CliCommand | undefined): string {
  const unknown = /^Unknown arguments?: (.+)$/.exec(message);
  if (unknown) {
    const parts = unknown[1]!.split(', ').map((key) => {
      if (!command && key === words[0]) return unknownOptionMessage(key, COMMANDS.map((c) => c.name)).replace(/^unknown option/, `unknown command ${JSON.stringify(key)}`);
      const typed = flagAsTyped(key, words);
      if (typed === undefined) return `unexpected argument ${JSON.stringify(key)}`;
      // A one-letter flag is a letter away from every other: suggest only for long ones.
      if (!typed.startsWith('--')) return `unknown option ${typed}`;
      return unknownOptionMessage(typed, knownFlags(command)).replace(/^unknown option/, `unknown option ${typed}`);
    });
    return parts.join('; ');
  }
  const noValue = /^Not enough arguments following: (.+)$/.exec(message);
  if (noValue) return `${noValue[1]!.length === 1 ? '-' : '--'}${noValue[1]} needs a value`;
  return message.charAt(0).toLowerCase() + message.slice(1);
}

/** How the user wrote a flag that yargs names by its key (`--confg`, `-x`), or undefined for a plain word. */
function flagAsTyped(key: string, words: readonly string[]): string | undefined {
  for (const w of words) {
    if (w === '--') break;
    if (w === `--${key}` || w.startsWith(`--${key}=`) || w === `--no-${key}`) return `--${key}`;
    if (w === `-${key}` || (key.length === 1 && /^-[^-]/.test(w) && w.includes(key))) return `-${key}`;
  }
  return words.includes(key) ? undefined : `--${key}`;
}

function knownFlags(command: CliCommand | undefined): string[] {
  const flags = ['--help'];
  for (const [name, o] of Object.entries(command?.options ?? {})) {
    flags.push(`--${name}`);
    for (const alias of [o.alias ?? []].flat()) flags.push(alias.length === 1 ? `-${alias}` : `--${alias}`);
  }
  return flags;
}

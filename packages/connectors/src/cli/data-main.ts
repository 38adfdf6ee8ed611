/**
 * `rxtrade data <import | download | list | inspect | export | quality>`: the market-data catalog from
 * the command line. The `rxtrade` command of `@rxtrade/backtest` hands `rxtrade data ...` over to
 * {@link dataMain} when `@rxtrade/connectors` is installed; the conventions are the `rxtrade` command's:
 * flags parsed by yargs strictly (an unknown flag is an error naming it and the nearest known one), a bad
 * command line or value is one line on stderr naming the flag, value or file and exit code 2, a failed
 * run is one line and exit code 1 (its stack only with `RXTRADE_DEBUG=1`), `--json` prints one JSON
 * object on stdout, and progress is drawn on stderr only when it is a terminal.
 */
import yargs, { type Argv } from 'yargs';
import { RxTradeError, unknownOptionMessage, ValidationError } from '@rxtrade/core';
import { isSecretKey, REDACTED, redactSecrets as redact } from '../live/observability/redact';
import type { DataCommand } from './data-command';
import { DataUsageError, println, type DataCliIo } from './data-io';
import { downloadCommand } from './command-download';
import { exportCommand } from './command-export';
import { importCommand } from './command-import';
import { inspectCommand } from './command-inspect';
import { listCommand } from './command-list';
import { qualityCommand } from './command-quality';

/**
 * Every `rxtrade data` subcommand, in the order `rxtrade data --help` lists them.
 *
 * @example
 * ```ts
 * console.log(DATA_COMMANDS.map((c) => c.name).join(' ')); // import download list inspect export quality
 * ```
 */
export const DATA_COMMANDS: readonly DataCommand[] = [importCommand, downloadCommand, listCommand, inspectCommand, exportCommand, qualityCommand];

const PARSER_CONFIGURATION = {
  'camel-case-expansion': false,
  'dot-notation': false,
  'duplicate-arguments-array': false,
  'parse-numbers': false,
  'parse-positional-numbers': false,
  'strip-aliased': true,
} as const;

const MISSING_COMMAND = `missing subcommand: one of ${DATA_COMMANDS.map((c) => c.name).join(', ')}`;

/** A failure that yargs reported (unknown flag, missing value); translated into our message. */
class ParseFailure extends Error {}

function parser(io: DataCliIo, select: (command: DataCommand, argv: Readonly<Record<string, unknown>>) => void): Argv {
  let y = yargs()
    .scriptName('rxtrade data')
    .locale('en')
    .usage('Usage: $0 <subcommand> [options]\n\nThe market-data catalog (a folder of Parquet files): import files, download history from an exchange, list, inspect, export and check what it holds.')
    .version(false)
    .help('help')
    .alias('help', 'h')
    .strict()
    .demandCommand(1, MISSING_COMMAND)
    .showHelpOnFail(false)
    .exitProcess(false)
    .parserConfiguration(PARSER_CONFIGURATION)
    .wrap(Math.min(120, io.stdout.columns ?? 100))
    .epilog('Run `rxtrade data <subcommand> --help` for the options of a subcommand.')
    .fail((message: string | null | undefined, error: Error | undefined) => {
      throw error instanceof DataUsageError ? error : new ParseFailure(message ?? error?.message ?? 'bad command line');
    });
  for (const command of DATA_COMMANDS) {
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
  return y;
}

/**
 * Runs `rxtrade data` with `args` (the words after `data`) and resolves with the exit code: 0 success,
 * 1 a failed run, 2 a bad command line, value or file.
 *
 * @example
 * ```ts
 * import { LiveClock } from '@rxtrade/core';
 * import { dataMain } from '@rxtrade/connectors/cli';
 *
 * const code = await dataMain(['list', '--catalog', 'data/catalog', '--json'], { stdout: process.stdout, stderr: process.stderr, clock: new LiveClock() });
 * ```
 */
export async function dataMain(args: readonly string[], io: DataCliIo): Promise<number> {
  let words = args[0] === '--' ? args.slice(1) : [...args];
  if (words[0] === 'help') words = [...words.slice(1), '--help'];
  const named = DATA_COMMANDS.find((c) => c.name === words[0]);
  const prefix = named ? `rxtrade data ${named.name}` : 'rxtrade data';
  const hint = named ? `Run \`rxtrade data ${named.name} --help\` for its options.` : 'Run `rxtrade data --help` for the subcommands.';
  const env = io.env ?? process.env;

  let selected: { command: DataCommand; argv: Readonly<Record<string, unknown>> } | undefined;
  let output = '';
  try {
    await parser(io, (command, argv) => {
      selected = { command, argv };
    }).parse(words, {}, (error: Error | null | undefined, _argv: unknown, text: string) => {
      if (error) throw error;
      output = text;
    });
  } catch (e) {
    return fail(io, prefix, e instanceof ParseFailure ? new DataUsageError(commandLineMessage(e.message, words, named)) : e, hint, env);
  }
  if (!selected) {
    if (output !== '') {
      println(io.stdout, output);
      return 0;
    }
    return fail(io, prefix, new DataUsageError(MISSING_COMMAND), hint, env);
  }
  try {
    return await selected.command.run(selected.argv, io);
  } catch (e) {
    return fail(io, prefix, e, hint, env);
  }
}

/** Prints an error as one line (and a `--help` pointer after a bad command line); returns the exit code. */
function fail(io: DataCliIo, prefix: string, e: unknown, hint: string, env: Readonly<Record<string, string | undefined>>): number {
  const debug = env['RXTRADE_DEBUG'] === '1';
  // Exchange keys come from the environment: no message prints one, whatever quoted it.
  const secrets = Object.entries(env).flatMap(([name, value]) => (value !== undefined && isSecretKey(name) ? [value] : []));
  const redactSecrets = (text: string): string => redact(text, secrets);
  // A message of ours names fields (`apiKey: ...`), which the patterns would take for secrets: only the
  // values of the environment's secrets are removed from it.
  const removeSecrets = (text: string): string => secrets.filter((v) => v.length >= 4).reduce((t, v) => t.split(v).join(REDACTED), text);
  if (e instanceof DataUsageError) {
    println(io.stderr, `${prefix}: ${oneLine(removeSecrets(e.message))}`);
    println(io.stderr, hint);
    return 2;
  }
  if (e instanceof ValidationError) {
    println(io.stderr, `${prefix}: invalid input: ${oneLine(removeSecrets(e.message))}`);
    return 2;
  }
  if (debug && e instanceof Error && e.stack) {
    println(io.stderr, `${prefix}: ${redactSecrets(e.stack)}`);
    return 1;
  }
  if (e instanceof RxTradeError) {
    println(io.stderr, `${prefix}: ${e.name} (${e.code}): ${oneLine(redactSecrets(e.message))}`);
    return 1;
  }
  const what = e instanceof Error ? `${e.name === 'Error' ? '' : `${e.name}: `}${e.message}` : String(e);
  println(io.stderr, `${prefix}: ${oneLine(redactSecrets(what))} (RXTRADE_DEBUG=1 prints the stack trace)`);
  return 1;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

/** yargs's message for a bad command line, as ours: the flag as typed, and the nearest known one. */
function commandLineMessage(message: string, words: readonly string[], command: DataCommand | undefined): string {
  const unknown = /^Unknown arguments?: (.+)$/.exec(message);
  if (unknown) {
    const parts = unknown[1]!.split(', ').map((key) => {
      if (!command && key === words[0]) return unknownOptionMessage(key, DATA_COMMANDS.map((c) => c.name)).replace(/^unknown option/, `unknown subcommand ${JSON.stringify(key)}`);
      const typed = flagAsTyped(key, words);
      if (typed === undefined) return `unexpected argument ${JSON.stringify(key)}`;
      if (!typed.startsWith('--')) return `unknown option ${typed}`;
      return unknownOptionMessage(typed, knownFlags(command)).replace(/^unknown option/, `unknown option ${typed}`);
    });
    return parts.join('; ');
  }
  const noValue = /^Not enough arguments following: (.+)$/.exec(message);
  if (noValue) return `${noValue[1]!.length === 1 ? '-' : '--'}${noValue[1]} needs a value`;
  const choice = /^Invalid values:\s*Argument: (\S+), Given: (.+), Choices: (.+)$/s.exec(message);
  if (choice) return `--${choice[1]}: ${choice[2]!.trim()} is not one of ${choice[3]!.replace(/"/g, '').trim()}`;
  return message.charAt(0).toLowerCase() + message.slice(1);
}

function flagAsTyped(key: string, words: readonly string[]): string | undefined {
  for (const w of words) {
    if (w === '--') break;
    if (w === `--${key}` || w.startsWith(`--${key}=`) || w === `--no-${key}`) return `--${key}`;
    if (w === `-${key}` || (key.length === 1 && /^-[^-]/.test(w) && w.includes(key))) return `-${key}`;
  }
  return words.includes(key) ? undefined : `--${key}`;
}

function knownFlags(command: DataCommand | undefined): string[] {
  const flags = ['--help'];
  for (const [name, o] of Object.entries(command?.options ?? {})) {
    flags.push(`--${name}`);
    for (const alias of [o.alias ?? []].flat()) flags.push(alias.length === 1 ? `-${alias}` : `--${alias}`);
  }
  return flags;
}

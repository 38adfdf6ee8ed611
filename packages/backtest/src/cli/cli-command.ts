/**
 * How an `rxtrade` command is declared: its name, the text of its `--help`, its flags as yargs options
 * (yargs generates the help, the completions and the unknown-flag check from them) and the function that
 * runs it with the parsed flags. `main` registers every command with yargs.
 */
import type { InferredOptionTypes, Options } from 'yargs';
import type { CliIo } from './cli-io';

/** A command's flags: yargs options by long name. */
export type CliOptions = Readonly<Record<string, Options>>;

/** The flags a command receives, typed from its options, with yargs's `_` (the words before them). */
export type CliArgv<O extends CliOptions> = InferredOptionTypes<O> & { readonly _: ReadonlyArray<string | number> };

/** A declared `rxtrade` command (see {@link defineCommand}). */
export interface CliCommand {
  /** The word that selects it: `rxtrade <name>`. */
  readonly name: string;
  /** One line in `rxtrade --help`. */
  readonly summary: string;
  /** The top of `rxtrade <name> --help`: the usage line (`$0` is `rxtrade`) and what the command does. */
  readonly usage: string;
  /** The bottom of `rxtrade <name> --help`. */
  readonly epilog?: string;
  /** A positional argument, optional to yargs (the command says what is missing, naming it). */
  readonly positional?: { readonly name: string; readonly describe: string };
  readonly options: CliOptions;
  /** Runs the command; resolves with the exit code. */
  run(argv: Readonly<Record<string, unknown>>, io: CliIo): Promise<number>;
}

/**
 * Declares a command; `run` receives its flags typed from `options`.
 *
 * @example
 * ```ts
 * export const helloCommand = defineCommand({
 *   name: 'hello',
 *   summary: 'greet someone',
 *   usage: 'Usage: $0 hello --name <text>',
 *   options: { name: { type: 'string', requiresArg: true, describe: 'who to greet' } },
 *   async run(argv, io) {
 *     println(io.stdout, `hello ${argv.name ?? 'world'}`);
 *     return 0;
 *   },
 * });
 * ```
 */
export function defineCommand<const O extends CliOptions>(
  command: Omit<CliCommand, 'options' | 'run'> & { readonly options: O; run(argv: CliArgv<O>, io: CliIo): Promise<number> },
): CliCommand {
  return command as unknown as CliCommand;
}

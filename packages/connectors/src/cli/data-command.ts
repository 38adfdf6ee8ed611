/**
 * How a `rxtrade data` subcommand is declared: its name, the text of its `--help`, its flags as yargs
 * options (yargs generates the help and the unknown-flag check from them) and the function that runs it.
 * The same shape as the `rxtrade` command's own commands.
 */
import type { InferredOptionTypes, Options } from 'yargs';
import type { DataCliIo } from './data-io';

/** A subcommand's flags: yargs options by long name. */
export type DataCliOptions = Readonly<Record<string, Options>>;

/** The flags a subcommand receives, typed from its options. */
export type DataCliArgv<O extends DataCliOptions> = InferredOptionTypes<O> & { readonly _: ReadonlyArray<string | number> };

/**
 * A declared `rxtrade data` subcommand (see {@link defineDataCommand}).
 *
 * @example
 * ```ts
 * for (const c of DATA_COMMANDS) console.log(c.name, c.summary);
 * ```
 */
export interface DataCommand {
  /** The word that selects it: `rxtrade data <name>`. */
  readonly name: string;
  /** One line in `rxtrade data --help`. */
  readonly summary: string;
  /** The top of `rxtrade data <name> --help` (`$0` is `rxtrade data`). */
  readonly usage: string;
  /** The bottom of `rxtrade data <name> --help`. */
  readonly epilog?: string;
  /** A positional argument, optional to yargs (the command says what is missing, naming it). */
  readonly positional?: { readonly name: string; readonly describe: string };
  readonly options: DataCliOptions;
  /** Runs the subcommand; resolves with the exit code. */
  run(argv: Readonly<Record<string, unknown>>, io: DataCliIo): Promise<number>;
}

/**
 * Declares a subcommand; `run` receives its flags typed from `options`.
 *
 * @example
 * ```ts
 * const hello = defineDataCommand({
 *   name: 'hello',
 *   summary: 'greet',
 *   usage: 'Usage: $0 hello',
 *   options: { json: { type: 'boolean', default: false } },
 *   async run(argv, io) {
 *     io.stdout.write(argv.json ? '{}\n' : 'hello\n');
 *     return 0;
 *   },
 * });
 * ```
 */
export function defineDataCommand<const O extends DataCliOptions>(
  command: Omit<DataCommand, 'options' | 'run'> & { readonly options: O; run(argv: DataCliArgv<O>, io: DataCliIo): Promise<number> },
): DataCommand {
  return command as unknown as DataCommand;
}

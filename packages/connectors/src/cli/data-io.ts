/**
 * What a `rxtrade data` command talks to: its output streams, the wall clock and the environment. The
 * shape is the `rxtrade` command's own (`CliIo` in `@rxtrade/backtest`), so that `rxtrade data ...`
 * hands its streams over unchanged; it is declared here because `@rxtrade/connectors` does not depend on
 * `@rxtrade/backtest`.
 */
import { LiveClock, type Clock } from '@rxtrade/core';

/**
 * Where output goes: a stream-like sink, whether it is a terminal, and its width.
 *
 * @example
 * ```ts
 * const sink: DataCliSink = { write: (text: string) => process.stdout.write(text), isTTY: process.stdout.isTTY };
 * ```
 */
export interface DataCliSink {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/**
 * The input and output of `rxtrade data`.
 *
 * @example
 * ```ts
 * const io: DataCliIo = { stdout: process.stdout, stderr: process.stderr, clock: new LiveClock(), env: process.env };
 * ```
 */
export interface DataCliIo {
  /** Results, and the one JSON object of `--json`. */
  readonly stdout: DataCliSink;
  /** Progress and messages. */
  readonly stderr: DataCliSink;
  readonly clock: Clock;
  /** Environment variables (`RXTRADE_CATALOG`, exchange keys, `RXTRADE_DEBUG`); `process.env` when absent. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Folder that relative paths are resolved against; `process.cwd()` when absent. */
  readonly cwd?: string;
}

/**
 * The process's streams, the wall clock and the environment.
 *
 * @example
 * ```ts
 * process.exitCode = await dataMain(process.argv.slice(2), dataProcessIo());
 * ```
 */
export function dataProcessIo(): DataCliIo {
  return { stdout: process.stdout, stderr: process.stderr, clock: new LiveClock(), env: process.env };
}

/** Writes a line to a sink. */
export function println(sink: DataCliSink, text = ''): void {
  sink.write(`${text}\n`);
}

/**
 * A bad command line (unknown flag, missing or bad value): printed as one line, then a line that points at
 * `--help`; the exit code is 2.
 *
 * @example
 * ```ts
 * throw new DataUsageError('--instrument <id> is required');
 * ```
 */
export class DataUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataUsageError';
  }
}

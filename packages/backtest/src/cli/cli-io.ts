/** What a CLI command talks to: its output streams and the wall clock (a core `LiveClock`). */
import { LiveClock, type Clock } from '@rxtrade/core';
import type { ProgressSink } from './progress';

/** The CLI's input and output. */
export interface CliIo {
  /** Standard output (results, `--json`). */
  readonly stdout: ProgressSink;
  /** Standard error (progress, messages). */
  readonly stderr: ProgressSink;
  readonly clock: Clock;
}

/**
 * The process's streams and the wall clock.
 *
 * @example
 * ```ts
 * const code = await main(process.argv.slice(2), processIo());
 * ```
 */
export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, clock: new LiveClock() };
}

/**
 * Writes a line to a sink.
 *
 * @example
 * ```ts
 * println(io.stdout, 'done');
 * ```
 */
export function println(sink: ProgressSink, text = ''): void {
  sink.write(`${text}\n`);
}

/**
 * Thrown for a bad command line (unknown flag, missing argument): exit code 2 with the usage.
 *
 * @example
 * ```ts
 * throw new UsageError('--config <run.json> is required', BACKTEST_USAGE);
 * ```
 */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly usage?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

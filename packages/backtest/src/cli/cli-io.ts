/** What a CLI command talks to: its output streams, the wall clock (a core `LiveClock`) and the environment. */
import { LiveClock, type Clock } from '@rxtrade/core';
import type { ProgressSink } from './progress';

/** The CLI's input and output. */
export interface CliIo {
  /** Standard output (results, `--json`). */
  readonly stdout: ProgressSink;
  /** Standard error (progress, messages). */
  readonly stderr: ProgressSink;
  readonly clock: Clock;
  /** Environment variables (`REDIS_URL`, `RXTRADE_DEBUG`); `process.env` when absent. */
  readonly env?: Readonly<Record<string, string | undefined>>;
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
  return { stdout: process.stdout, stderr: process.stderr, clock: new LiveClock(), env: process.env };
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
 * Thrown for a bad command line (unknown flag, missing or bad value): `main` prints the message as one
 * line, then a line that points at `--help`, and exits with code 2.
 *
 * @example
 * ```ts
 * throw new UsageError('--config <run.json> is required');
 * ```
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

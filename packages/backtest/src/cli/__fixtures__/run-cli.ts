/** Runs the `rxtrade` command line in this process, with its output captured (the CLI tests' way in). */
import { LiveClock } from '@rxtrade/core';
import { main } from '../main';

/** What a run of the command line printed, and its exit code. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** `main(args)` with captured stdout/stderr (stderr a terminal when `tty`), the wall clock and `env`. */
export async function runCli(args: readonly string[], options: { env?: Record<string, string>; tty?: boolean } = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: { write: (t: string) => (stdout += t), isTTY: false },
    stderr: { write: (t: string) => (stderr += t), isTTY: options.tty === true, columns: 100 },
    clock: new LiveClock(),
    env: options.env ?? {},
  });
  return { code, stdout, stderr };
}

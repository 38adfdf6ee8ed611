#!/usr/bin/env node
/**
 * The `rxtrade` command: `rxtrade backtest | sweep | walk-forward | report | worker | completion`. See
 * docs/report-and-cli.md.
 */
import { processIo } from './cli/cli-io';
import { main } from './cli/main';

// `rxtrade completion | head` closes the pipe early: stop quietly, as other command-line tools do.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

main(process.argv.slice(2), processIo()).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // main turns every error into a message and an exit code; this is the last line of defence.
    const debug = process.env.RXTRADE_DEBUG === '1';
    process.stderr.write(`rxtrade: ${error instanceof Error ? (debug ? (error.stack ?? error.message) : error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);

#!/usr/bin/env node
/**
 * The `rxtrade` command: `rxtrade backtest | sweep | walk-forward | report | worker`. See
 * docs/report-and-cli.md.
 */
import { processIo } from './cli/cli-io';
import { main } from './cli/main';

main(process.argv.slice(2), processIo()).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);

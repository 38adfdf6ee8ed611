/**
 * The command line: runs the ensemble on the S&P 500 and prints the figures of the out-of-sample
 * period, or one JSON object with `--json`; `--report <file.html>` also writes the HTML tearsheet.
 *
 *   npx -y pnpm@10 --filter @rxtrade/example-ml-ensemble start [-- flags]
 *
 * Flags: --quick (2000 to mid-2006: three versions of each model, seconds), --json, --report <path>,
 * --cash N, --commission F, --threshold F, --target-volatility F, --epochs N, --help. Progress (each
 * version trained) goes to stderr. Exit codes: 0 success, 1 a failed run, 2 a bad command line (one
 * line on stderr that names the flag).
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { unknownOptionMessage } from '@rxtrade/core';
import { runEnsemble, type EnsembleRun } from './ensemble';
import { formatFigures, writeEnsembleReport } from './report';

/** Where the command writes. */
export interface CliIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
}

/** A bad command line: one line on stderr, exit code 2. */
class UsageError extends Error {}

const OPTIONS = {
  quick: { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
  report: { type: 'string' },
  cash: { type: 'string' },
  commission: { type: 'string' },
  threshold: { type: 'string' },
  'target-volatility': { type: 'string' },
  epochs: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

const HELP = `Usage: npx -y pnpm@10 --filter @rxtrade/example-ml-ensemble start [-- options]

A CNN+LSTM (trained here) and XGBoost (committed versions) retrained walk-forward on S&P 500 daily bars,
combined by the decision stage and backtested; prints each model's hit rate and the ensemble's against
buy-and-hold.

  --quick                   2000 to mid-2006 only: three versions of each model (seconds)
  --json                    one JSON object instead of the summary
  --report <file.html>      also write the HTML tearsheet
  --cash N                  starting cash (default 100000)
  --commission F            commission, a fraction of notional (default 0.0005)
  --threshold F             decisions weaker than F are flat (default 0.1)
  --target-volatility F     annualized volatility the position aims at (default 0.1)
  --epochs N                CNN+LSTM training epochs per version (default 4, 2 with --quick)
  -h, --help                this text
`;

function numberFlag(name: string, text: string | undefined, check: (v: number) => boolean, what: string): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v) || !check(v)) throw new UsageError(`--${name} must be ${what}, got ${JSON.stringify(text)}`);
  return v;
}

/**
 * The JSON form of a run's figures (no timings: the same run prints the same bytes).
 *
 * @example
 * ```ts
 * console.log(JSON.stringify(runJson(await runEnsemble({ quick: true }))));
 * ```
 */
export function runJson(run: EnsembleRun): Record<string, unknown> {
  return {
    data: 'sp500-2000.csv',
    bars: run.bars.length,
    versions: { cnnLstm: run.cnn.versions.length, xgboost: run.xgboost.versions.length },
    ...run.figures,
  };
}

/**
 * Runs the command with `args` (without `node` and the script); resolves with the exit code.
 *
 * @example
 * ```ts
 * process.exitCode = await main(['--quick', '--json']);
 * ```
 */
export async function main(args: readonly string[], io: CliIo = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  try {
    return await run(args[0] === '--' ? args.slice(1) : args, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr.write(`ml-ensemble: ${e.message}\nRun it with --help for its flags.\n`);
      return 2;
    }
    io.stderr.write(`ml-ensemble: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}

async function run(args: readonly string[], io: CliIo): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args: [...args], options: OPTIONS, strict: true, allowPositionals: false }));
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const unknown = /Unknown option '([^']+)'/.exec(message);
    if (unknown) throw new UsageError(`${unknownOptionMessage(unknown[1]!, Object.keys(OPTIONS).map((k) => `--${k}`)).replace(/^unknown option/, `unknown option ${unknown[1]}`)}`);
    throw new UsageError(message.split('\n')[0]!.replace(/\.$/, ''));
  }
  if (values.help) {
    io.stdout.write(HELP);
    return 0;
  }
  const cash = numberFlag('cash', values.cash, (v) => v > 0, 'a number > 0');
  const commission = numberFlag('commission', values.commission, (v) => v >= 0 && v < 0.1, 'a fraction in [0, 0.1)');
  const threshold = numberFlag('threshold', values.threshold, (v) => v >= 0 && v <= 1, 'a number in [0, 1]');
  const targetVolatility = numberFlag('target-volatility', values['target-volatility'], (v) => v > 0 && v <= 2, 'a number in (0, 2]');
  const epochs = numberFlag('epochs', values.epochs, (v) => Number.isInteger(v) && v >= 1 && v <= 100, 'a whole number from 1 to 100');
  const started = performance.now();
  const result = await runEnsemble({
    quick: values.quick,
    ...(cash === undefined ? {} : { cash }),
    ...(commission === undefined ? {} : { commission }),
    ...(threshold === undefined ? {} : { threshold }),
    ...(targetVolatility === undefined ? {} : { targetVolatility }),
    ...(epochs === undefined ? {} : { cnn: { epochs } }),
    onProgress: (line) => io.stderr.write(`${line}\n`),
  });
  if (values.report !== undefined) {
    writeEnsembleReport(values.report, result, { quick: values.quick ? 'yes' : 'no', threshold: threshold ?? 0.1, targetVolatility: targetVolatility ?? 0.1 }, commission ?? 0.0005);
    io.stderr.write(`report: ${values.report}\n`);
  }
  if (values.json) {
    io.stdout.write(`${JSON.stringify(runJson(result))}\n`);
    return 0;
  }
  io.stdout.write(`CNN+LSTM and XGBoost on the S&P 500 (${result.bars.length} daily bars), retrained every 250 days on the last 1,000\n`);
  io.stdout.write(`versions: cnn-lstm ${result.cnn.versions.length} (trained here in ${result.cnnTrainingSeconds.toFixed(1)} s), xgboost ${result.xgboost.versions.length} (committed); run took ${((performance.now() - started) / 1000).toFixed(1)} s\n\n`);
  io.stdout.write(`${formatFigures(result.figures)}\n`);
  return 0;
}

/** Run as a script (`pnpm start`, `tsx src/main.ts`), not when a test imports `main`. */
function isEntry(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntry()) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}

/**
 * The demo: an SMA(10)/SMA(30) crossover backtest on real S&P 500 daily data (vega-datasets), with a
 * readable summary. Flags: --data <csv> --fast N --slow N --size N --commission F --cash N --json, and
 * --take-profit F --stop-loss F (fractions, both together) to trade brackets instead of reversals;
 * --help lists them. Flags are parsed by yargs, as in the `rxtrade` command line.
 *
 * Exit codes: 0 success, 1 a failed run, 2 a bad command line or input file (one line on stderr that
 * names the flag, the value or the file).
 */
import { createRequire } from 'node:module';
import { realpathSync, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import yargs from 'yargs';
import { tap, type Observable } from 'rxjs';
import { defineInstrument, instrumentId, RxTradeError, unknownOptionMessage, ValidationError, type Bar, type InstrumentId, type Pipeline } from '@rxtrade/core';
import { readBarsCsv } from '@rxtrade/connectors';
import { runBacktest } from '@rxtrade/backtest';
import { smaBracket, smaCrossover } from './strategy';

/** Where the demo writes, and the environment it reads (`RXTRADE_DEBUG`). */
export interface DemoIo {
  readonly stdout: { write(text: string): unknown; readonly columns?: number };
  readonly stderr: { write(text: string): unknown };
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** A bad command line: one line on stderr, exit code 2. */
class UsageError extends Error {}

function defaultData(): string {
  // vega-datasets exports only its JS entry; the CSVs sit beside it in the package.
  const entry = createRequire(import.meta.url).resolve('vega-datasets');
  return resolve(dirname(entry), '..', 'data', 'sp500-2000.csv');
}

function numberFlag(name: string, text: string | undefined, fallback: number, integer = false, min = 0): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < min || (integer && !Number.isInteger(value)))
    throw new UsageError(`--${name} must be a ${integer ? 'whole ' : ''}number >= ${min}, got ${JSON.stringify(text)}`);
  return value;
}

const OPTIONS = {
  data: { type: 'string', requiresArg: true, describe: 'an OHLCV CSV with a date column', defaultDescription: 'S&P 500 daily, 2000 to 2020' },
  fast: { type: 'string', requiresArg: true, describe: 'fast SMA period', defaultDescription: '10' },
  slow: { type: 'string', requiresArg: true, describe: 'slow SMA period', defaultDescription: '30' },
  size: { type: 'string', requiresArg: true, describe: 'target position, ±N units', defaultDescription: '10' },
  commission: { type: 'string', requiresArg: true, describe: 'commission as a fraction of notional', defaultDescription: '0.002' },
  cash: { type: 'string', requiresArg: true, describe: 'starting cash', defaultDescription: '100000' },
  'take-profit': { type: 'string', requiresArg: true, describe: 'with --stop-loss: trade brackets, take profit at this fraction of the close' },
  'stop-loss': { type: 'string', requiresArg: true, describe: 'with --take-profit: stop loss at this fraction of the close' },
  json: { type: 'boolean', default: false, describe: 'print one JSON object instead of the summary' },
} as const;

const USAGE = `Usage: node examples/sma-crossover/scripts/demo.mjs [options]
or: npx -y pnpm@10 demo [--] [options]

Backtests an SMA crossover (one market order reversing through zero on each cross) and prints trades, fees, final equity, total return and maximum drawdown.`;

/**
 * Runs the demo with `args` (without `node` and the script); resolves with the exit code.
 *
 * @example
 * ```ts
 * process.exitCode = await main(['--data', 'examples/sma-crossover/fixtures/goog.csv', '--size', '100', '--json']);
 * ```
 */
export async function main(args: readonly string[], io: DemoIo = { stdout: process.stdout, stderr: process.stderr, env: process.env }): Promise<number> {
  // `pnpm demo -- --json` passes the `--` on.
  const words = args[0] === '--' ? args.slice(1) : [...args];
  try {
    return await run(words, io);
  } catch (e) {
    return fail(e, io);
  }
}

async function run(words: readonly string[], io: DemoIo): Promise<number> {
  const probe = startupProbe(io);
  probe?.('main');
  let help = '';
  const values = await yargs()
    .scriptName('demo')
    // yargs translates its texts by LANG; the demo speaks English.
    .locale('en')
    .usage(USAGE)
    .options(OPTIONS)
    .version(false)
    .help('help')
    .alias('help', 'h')
    .strict()
    .showHelpOnFail(false)
    .exitProcess(false)
    .parserConfiguration({ 'camel-case-expansion': false, 'dot-notation': false, 'duplicate-arguments-array': false, 'parse-numbers': false, 'parse-positional-numbers': false })
    .wrap(Math.min(120, io.stdout.columns ?? 100))
    .fail((message: string | null | undefined, error: Error | undefined) => {
      throw new UsageError(commandLineMessage(message ?? error?.message ?? 'bad command line', words));
    })
    .parse(words, {}, (error: Error | null | undefined, _argv: unknown, output: string) => {
      if (error) throw error;
      help = output;
    });
  if (help !== '') {
    io.stdout.write(`${help}\n`);
    return 0;
  }
  const out = (line: string): void => {
    io.stdout.write(`${line}\n`);
  };

  const path = values.data ?? defaultData();
  const fast = numberFlag('fast', values.fast, 10, true, 1);
  const slow = numberFlag('slow', values.slow, 30, true, 1);
  // On the S&P 500 (1,400 to 3,400) ±10 units keep the position within the 100,000 of cash; the golden
  // test passes --size 100 for GOOG.
  const size = numberFlag('size', values.size, 10);
  const commission = numberFlag('commission', values.commission, 0.002);
  const cash = values.cash ?? '100000';
  numberFlag('cash', cash, 0);
  if ((values['take-profit'] === undefined) !== (values['stop-loss'] === undefined)) throw new UsageError('--take-profit and --stop-loss go together');
  const takeProfit = numberFlag('take-profit', values['take-profit'], 0);
  const stopLoss = numberFlag('stop-loss', values['stop-loss'], 0);
  try {
    if (!statSync(path).isFile()) throw new UsageError(`--data ${path}: not a file`);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`--data ${path}: no such file`);
  }

  const symbol = basename(path).replace(/\.[^.]+$/, '').toUpperCase();
  const id = instrumentId(`${symbol}.DATA`);
  const { bars, pricePrecision } = readBarsCsv(path, { instrumentId: id });
  probe?.('data');
  const instrument = defineInstrument({
    id,
    symbol,
    venue: 'DATA',
    assetClass: 'stock',
    base: symbol,
    quote: 'USD',
    tickSize: `1e-${pricePrecision}`,
    lotSize: '1',
  });
  const strategy = values['take-profit'] === undefined ? smaCrossover({ instrumentId: id, fast, slow, size }) : smaBracket({ instrumentId: id, fast, slow, size, takeProfit, stopLoss });
  const pipeline = probe ? probeFirstBar(strategy, probe) : strategy;
  const result = await runBacktest(pipeline, {
    data: bars,
    instruments: [instrument],
    ledger: { startingCash: cash },
    venue: { commission },
    strategyId: 'sma-crossover',
  });
  const s = result.summary;
  if (values.json) {
    out(
      JSON.stringify({
        data: basename(path),
        bars: bars.length,
        fills: s.fills,
        orders: s.orders,
        finalEquity: s.finalEquity.toString(),
        totalFees: s.totalFees.toString(),
        totalReturn: s.totalReturn,
        maxDrawdown: s.maxDrawdown,
      }),
    );
    return 0;
  }
  const first = new Date(bars[0]!.ts).toISOString().slice(0, 10);
  const last = new Date(bars[bars.length - 1]!.ts).toISOString().slice(0, 10);
  const pct = (x: number): string => `${(x * 100).toFixed(2)}%`;
  const money = (d: { toFixed(n: number): string }): string => Number(d.toFixed(2)).toLocaleString('en-US', { minimumFractionDigits: 2 });
  out(`SMA(${fast})/SMA(${slow}) crossover, target ±${size}, commission ${pct(commission)}`);
  out(`data        ${basename(path)}: ${bars.length} bars, ${first} to ${last}`);
  out(`trades      ${s.fills} fills from ${s.orders} orders`);
  out(`fees        ${money(s.totalFees)}`);
  out(`equity      ${money(s.startingCash)} -> ${money(s.finalEquity)}`);
  out(`return      ${pct(s.totalReturn)}`);
  out(`max drawdn  ${pct(s.maxDrawdown)}`);
  const recent = result.fills.slice(-3);
  if (recent.length > 0) {
    out('last fills');
    for (const f of recent) out(`  ${new Date(f.ts).toISOString().slice(0, 10)} ${f.side.padEnd(4)} ${f.quantity.toString().padStart(6)} @ ${f.price.toString()}`);
  }
  return 0;
}

/** Where the startup probe reports: the demo entered, the bars read, the first bar in the pipeline. */
type StartupMark = 'main' | 'data' | 'first-bar';

/**
 * The startup probe (`RXTRADE_PROFILE_STARTUP=1`): one line on stderr at each mark, with this process's
 * CPU time (user + system) and wall time since it started, in milliseconds:
 *
 *   rxtrade-startup main cpu-ms=… user-ms=… system-ms=… wall-ms=… pid=…
 *
 * `main` when the demo's code starts (its modules are loaded), `data` when the CSV is read, `first-bar`
 * when the first bar reaches the pipeline. With `RXTRADE_PROFILE_STARTUP=stop` the process stops itself
 * (SIGSTOP) after `first-bar` until it is continued, so that a benchmark reads the CPU time of every
 * process of the command (npx, pnpm, node) at that moment: `bench/startup.bench.ts` does. Without the
 * variable there is no probe, and the pipeline runs as it is.
 */
function startupProbe(io: DemoIo): ((mark: StartupMark) => void) | undefined {
  const mode = (io.env ?? process.env).RXTRADE_PROFILE_STARTUP;
  if (mode !== '1' && mode !== 'stop') return undefined;
  return (mark) => {
    const cpu = process.cpuUsage();
    const ms = (us: number): string => (us / 1000).toFixed(1);
    io.stderr.write(`rxtrade-startup ${mark} cpu-ms=${ms(cpu.user + cpu.system)} user-ms=${ms(cpu.user)} system-ms=${ms(cpu.system)} wall-ms=${performance.now().toFixed(1)} pid=${process.pid}\n`);
    if (mark === 'first-bar' && mode === 'stop') process.kill(process.pid, 'SIGSTOP');
  };
}

/** `pipeline`, with `probe('first-bar')` when the first bar reaches it. */
function probeFirstBar(pipeline: Pipeline, probe: (mark: StartupMark) => void): Pipeline {
  return (ctx) => {
    let first = true;
    const bars = (instrument?: InstrumentId): Observable<Bar> =>
      ctx.market.bars(instrument).pipe(
        tap(() => {
          if (!first) return;
          first = false;
          probe('first-bar');
        }),
      );
    return pipeline({ ...ctx, market: { bars, quotes: (i) => ctx.market.quotes(i), trades: (i) => ctx.market.trades(i), books: (i) => ctx.market.books(i) } });
  };
}

/** One line on stderr (the stack too under `RXTRADE_DEBUG=1`); returns the exit code. */
function fail(e: unknown, io: DemoIo): number {
  const line = (text: string): void => {
    io.stderr.write(`demo: ${text.replace(/\s*\n\s*/g, ' ')}\n`);
  };
  if (e instanceof UsageError) {
    line(e.message);
    io.stderr.write('Run the demo with --help for its flags.\n');
    return 2;
  }
  if (e instanceof ValidationError) {
    line(`invalid input: ${e.message}`);
    return 2;
  }
  if ((io.env ?? process.env).RXTRADE_DEBUG === '1' && e instanceof Error && e.stack) {
    io.stderr.write(`demo: ${e.stack}\n`);
    return 1;
  }
  if (e instanceof RxTradeError) line(`${e.name}: ${e.message}`);
  else line(`${e instanceof Error ? e.message : String(e)} (RXTRADE_DEBUG=1 prints the stack trace)`);
  return 1;
}

/** yargs's message for a bad command line, as ours: the flag as typed, and the nearest known one. */
function commandLineMessage(message: string, words: readonly string[]): string {
  const unknown = /^Unknown arguments?: (.+)$/.exec(message);
  if (unknown) {
    return unknown[1]!
      .split(', ')
      .map((key) => {
        if (words.includes(key)) return `unexpected argument ${JSON.stringify(key)}`;
        const flag = key.length === 1 && !words.some((w) => w.startsWith(`--${key}`)) ? `-${key}` : `--${key}`;
        if (flag.length === 2) return `unknown option ${flag}`;
        return unknownOptionMessage(flag, [...Object.keys(OPTIONS).map((k) => `--${k}`), '--help']).replace(/^unknown option/, `unknown option ${flag}`);
      })
      .join('; ');
  }
  const noValue = /^Not enough arguments following: (.+)$/.exec(message);
  if (noValue) return `--${noValue[1]} needs a value`;
  return message.charAt(0).toLowerCase() + message.slice(1);
}

/** Run as a script (`tsx src/main.ts`), not when a test or `scripts/demo.mjs` imports it. */
function isEntry(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

/**
 * Runs the demo as a command on this process's streams and resolves with the exit code; what
 * `scripts/demo.mjs` (`pnpm demo`) calls in the bundle.
 *
 * @example
 * ```ts
 * process.exitCode = await runAsCommand(process.argv.slice(2));
 * ```
 */
export async function runAsCommand(args: readonly string[]): Promise<number> {
  // `pnpm demo --help | head` closes the pipe early: stop quietly, as other command-line tools do.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
  return main(args);
}

if (isEntry()) {
  runAsCommand(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}

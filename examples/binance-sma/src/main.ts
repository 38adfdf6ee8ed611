/**
 * `pnpm --filter @rxtrade/example-binance-sma start [-- flags]`: the long-only SMA crossover on BTC/USDT,
 * on Binance's spot testnet with the keys in BINANCE_API_KEY and BINANCE_SECRET, or `--paper` on
 * Binance's live market data without keys. Prints the node's state changes, orders and fills until
 * Ctrl-C (SIGINT) or SIGTERM, which stop the node: open orders are cancelled, the journal closed.
 */
import { parseArgs } from 'node:util';
import { ValidationError } from '@rxtrade/core';
import { fromEnv, type CcxtVenueOptions } from '@rxtrade/connectors';
import { startBinanceSma } from './program';

const USAGE = `usage: start [--paper] [--dir DIR] [--fast N] [--slow N] [--size BTC] [--timeframe 1m]
  --paper        paper trading on Binance's public market data (no keys); default: Binance's spot testnet
  --dir DIR      the run's folder: journal, risk audit trail (default runs/binance-sma, or runs/binance-sma-paper)
  --fast, --slow SMA lengths in bars (default 10 and 30)
  --size BTC     bought on an upward cross, sold on a downward one (default 0.001)
  --timeframe    bar length, as ccxt names it (default 1m)`;

function fail(message: string): never {
  console.error(`binance-sma: ${message}`);
  process.exit(2);
}

function whole(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1) fail(`--${name} must be a whole number >= 1, got ${JSON.stringify(value)}`);
  return Number(value);
}

let flags: ReturnType<typeof parse>;
function parse() {
  return parseArgs({
    args: process.argv.slice(2).filter((a) => a !== '--'),
    options: {
      paper: { type: 'boolean', default: false },
      dir: { type: 'string' },
      fast: { type: 'string' },
      slow: { type: 'string' },
      size: { type: 'string' },
      timeframe: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
}
try {
  flags = parse();
} catch (error) {
  fail(`${(error as Error).message}\n${USAGE}`);
}
const { values } = flags;
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const paper = values.paper === true;
const size = values.size ?? '0.001';
if (!/^\d+(\.\d+)?$/.test(size) || Number(size) <= 0) fail(`--size must be a positive number of BTC, got ${JSON.stringify(size)}`);

let venue: CcxtVenueOptions;
try {
  // The testnet's keys from the environment; paper trading reads Binance's public market data only.
  venue = paper ? {} : { credentials: fromEnv('BINANCE'), sandbox: true };
} catch (error) {
  fail(`${(error as Error).message} (create a key at testnet.binance.vision, or run with --paper)`);
}
if (values.timeframe !== undefined) venue = { ...venue, timeframe: values.timeframe };

try {
  const run = await startBinanceSma({
    dir: values.dir ?? (paper ? 'runs/binance-sma-paper' : 'runs/binance-sma'),
    trade: paper ? 'paper' : 'venue',
    venue,
    fast: whole('fast', values.fast, 10),
    slow: whole('slow', values.slow, 30),
    size,
  });
  const { node, instrument } = run;
  const where = paper ? 'paper trading on Binance market data' : 'Binance spot testnet';
  console.log(`${where}: ${instrument.id}, SMA ${values.fast ?? 10}/${values.slow ?? 30}, size ${size} BTC, holding left alone ${run.hold.toString()} BTC`);
  console.log(`journal ${run.journalDir}; averages warmed up on ${run.warmUp.length} bars; Ctrl-C stops`);
  const show = (): string =>
    `position ${node.ledger.positionQuantity(instrument.id).toString()} BTC, cash ${node.ledger.cash(instrument.quote).toString()} ${instrument.quote}, fees ${node.ledger.totalFees().toString()} ${instrument.quote}`;
  console.log(show());
  node.events.on('state', ({ from, to, reason }) => console.log(`state ${from} -> ${to}${reason !== '' ? ` (${reason})` : ''}`));
  node.events.on('reconciliation', ({ venue: v, differences }) => differences.forEach((d) => console.log(`reconciliation ${v}: ${d}`)));
  node.events.on('submitted', ({ clientOrderId }) => console.log(`order ${clientOrderId} sent`));
  node.events.on('rejected', ({ clientOrderId, by, reason }) => console.log(`order ${clientOrderId} rejected by the ${by}: ${reason}`));
  node.events.on('fill', (f) => console.log(`fill ${f.side} ${f.quantity} at ${f.price}, commission ${f.commission} (${f.clientOrderId}); ${show()}`));
  node.events.on('feed', (f) => console.log(`feed ${f.name}: ${f.status}`));
  await run.stopped;
  console.log(`stopped: ${show()}, equity ${node.snapshot().equity}`);
  // ERROR: the node failed (a fill its ledger refuses, a journal that cannot be written); the reason was printed with the state.
  if (node.state === 'ERROR') process.exit(1);
} catch (error) {
  if (error instanceof ValidationError) fail(error.message);
  console.error(`binance-sma: ${(error as Error).message}`);
  process.exit(1);
}

/**
 * The cost of sizing a market order to a target position: `OrderFactory.marketToTarget` against the
 * same order sized in Decimal arithmetic in the strategy (`new Decimal(target).minus(current)`, then
 * `isZero`, `gt(0)` and `abs` into `market`), and `market` alone with a ready quantity. Whole-share
 * targets of ±100 against positions of +100, -100 and 0, as the SMA crossover sends them; rounds
 * alternate the three, figures are medians of the rounds.
 *
 *   npx tsx --conditions=@rxtrade/source packages/core/bench/order-to-target.bench.ts [calls] [rounds]
 */
import { BacktestClock, Decimal, OrderFactory, defineInstrument, instrumentRegistry, strategyId, type SubmitOrder } from '@rxtrade/core';

const CALLS = Number(process.argv[2] ?? 1_000_000);
const ROUNDS = Number(process.argv[3] ?? 7);

const inst = defineInstrument({ symbol: 'AAA', venue: 'SIM', assetClass: 'stock', base: 'AAA', quote: 'USD', tickSize: '0.01', lotSize: '1' });
const factory = new OrderFactory(new BacktestClock(0), instrumentRegistry([inst]), strategyId('bench'));
const positions = [new Decimal(100), new Decimal(-100), new Decimal(0)];

let sink = 0;
const use = (o: SubmitOrder | undefined): void => {
  if (o !== undefined) sink += o.side === 'BUY' ? 1 : -1;
};

const rows: Record<string, () => void> = {
  marketToTarget: () => {
    for (let i = 0; i < CALLS; i++) use(factory.marketToTarget({ instrumentId: inst.id, target: i & 1 ? 100 : -100, current: positions[i % 3]! }));
  },
  'Decimal sizing + market': () => {
    for (let i = 0; i < CALLS; i++) {
      const delta = new Decimal(i & 1 ? 100 : -100).minus(positions[i % 3]!);
      if (delta.isZero()) continue;
      use(factory.market({ instrumentId: inst.id, side: delta.gt(0) ? 'BUY' : 'SELL', quantity: delta.abs() }));
    }
  },
  'market alone': () => {
    for (let i = 0; i < CALLS; i++) use(factory.market({ instrumentId: inst.id, side: 'BUY', quantity: positions[0]! }));
  },
};

const times: Record<string, number[]> = Object.fromEntries(Object.keys(rows).map((k) => [k, []]));
for (const run of Object.values(rows)) run(); // warm-up
for (let r = 0; r < ROUNDS; r++) {
  for (const [name, run] of Object.entries(rows)) {
    const t = performance.now();
    run();
    times[name]!.push(((performance.now() - t) * 1e3) / CALLS);
  }
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
console.log(`${CALLS} calls a round, median of ${ROUNDS} rounds (node ${process.version}); checksum ${sink}`);
for (const [name, xs] of Object.entries(times)) console.log(`${name.padEnd(24)} ${median(xs).toFixed(3)} µs a call`);

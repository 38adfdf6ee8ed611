/**
 * Round trips from fills, as every backtest's metrics compute them (a sweep's task among them): the
 * package's `roundTrips` against the same FIFO matching written in plain decimal.js arithmetic (a
 * Decimal per operation, decimal.js's comparisons and division), on the fills of real crossovers: the
 * SMA crossovers of the sweep grid's corner (fast 5-9, slow 20-60) on the GOOG fixture, each reversing a
 * 100-share position (a fill closes one lot and opens the next, so each splits its commission). Both
 * must give the same round trips, digit for digit; figures are µs a round trip, medians of 9 rounds.
 *
 *   npx tsx --conditions=@rxtrade/source packages/backtest/bench/round-trips.bench.ts
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineInstrument, parseBarsCsv, type Fill } from '@rxtrade/core';
import { smaCrossover } from '../../../examples/sma-crossover/src/strategy';
import { roundTrips, runBacktest } from '../src/index';
import { plainRoundTrips } from '../src/metrics/__fixtures__/plain-round-trips';

const goog = defineInstrument({ symbol: 'GOOG', venue: 'NASDAQ', assetClass: 'stock', base: 'GOOG', quote: 'USD', tickSize: '0.01', lotSize: '1' });
const text = readFileSync(fileURLToPath(new URL('../../../examples/sma-crossover/fixtures/goog.csv', import.meta.url)), 'utf8');
const { bars } = parseBarsCsv(text, { instrumentId: goog.id });

const runs: (readonly Fill[])[] = [];
for (let fast = 5; fast <= 9; fast++)
  for (let slow = 20; slow <= 60; slow += 20) {
    const r = await runBacktest(smaCrossover({ instrumentId: goog.id, fast, slow, size: 100 }), { data: bars, instruments: [goog], ledger: { startingCash: 100_000 }, venue: { commission: 0.002 } });
    runs.push(r.fills);
  }

const trades = runs.reduce((n, fills) => n + roundTrips(fills).length, 0);
for (const fills of runs) {
  const a = roundTrips(fills).map((t) => [t.quantity, t.fees, t.grossPnl, t.pnl].join(' '));
  const b = plainRoundTrips(fills).map((t) => [t.quantity, t.fees, t.grossPnl, t.pnl].join(' '));
  if (a.join('\n') !== b.join('\n')) throw new Error('roundTrips and the plain decimal.js matching differ');
}

const median = (xs: number[]): number => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
const time = (f: (fills: readonly Fill[]) => unknown[], reps: number): number => {
  const t = performance.now();
  for (let k = 0; k < reps; k++) for (const fills of runs) f(fills);
  return ((performance.now() - t) * 1000) / (reps * trades);
};
const REPS = 200;
for (let w = 0; w < 3; w++) {
  time(roundTrips, REPS);
  time(plainRoundTrips, REPS);
}
const ours: number[] = [];
const plain: number[] = [];
const ratios: number[] = [];
for (let r = 0; r < 9; r++) {
  const a = r % 2 ? time(plainRoundTrips, REPS) : time(roundTrips, REPS);
  const b = r % 2 ? time(roundTrips, REPS) : time(plainRoundTrips, REPS);
  const [o, p] = r % 2 ? [b, a] : [a, b];
  ours.push(o);
  plain.push(p);
  ratios.push(o / p);
}
console.log(`round trips of ${runs.length} GOOG crossovers (${trades} round trips, ${runs.reduce((n, f) => n + f.length, 0)} fills), node ${process.version}, medians of 9 rounds`);
console.log(`roundTrips                  ${median(ours).toFixed(3)} µs a round trip`);
console.log(`plain decimal.js matching   ${median(plain).toFixed(3)} µs a round trip`);
console.log(`ratio (median of rounds)    ${median(ratios).toFixed(3)}`);

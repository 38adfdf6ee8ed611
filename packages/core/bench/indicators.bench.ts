/**
 * Updates per second of the streaming indicators against trading-signals 8.3.0 and a hand-written
 * class doing the same arithmetic (bench/hand-written.ts), all in one process, on 1,000,000 synthetic
 * bars from a seeded random walk (closes in a Float64Array, bars as objects created with one shape).
 * Each case runs once to warm up, then 5 timed repetitions without forced GC, the three implementations
 * back to back in each repetition (in a rotating order). The table shows the median rate of each, and
 * the median over the repetitions of the per-repetition ratios ours / trading-signals and
 * ours / hand-written (the machine is shared, so ratios taken back to back are steadier than rates).
 *
 * Run from the repository root:
 *   npx tsx --conditions=@rxtrade/source packages/core/bench/indicators.bench.ts
 * (BENCH_ONLY=macd,bollinger runs only those cases; BENCH_REPS=7 takes 7 repetitions.)
 */
import { performance } from 'node:perf_hooks';
import { ADX, ATR, BollingerBands as TsBollingerBands, EMA, MACD, RSI, SMA } from 'trading-signals';
import { Adx, Atr, BollingerBands, Ema, Macd, Rsi, Sma } from '@rxtrade/core';
import { HandAdx, HandAtr, HandBollinger, HandEma, HandMacd, HandRsi, HandSma } from './hand-written';

const N = 1_000_000;
/** Timed repetitions per case (5 unless BENCH_REPS says otherwise). */
const REPS = Number(process.env.BENCH_REPS ?? 5);

interface BenchBar {
  readonly high: number;
  readonly low: number;
  readonly close: number;
}

function makeData(n: number): { closes: Float64Array; bars: BenchBar[] } {
  let s = 0x2545f491;
  const rand = () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
  const closes = new Float64Array(n);
  const bars: BenchBar[] = new Array(n);
  let price = 100;
  for (let i = 0; i < n; i++) {
    const open = price;
    const close = Math.max(1, open * (1 + (rand() - 0.5) * 0.02));
    const high = Math.max(open, close) * (1 + rand() * 0.005);
    const low = Math.min(open, close) * (1 - rand() * 0.005);
    closes[i] = close;
    bars[i] = { high, low, close };
    price = close;
  }
  return { closes, bars };
}

const { closes, bars } = makeData(N);

// The MACD and Bollinger baselines, shared by the rows with fresh result objects and with `into`.
const tsMacd = () => { const ind = new MACD(new EMA(12), new EMA(26), new EMA(9)); let acc = 0; for (let i = 0; i < N; i++) { const v = ind.update(closes[i]!, false); if (v !== null) acc += v.histogram; } return acc; };
const handMacd = () => { const ind = new HandMacd(); let acc = 0; for (let i = 0; i < N; i++) { const v = ind.update(closes[i]!); if (v === v) acc += ind.histogram; } return acc; };
const tsBollinger = () => { const ind = new TsBollingerBands(20, 2); let acc = 0; for (let i = 0; i < N; i++) { const v = ind.update(closes[i]!, false); if (v !== null) acc += v.upper; } return acc; };
const handBollinger = () => { const ind = new HandBollinger(20, 2); let acc = 0; for (let i = 0; i < N; i++) { const v = ind.update(closes[i]!); if (v === v) acc += ind.upper; } return acc; };

// One loop function per implementation, so that every call site stays monomorphic.
const loops = {
  sma: {
    ours: () => { const ind = new Sma(20); let acc = 0; for (let i = 0; i < N; i++) { const v = ind.update(closes[i]!); if (v !== undefined) acc += v; } return acc; },
    ts: () => { const ind = new SMA(20); let acc = 0; for (let i = 0; i < N; i++) { const v = ind.update(closes[i]!, false); if (v !== null) acc += v; } return acc; },
    hand: () => { const ind = new HandSma(20); let acc = 0; for (let i = 0; i < N; i++) { const v = ind.update(closes[i]!); if (v === v) acc += v; } return acc; },
  },
  ema: {
    ours: () => { const ind = new Ema(20); let acc = 0; for (let i = 0; i < N; i++) { const v = ind.update(closes[i]!); if (v !== undefined) acc += v; } return acc; },
    ts: () => { const ind = new EMA(20); let acc = 0; for (let i = 0; i < N; i++) { const v = ind.update(closes[i]!, false); if (v !== null) acc += v; } return acc; },
    hand: () => { const ind = new HandEma(20); let acc = 0; for (let i = 0; i < N; i++) { const v = ind.update(closes[i]!); if (v === v) acc += v; } return acc; },
  },
  rsi: {
    ours: () => { const ind = new Rsi(14); let acc = 0; for (let i = 0; i < N; i++) { const v = ind.update(closes[i]!); if (v !== undefined) acc += v; } return acc; },
    ts: () => { const ind = new RSI(14); let acc = 0; for (let i = 0; i < N; i++) { const v = ind.update(closes[i]!, false); if (v !== null) acc += v; } return acc; },
    hand: () => { const ind = new HandRsi(14); let acc = 0; for (let i = 0; i < N; i++) { const v = ind.update(closes[i]!); if (v === v) acc += v; } return acc; },
  },
  macd: {
    ours: () => { const ind = new Macd({ fast: 12, slow: 26, signal: 9 }); let acc = 0; for (let i = 0; i < N; i++) { const v = ind.update(closes[i]!); if (v !== undefined) acc += v.histogram; } return acc; },
    ts: tsMacd,
    hand: handMacd,
  },
  'macd into': {
    ours: () => { const ind = new Macd({ fast: 12, slow: 26, signal: 9 }); const out = { macd: 0, signal: 0, histogram: 0 }; let acc = 0; for (let i = 0; i < N; i++) { if (ind.update(closes[i]!, out) !== undefined) acc += out.histogram; } return acc; },
    ts: tsMacd,
    hand: handMacd,
  },
  bollinger: {
    ours: () => { const ind = new BollingerBands({ period: 20, multiplier: 2 }); let acc = 0; for (let i = 0; i < N; i++) { const v = ind.update(closes[i]!); if (v !== undefined) acc += v.upper; } return acc; },
    ts: tsBollinger,
    hand: handBollinger,
  },
  'bollinger into': {
    ours: () => { const ind = new BollingerBands({ period: 20, multiplier: 2 }); const out = { upper: 0, middle: 0, lower: 0 }; let acc = 0; for (let i = 0; i < N; i++) { if (ind.update(closes[i]!, out) !== undefined) acc += out.upper; } return acc; },
    ts: tsBollinger,
    hand: handBollinger,
  },
  atr: {
    ours: () => { const ind = new Atr(14); let acc = 0; for (let i = 0; i < N; i++) { const v = ind.update(bars[i]!); if (v !== undefined) acc += v; } return acc; },
    ts: () => { const ind = new ATR(14); let acc = 0; for (let i = 0; i < N; i++) { const v = ind.update(bars[i]!, false); if (v !== null) acc += v; } return acc; },
    hand: () => { const ind = new HandAtr(14); let acc = 0; for (let i = 0; i < N; i++) { const v = ind.update(bars[i]!); if (v === v) acc += v; } return acc; },
  },
  adx: {
    ours: () => { const ind = new Adx(14); let acc = 0; for (let i = 0; i < N; i++) { const v = ind.update(bars[i]!); if (v !== undefined) acc += v.adx; } return acc; },
    ts: () => { const ind = new ADX(14); let acc = 0; for (let i = 0; i < N; i++) { const v = ind.update(bars[i]!, false); if (v !== null) acc += v; } return acc; },
    hand: () => { const ind = new HandAdx(14); let acc = 0; for (let i = 0; i < N; i++) { const v = ind.update(bars[i]!); if (v === v) acc += v; } return acc; },
  },
} as const;

type Impl = 'ours' | 'ts' | 'hand';
const IMPLS: Impl[] = ['ours', 'ts', 'hand'];

/**
 * Time of one run. The machine is shared, so by default this is the CPU time of this process (user +
 * system, which leaves out the time the OS gave to other processes); BENCH_CLOCK=wall measures wall time.
 */
const WALL = process.env.BENCH_CLOCK === 'wall';
function time(fn: () => number): { ms: number; checksum: number } {
  if (WALL) {
    const t0 = performance.now();
    const checksum = fn();
    return { ms: performance.now() - t0, checksum };
  }
  const c0 = process.cpuUsage();
  const checksum = fn();
  const c = process.cpuUsage(c0);
  return { ms: (c.user + c.system) / 1000, checksum };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const fmt = (x: number) => (x >= 1e6 ? `${(x / 1e6).toFixed(1)} M` : `${(x / 1e3).toFixed(0)} k`);
const range = (xs: number[], f: (x: number) => string) => `${f(Math.min(...xs))}–${f(Math.max(...xs))}`;

const rows: string[] = [];
let sink = 0;
/** BENCH_ONLY=macd,bollinger runs only those cases. */
const only = process.env.BENCH_ONLY?.split(',');
for (const [name, impls] of Object.entries(loops)) {
  if (only && !only.includes(name)) continue;
  const samples: Record<Impl, number[]> = { ours: [], ts: [], hand: [] };
  const warm: Record<string, number> = {};
  for (const impl of IMPLS) sink += warm[impl] = time(impls[impl]).checksum; // warm-up
  // These hand-written classes follow the library's exact order of operations: the outputs must agree
  // to the last bit, which shows the comparison is of the same arithmetic.
  if ((name === 'sma' || name.startsWith('macd') || name.startsWith('bollinger')) && warm.ours !== warm.hand)
    throw new Error(`${name}: hand-written checksum ${warm.hand} differs from ours ${warm.ours}`);
  const vsTs: number[] = [];
  const vsHand: number[] = [];
  for (let r = 0; r < REPS; r++) {
    for (let j = 0; j < IMPLS.length; j++) {
      const impl = IMPLS[(r + j) % IMPLS.length]!;
      const { ms, checksum } = time(impls[impl]);
      sink += checksum;
      samples[impl].push(ms);
    }
    vsTs.push(samples.ts[r]! / samples.ours[r]!);
    vsHand.push(samples.hand[r]! / samples.ours[r]!);
  }
  const rate = (impl: Impl) => N / (median(samples[impl]) / 1000);
  const ours = rate('ours');
  rows.push(
    `| ${name.padEnd(9)} | ${fmt(ours).padStart(8)} | ${fmt(rate('ts')).padStart(8)} | ${fmt(rate('hand')).padStart(8)} | ${median(vsTs).toFixed(1).padStart(5)}x (${range(vsTs, (x) => x.toFixed(1))}) | ${(100 * median(vsHand)).toFixed(0).padStart(4)}% (${range(vsHand, (x) => (100 * x).toFixed(0))}) | ${(1e9 / ours).toFixed(1).padStart(6)} |`,
  );
}

// The floor under any EMA: the recurrence alone, as a bare loop over the closes (no object, no call, no
// check, no warm-up). Each update needs the one before, so no EMA updated one input at a time can beat
// its chain of dependent operations: TA-Lib's e = (x - e) * k + e (subtract, multiply, add; ours) and
// trading-signals' shorter e = x * k + e * (1 - k) (multiply, add). Set against trading-signals' EMA in
// the same repetitions, they show how far above it any EMA can get.
let emaFloor = '';
if (!only || only.includes('ema')) {
  const k = 2 / 21;
  const k1 = 1 - k;
  const talib = () => { let e = closes[0]!; let acc = 0; for (let i = 0; i < N; i++) { e = (closes[i]! - e) * k + e; acc += e; } return acc; };
  const short = () => { let e = closes[0]!; let acc = 0; for (let i = 0; i < N; i++) { e = closes[i]! * k + e * k1; acc += e; } return acc; };
  const ts = loops.ema.ts;
  sink += time(talib).checksum + time(short).checksum;
  const vsTalib: number[] = [];
  const vsShort: number[] = [];
  for (let r = 0; r < REPS; r++) {
    const a = time(ts);
    const b = time(talib);
    const c = time(short);
    sink += a.checksum + b.checksum + c.checksum;
    vsTalib.push(a.ms / b.ms);
    vsShort.push(a.ms / c.ms);
  }
  const x = (xs: number[]) => `${median(xs).toFixed(1)}x (${range(xs, (v) => v.toFixed(1))})`;
  emaFloor = `EMA floor, the bare recurrence in a loop / trading-signals' EMA: TA-Lib's ${x(vsTalib)}, trading-signals' shorter one ${x(vsShort)}.`;
}

console.log(
  `indicator updates per second (${WALL ? 'wall' : 'CPU'} time), ${N.toLocaleString('en-US')} bars, median of ${REPS} after warm-up (Node ${process.version})`,
);
console.log('| indicator | ours/s   | trading-signals/s | hand-written/s | ours / trading-signals (range) | ours / hand-written (range) | ours ns/update |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const row of rows) console.log(row);
if (emaFloor) console.log(emaFloor);
if (!Number.isFinite(sink)) console.log('(checksum not finite)');

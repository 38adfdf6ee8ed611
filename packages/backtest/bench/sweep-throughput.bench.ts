/**
 * Sweep throughput (backtests per second) on one 200-combination grid, SMA crossover fast 5..24 x slow
 * 20..200 step 20, run by each executor: in-process, 1 and 2 worker threads, and 2 BullMQ worker
 * processes on a local redis-server that this script starts (skipped, with the reason, when
 * redis-server, bullmq or ioredis is missing). Every executor's ranked results are checked equal to the
 * in-process ones.
 *
 *   npx tsx --conditions=@rxtrade/source packages/backtest/bench/sweep-throughput.bench.ts [goog|sp500] [reps] [--unbatched] [--warmup=N]
 *   npx tsx packages/backtest/bench/sweep-throughput.bench.ts [goog|sp500] [reps]   # the built packages (build first)
 *
 * Every executor runs the same code: the TypeScript sources with `--conditions=@rxtrade/source`, the
 * built packages without it, in this process, its threads and the BullMQ worker processes alike (the
 * strategy module is TypeScript, loaded through tsx everywhere).
 *
 * goog: GOOG daily, 1,047 bars (light tasks); sp500: S&P 500 daily 2000-2020 from vega-datasets, 5,104
 * bars (about 5x heavier). `--unbatched` adds 2 worker threads with one task per message and 2 BullMQ
 * workers with one task per job, for comparison. "warm" figures are medians of `reps` sweeps (default 5) after a warm-up
 * sweep on the same executor (threads and processes started, modules loaded, CSV cached); "cold" is
 * the first sweep of a fresh executor, start-up included. "CPU of this process" is the median CPU time
 * of all its threads per warm sweep (for BullMQ, the coordinator's only): when it is close to the wall
 * time on 2 threads, the threads got one core between them. The machine is shared: compare ratios,
 * and read the control line (pure arithmetic on 1 vs 2 threads) for the parallelism actually available:
 * "of the control" divides a speed-up by the control of the same round. The load average (1 minute)
 * is printed before and after.
 *
 * A second control runs the same in-process sweep in 2 separate processes at once against 1 alone:
 * the parallelism this workload itself gets from the machine (the two copies share caches and memory
 * bandwidth, which pure arithmetic does not feel), with no executor in between. "of the workload
 * control" divides a speed-up by it.
 *
 * On Linux each executor's line also splits the CPU of a warm sweep by thread (from /proc/self/task):
 * the main thread, the executor's worker threads (the k busiest other threads of this process, for k
 * workers) and every other thread, which are V8's and libuv's helpers (garbage collection, the
 * optimizing compiler). What the helpers take is CPU that the arithmetic control does not need: with
 * one worker they run on the otherwise idle core, with two they compete with the workers. The BullMQ
 * row adds the CPU of the processes it runs on: redis-server, and the two worker processes' threads
 * summed as their main threads (the BullMQ connection), their evaluating threads (the busiest other
 * thread of each) and the rest.
 *
 * `--warmup=N` runs N more sweeps on each executor after its cold one before the rounds (default 0: the
 * cold sweep is the only warm-up). V8 goes on optimizing the code that runs once a task for thousands
 * of tasks, and each thread of a pool of two meets half the tasks of a sweep, so the first rounds of
 * the pools are still warming up.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { sweepData } from './sweep-data.mjs';
import { createServer } from 'node:net';
import { loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import {
  BullmqExecutor,
  InProcessExecutor,
  WorkerThreadExecutor,
  sweep,
  type Json,
  type SweepConfig,
  type SweepExecutor,
  type SweepResult,
} from '@rxtrade/backtest';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const unbatched = process.argv.includes('--unbatched');
const WARMUP = Number(process.argv.find((a) => a.startsWith('--warmup='))?.slice('--warmup='.length) ?? 0);
const which = args[0] ?? 'goog';
const REPS = Number(args[1] ?? 5);
const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../../..');
const require = createRequire(import.meta.url);
/** Whether `@rxtrade/backtest` resolves to its TypeScript sources here (else to its build). */
const fromSource = !fileURLToPath(import.meta.resolve('@rxtrade/backtest')).split(/[\\/]/).includes('dist');

const data = sweepData(which);
const instrument = data.instrument;
const run: Json = {
  data: [{ path: data.path, instrument }],
  instruments: [{ symbol: data.symbol, venue: data.venue, assetClass: 'stock', base: data.symbol, quote: 'USD', tickSize: '0.01', lotSize: '1' }],
  ledger: { startingCash: 100000 },
  venue: { commission: 0.002 },
};
const config: SweepConfig = {
  strategy: { module: resolve(here, '../src/search/__fixtures__/sma-strategy.ts') },
  space: {
    fast: { min: 5, max: 24, integer: true },
    slow: { min: 20, max: 200, step: 20 },
    instrument: { choices: [instrument] },
    size: { choices: [data.size] },
  },
  run,
  objective: { metric: 'sharpeRatio' },
  method: 'grid',
};

/** Sweeps a workload-control child runs back to back for each timing (one sweep is short and noisy). */
const CHILD_SWEEPS = 3;
if (process.argv.includes('--child-sweep')) await childSweep();

/**
 * The workload control's child process: one warm-up sweep in-process, then `ready`; for each `go`
 * line on stdin, {@link CHILD_SWEEPS} sweeps, their milliseconds printed; it exits when stdin closes.
 */
async function childSweep(): Promise<never> {
  const executor = new InProcessExecutor();
  await sweep({ ...config, executor });
  process.stdout.write('ready\n');
  const { createInterface } = await import('node:readline');
  for await (const line of createInterface({ input: process.stdin })) {
    if (line !== 'go') continue;
    const t = performance.now();
    for (let k = 0; k < CHILD_SWEEPS; k++) await sweep({ ...config, executor });
    process.stdout.write(`${performance.now() - t}\n`);
  }
  process.exit(0);
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

let reference: SweepResult | undefined;

interface Measured {
  readonly name: string;
  readonly executor: SweepExecutor;
  /** Worker threads of this process that the executor runs tasks on. */
  readonly threads: number;
  readonly n: number;
  readonly cold: number;
  readonly times: number[];
  readonly cpu: number[];
  /** CPU ms of each warm sweep: main thread, worker threads, other threads (Linux only). */
  readonly byThread: { main: number; workers: number; helpers: number }[];
  /** Processes besides this one that run the executor's tasks (BullMQ: redis-server and the workers). */
  readonly processes?: BullmqProcesses;
  /** CPU ms of each warm sweep in those processes (Linux only): Redis, and the workers' threads summed. */
  readonly byProcess: { redis: number; main: number; workers: number; helpers: number }[];
}

/** The process ids of the BullMQ row: redis-server and each worker process. */
interface BullmqProcesses {
  readonly redis: number;
  readonly workers: readonly number[];
}

/** CPU ms so far of each thread of a process (this one by default), by thread id (empty where /proc is not there). */
function threadCpu(pid: number | 'self' = 'self'): Map<string, number> {
  const out = new Map<string, number>();
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  const tick = 1000 / 100; // USER_HZ is 100 on Linux
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(tid, (Number(fields[11]) + Number(fields[12])) * tick);
    } catch {
      // the thread ended
    }
  }
  return out;
}

/** The CPU between two {@link threadCpu} readings: main thread, the `k` busiest other threads, the rest. */
function splitCpu(before: Map<string, number>, after: Map<string, number>, k: number, pid = process.pid): { main: number; workers: number; helpers: number } {
  const main = String(pid);
  const others: number[] = [];
  let mainMs = 0;
  for (const [tid, ms] of after) {
    const d = ms - (before.get(tid) ?? 0);
    if (tid === main) mainMs = d;
    else others.push(d);
  }
  others.sort((a, b) => b - a);
  const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
  return { main: mainMs, workers: sum(others.slice(0, k)), helpers: sum(others.slice(k)) };
}

/** A fresh executor's first sweep (cold, start-up included), checked against the in-process ranking. */
async function open(name: string, executor: SweepExecutor, threads = 0, processes?: BullmqProcesses): Promise<Measured> {
  const t = performance.now();
  const first = await sweep({ ...config, executor });
  const cold = performance.now() - t;
  reference ??= first;
  if (JSON.stringify(first.ranked) !== JSON.stringify(reference.ranked)) throw new Error(`${name}: ranked results differ from in-process`);
  for (let i = 0; i < WARMUP; i++) await sweep({ ...config, executor });
  return { name, executor, threads, n: first.results.length, cold, times: [], cpu: [], byThread: [], ...(processes ? { processes } : {}), byProcess: [] };
}

/** One warm sweep, timed (wall and this process's CPU), checked against the in-process ranking. */
async function once(m: Measured): Promise<void> {
  const c0 = process.cpuUsage();
  const t0 = threadCpu();
  const p = m.processes;
  const p0 = p ? [p.redis, ...p.workers].map((pid) => threadCpu(pid)) : [];
  const t = performance.now();
  const r = await sweep({ ...config, executor: m.executor });
  m.times.push(performance.now() - t);
  const c = process.cpuUsage(c0);
  const t1 = threadCpu();
  if (t1.size > 0) m.byThread.push(splitCpu(t0, t1, m.threads));
  if (p && p0[0]!.size > 0) {
    const p1 = [p.redis, ...p.workers].map((pid) => threadCpu(pid));
    const redis = splitCpu(p0[0]!, p1[0]!, 0, p.redis);
    // Each worker process: its main thread (BullMQ's connection), the busiest other thread (the one
    // that evaluates), and the rest (V8's and libuv's helpers of both isolates).
    const workers = p.workers.map((pid, i) => splitCpu(p0[i + 1]!, p1[i + 1]!, 1, pid));
    const sum = (k: 'main' | 'workers' | 'helpers'): number => workers.reduce((a, w) => a + w[k], 0);
    m.byProcess.push({ redis: redis.main + redis.helpers, main: sum('main'), workers: sum('workers'), helpers: sum('helpers') });
  }
  m.cpu.push((c.user + c.system) / 1000);
  if (JSON.stringify(r.ranked) !== JSON.stringify(reference!.ranked)) throw new Error(`${m.name}: ranked results differ from in-process`);
}

const rate = (m: Measured, ms: number): number => m.n / (ms / 1000);

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const server = createServer();
    server.once('error', rej);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => res(port));
    });
  });
}

function waitForLine(child: ChildProcess, pattern: RegExp): Promise<void> {
  return new Promise((res, rej) => {
    let out = '';
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      if (pattern.test(out)) res();
    });
    child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
    child.once('exit', (code) => rej(new Error(`exited with ${String(code)}: ${out}`)));
  });
}

async function startBullmq(): Promise<{ url: string; stop: () => void; processes: BullmqProcesses } | undefined> {
  const missing: string[] = [];
  if (spawnSync('redis-server', ['--version']).error) missing.push('redis-server not installed');
  for (const pkg of ['bullmq', 'ioredis']) {
    try {
      require.resolve(pkg);
    } catch {
      missing.push(`${pkg} not resolvable`);
    }
  }
  if (missing.length > 0) {
    console.log(`2 BullMQ worker processes: skipped (${missing.join(', ')})`);
    return undefined;
  }
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  const children: ChildProcess[] = [];
  const stop = (): void => {
    for (const c of [...children].reverse()) c.kill('SIGTERM');
  };
  const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(redis);
  try {
    await waitForLine(redis, /Ready to accept connections/);
    // The workers run what the other executors run: the TypeScript sources when this script does
    // (`--conditions=@rxtrade/source`), the built package otherwise, with this process's loader flags
    // (tsx) for the TypeScript strategy module either way.
    const workerBin = fromSource ? resolve(here, '../src/search/bullmq-worker-bin.ts') : resolve(here, '../dist/bullmq-worker-bin.js');
    const loader = process.execArgv.some((a) => a.includes('tsx')) ? process.execArgv : [...process.execArgv, '--import', 'tsx'];
    await Promise.all(
      [0, 1].map(() => {
        const c = spawn(process.execPath, [...loader, workerBin, '--redis', url, '--queue', 'bench'], {
          cwd: repoRoot,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        children.push(c);
        return waitForLine(c, /rxtrade worker ready/);
      }),
    );
  } catch (error) {
    stop();
    throw error;
  }
  return { url, stop, processes: { redis: redis.pid!, workers: children.slice(1).map((c) => c.pid!) } };
}

/**
 * The machine's parallel headroom right now: the same fixed amount of pure arithmetic split over 1
 * and over 2 threads. On an idle 2-core machine 2 threads take about half the time; when other jobs
 * hold a core, they do not, and no executor can do better than this ratio.
 */
async function cpuCeiling(): Promise<number> {
  const code = `const { parentPort } = require('node:worker_threads'); parentPort.on('message', (n) => { let x = 0; for (let i = 0; i < n; i++) x += Math.sqrt(i); parentPort.postMessage(x); });`;
  const time = async (k: number): Promise<number> => {
    const ws = Array.from({ length: k }, () => new Worker(code, { eval: true }));
    const t = performance.now();
    await Promise.all(ws.map((w) => new Promise((r) => { w.once('message', r); w.postMessage(2e8 / k); })));
    const dt = performance.now() - t;
    await Promise.all(ws.map((w) => w.terminate()));
    return dt;
  };
  return (await time(1)) / (await time(2));
}

interface SweepChild {
  readonly child: ChildProcess;
  /** Runs one sweep in the child; resolves with its time in ms. */
  readonly run: () => Promise<number>;
}

/** Starts a workload-control child (this script with `--child-sweep`, under the same loader flags). */
async function startSweepChild(): Promise<SweepChild> {
  const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), which, '--child-sweep'], { cwd: repoRoot, stdio: ['pipe', 'pipe', 'pipe'] });
  await waitForLine(child, /^ready$/m);
  const waiting: ((ms: number) => void)[] = [];
  let buffer = '';
  child.stdout?.on('data', (c: Buffer) => {
    buffer += c.toString();
    for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      const ms = Number(line);
      if (line !== 'ready' && Number.isFinite(ms)) waiting.shift()?.(ms);
    }
  });
  const run = (): Promise<number> =>
    new Promise((res) => {
      waiting.push(res);
      child.stdin?.write('go\n');
    });
  return { child, run };
}

/**
 * The workload control of one round: sweeps in one child alone, then the same in each of the two
 * children at once; 2 x (time alone) / (time of the slower of the pair).
 */
async function workloadCeiling(children: readonly [SweepChild, SweepChild]): Promise<number> {
  const alone = await children[0].run();
  const pair = await Promise.all(children.map((c) => c.run()));
  return (2 * alone) / Math.max(...pair);
}

const load = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');
console.log(`sweep throughput: 200-combination grid on ${which} (${data.path.split('/').pop()}), node ${process.version}, ${REPS} rounds, ${WARMUP} more warm-up sweep(s); load average ${load()}`);
const bull = await startBullmq();
const all: Measured[] = [];
const controls: number[] = [];
const workloads: number[] = [];
const sweepChildren = (await Promise.all([startSweepChild(), startSweepChild()])) as [SweepChild, SweepChild];
try {
  all.push(await open('in-process', new InProcessExecutor()));
  all.push(await open('1 worker thread', new WorkerThreadExecutor({ workers: 1 }), 1));
  all.push(await open('2 worker threads', new WorkerThreadExecutor({ workers: 2 }), 2));
  if (bull) all.push(await open('2 BullMQ worker processes', new BullmqExecutor({ connection: bull.url, queue: 'bench', idleTimeoutMs: 120_000 }), 0, bull.processes));
  if (unbatched) {
    all.push(await open('2 threads, 1 task/message', new WorkerThreadExecutor({ workers: 2, tasksPerMessage: 1 }), 2));
    if (bull) all.push(await open('2 BullMQ, 1 task/job', new BullmqExecutor({ connection: bull.url, queue: 'bench', idleTimeoutMs: 120_000, tasksPerJob: 1 })));
  }
  // Rounds interleave the executors (and the control), so that load from other jobs on this shared
  // machine falls on all of them alike rather than on whichever ran during a busy spell.
  for (let round = 0; round < REPS; round++) {
    controls.push(await cpuCeiling());
    workloads.push(await workloadCeiling(sweepChildren));
    for (const m of all) await once(m);
  }
} finally {
  for (const m of all) await m.executor.close();
  bull?.stop();
  for (const c of sweepChildren) c.child.stdin?.end();
}
for (const m of all)
  console.log(
    `${m.name.padEnd(26)} ${String(m.n).padStart(4)} backtests  warm ${rate(m, median(m.times)).toFixed(1).padStart(7)} /s (median ${median(m.times).toFixed(0)} ms; rounds ${m.times.map((x) => x.toFixed(0)).join(', ')})  cold ${rate(m, m.cold).toFixed(1).padStart(6)} /s (${(m.cold / median(m.times)).toFixed(2)}x the warm time)  CPU of this process ${median(m.cpu).toFixed(0)} ms`,
  );
for (const m of all) {
  if (m.byThread.length === 0) continue;
  const part = (k: 'main' | 'workers' | 'helpers'): string => median(m.byThread.map((x) => x[k])).toFixed(0);
  console.log(
    `${m.name.padEnd(26)} CPU of a warm sweep by thread (median): main ${part('main')} ms${m.threads > 0 ? `, ${m.threads} worker thread${m.threads > 1 ? 's' : ''} ${part('workers')} ms` : ''}, other threads (V8 and libuv helpers) ${part('helpers')} ms`,
  );
}
for (const m of all) {
  if (m.byProcess.length === 0) continue;
  const part = (k: 'redis' | 'main' | 'workers' | 'helpers'): string => median(m.byProcess.map((x) => x[k])).toFixed(0);
  console.log(
    `${m.name.padEnd(26)} CPU of a warm sweep in the other processes (median): redis-server ${part('redis')} ms; the ${m.processes!.workers.length} workers together: main threads ${part('main')} ms, evaluating threads ${part('workers')} ms, other threads ${part('helpers')} ms`,
  );
}
const paired = (a: Measured, b: Measured): number => median(a.times.map((t, i) => b.times[i]! / t));
/** A speed-up as a share of the control of the same round (1.00: all the parallelism the machine offered). */
const ofControl = (a: Measured, b: Measured): number => median(a.times.map((t, i) => b.times[i]! / t / controls[i]!));
/** A speed-up as a share of the workload control of the same round. */
const ofWorkload = (a: Measured, b: Measured): number => median(a.times.map((t, i) => b.times[i]! / t / workloads[i]!));
const byName = (name: string): Measured | undefined => all.find((m) => m.name === name);
const [inProcess, one, two] = all as [Measured, Measured, Measured];
const distributed = byName('2 BullMQ worker processes');
console.log(`control, pure arithmetic on 2 threads vs 1, per round: ${controls.map((c) => c.toFixed(2)).join(', ')}, median ${median(controls).toFixed(2)} (2.00 = two free cores)`);
console.log(`workload control, the in-process sweep in 2 processes at once vs 1, per round: ${workloads.map((c) => c.toFixed(2)).join(', ')}, median ${median(workloads).toFixed(2)}`);
console.log(
  `speed-up (median of per-round ratios): 2 threads vs 1 thread ${paired(two, one).toFixed(2)}x (${(100 * ofControl(two, one)).toFixed(0)}% of the control, ${(100 * ofWorkload(two, one)).toFixed(0)}% of the workload control); 2 threads vs in-process ${paired(two, inProcess).toFixed(2)}x`,
);
if (distributed)
  console.log(
    `speed-up (median of per-round ratios): 2 BullMQ workers vs in-process ${paired(distributed, inProcess).toFixed(2)}x (${(100 * ofControl(distributed, inProcess)).toFixed(0)}% of the control, ${(100 * ofWorkload(distributed, inProcess)).toFixed(0)}% of the workload control)`,
  );
const twoUnbatched = byName('2 threads, 1 task/message');
if (twoUnbatched) console.log(`unbatched: 2 threads with 1 task per message vs 1 thread ${paired(twoUnbatched, one).toFixed(2)}x (${(100 * ofControl(twoUnbatched, one)).toFixed(0)}% of the control)`);
const bullUnbatched = byName('2 BullMQ, 1 task/job');
if (bullUnbatched) console.log(`unbatched: 2 BullMQ workers with 1 task per job vs in-process ${paired(bullUnbatched, inProcess).toFixed(2)}x (${(100 * ofControl(bullUnbatched, inProcess)).toFixed(0)}% of the control)`);
console.log(`load average at the end: ${load()}`);

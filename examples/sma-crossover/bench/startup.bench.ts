/**
 * CPU time of the README's demo command up to the demo's first bar (after the install:
 * `node examples/sma-crossover/scripts/demo.mjs`), the same start through `npx -y pnpm@10 demo` and `pnpm demo`, and as the demo ran before it had a bundle (tsx on the sources), with
 * npx, pnpm and node alone for the breakdown.
 *
 *   npx tsx examples/sma-crossover/bench/startup.bench.ts [runs] [row]
 *
 * `runs` defaults to 5; `row` runs only the rows whose name contains it. Linux only.
 *
 * CPU time is user + system of the whole process tree of the command (npx, the shells, pnpm, node and
 * their children), from the command's start: to the moment the first bar enters the pipeline for the
 * demo's rows, to the exit for the others. The demo reports its first bar with
 * `RXTRADE_PROFILE_STARTUP=stop` (see `src/main.ts`): it prints a line with its own CPU time and stops
 * itself; the benchmark then reads the tree's time from /proc (each live thread's
 * `/proc/<pid>/task/<tid>/schedstat`, in nanoseconds, and the exited children of each process, in clock
 * ticks), continues the demo and waits for it to finish with exit code 0. The other rows run under
 * `sh -c '…; cat /proc/$$/stat'`, whose children's times are the command's.
 *
 * Each row runs once to warm up (npx's and tsx's caches, the bundle's code cache), then `runs` times;
 * the figures are medians. The demo's bundle must be fresh (`pnpm install`, or one `pnpm demo`).
 */
import { execFileSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const RUNS = Number(process.argv[2] ?? 5);
const ONLY = process.argv[3];
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error(`runs must be a whole number >= 1, got ${JSON.stringify(process.argv[2])}`);
if (process.platform !== 'linux') throw new Error('the benchmark reads /proc: Linux only');
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const TICKS_PER_S = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

/** Fields of /proc/<pid>/stat after the command name (which may hold spaces): [state, ppid, …]. */
function statFields(pid: number | 'self'): string[] | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** CPU time of `pid`'s live threads, in ms (nanosecond counters of the scheduler). */
function threadsMs(pid: number): number {
  let ns = 0;
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return 0;
  }
  for (const tid of tasks) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // The thread ended meanwhile.
    }
  }
  return ns / 1e6;
}

/** CPU time of `root` and every descendant, with the children they have waited for, in ms. */
function treeMs(root: number): { ms: number; processes: number } {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const fields = statFields(Number(name));
    if (fields === undefined) continue;
    const ppid = Number(fields[1]);
    children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
  }
  let ms = 0;
  let processes = 0;
  for (const queue = [root]; queue.length > 0; ) {
    const pid = queue.shift()!;
    const fields = statFields(pid);
    if (fields === undefined) continue;
    processes++;
    // Fields 16 and 17 of stat (cutime, cstime), counted from the state as field 3.
    ms += threadsMs(pid) + ((Number(fields[13]) + Number(fields[14])) * 1000) / TICKS_PER_S;
    queue.push(...(children.get(pid) ?? []));
  }
  return { ms, processes };
}

interface Sample {
  /** The whole tree's CPU time. */
  readonly ms: number;
  /** The demo process's own CPU time at each mark it printed. */
  readonly marks: Readonly<Record<string, number>>;
}

/** Runs `command` with the probe on; resolves with the tree's CPU time at the first bar. */
function toFirstBar(command: readonly string[], env: Record<string, string> = {}): Promise<Sample> {
  return new Promise((done, fail) => {
    const child = spawn(command[0]!, command.slice(1), { cwd: ROOT, env: { ...process.env, ...env, RXTRADE_PROFILE_STARTUP: 'stop' }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let sample: Sample | undefined;
    const marks: Record<string, number> = {};
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      stderr += text;
      for (const m of stderr.matchAll(/^rxtrade-startup (\S+) cpu-ms=([\d.]+) .* pid=(\d+)$/gm)) {
        marks[m[1]!] = Number(m[2]);
        if (m[1] === 'first-bar' && sample === undefined) {
          const pid = Number(m[3]);
          // Stopped: nothing of the tree runs while it is read.
          for (let i = 0; statFields(pid)?.[0] !== 'T'; i++) if (i > 1e6) return fail(new Error(`${command.join(' ')}: the demo did not stop at its first bar`));
          sample = { ms: treeMs(child.pid!).ms, marks: { ...marks } };
          process.kill(pid, 'SIGCONT');
        }
      }
    });
    child.on('error', fail);
    child.on('close', (code) => {
      if (code !== 0 || sample === undefined) fail(new Error(`${command.join(' ')}: exit code ${code}${sample ? '' : ', no first bar'}\n${stderr}`));
      else done(sample);
    });
  });
}

/** Runs `command` to its end; resolves with the tree's CPU time. */
function toExit(command: string): Promise<Sample> {
  return new Promise((done, fail) => {
    const child = spawn('sh', ['-c', `${command} >/dev/null 2>&1 || exit 1; cat /proc/$$/stat`], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (text: string) => (out += text));
    child.on('error', fail);
    child.on('close', (code) => {
      if (code !== 0) return fail(new Error(`${command}: exit code ${code}`));
      const fields = out.slice(out.lastIndexOf(')') + 2).split(' ');
      done({ ms: ((Number(fields[13]) + Number(fields[14])) * 1000) / TICKS_PER_S, marks: {} });
    });
  });
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

interface Row {
  readonly name: string;
  readonly until: 'first bar' | 'exit';
  readonly run: () => Promise<Sample>;
}

const pnpmBin = realpathSync(execFileSync('npx', ['-y', '-p', 'pnpm@10', '-c', 'command -v pnpm'], { cwd: ROOT, encoding: 'utf8' }).trim());
const tsx = ['--conditions=@rxtrade/source', 'examples/sma-crossover/src/main.ts'];

const allRows: Row[] = [
  { name: 'node examples/sma-crossover/scripts/demo.mjs (the README)', until: 'first bar', run: () => toFirstBar([process.execPath, 'examples/sma-crossover/scripts/demo.mjs']) },
  { name: 'npx -y pnpm@10 demo (the bundle)', until: 'first bar', run: () => toFirstBar(['npx', '-y', 'pnpm@10', 'demo']) },
  { name: 'pnpm demo (pnpm without npx)', until: 'first bar', run: () => toFirstBar([process.execPath, pnpmBin, 'demo']) },
  { name: 'npx -y pnpm@10 exec tsx … src/main.ts (before: tsx)', until: 'first bar', run: () => toFirstBar(['npx', '-y', 'pnpm@10', 'exec', 'tsx', ...tsx]) },
  { name: 'tsx … src/main.ts (tsx without npx and pnpm)', until: 'first bar', run: () => toFirstBar(['node_modules/.bin/tsx', ...tsx]) },
  { name: 'npx -y pnpm@10 --version', until: 'exit', run: () => toExit('npx -y pnpm@10 --version') },
  { name: 'pnpm --version (without npx)', until: 'exit', run: () => toExit(`${JSON.stringify(process.execPath)} ${JSON.stringify(pnpmBin)} --version`) },
  { name: 'node -e 0', until: 'exit', run: () => toExit(`${JSON.stringify(process.execPath)} -e 0`) },
];

const rows = ONLY === undefined ? allRows : allRows.filter((r) => r.name.includes(ONLY));
if (rows.length === 0) throw new Error(`no row's name contains ${JSON.stringify(ONLY)}`);
console.log(`CPU time (user + system, whole process tree), median of ${RUNS} runs after one warm-up; node ${process.version}, pnpm ${pnpmBin}`);
console.log('');
const results = new Map<string, Sample[]>();
for (const row of rows) {
  await row.run();
  const samples: Sample[] = [];
  for (let i = 0; i < RUNS; i++) samples.push(await row.run());
  results.set(row.name, samples);
  const ms = samples.map((s) => s.ms);
  const marks = Object.keys(samples[0]!.marks).map((k) => `${k} ${median(samples.map((s) => s.marks[k]!)).toFixed(0)}`);
  console.log(
    `${row.name.padEnd(56)} to ${row.until.padEnd(9)} ${median(ms).toFixed(0).padStart(6)} ms  (min ${Math.min(...ms).toFixed(0)}, max ${Math.max(...ms).toFixed(0)})${marks.length > 0 ? `   demo process: ${marks.join(', ')} ms` : ''}`,
  );
}

if (rows !== allRows) process.exit(0);
const med = (name: string, mark?: string): number => median(results.get(name)!.map((s) => (mark === undefined ? s.ms : s.marks[mark]!)));
const readme = allRows[0]!.name;
const before = allRows[3]!.name;
const node0 = med('node -e 0');
console.log('');
console.log(`The README's command to the first bar: ${med(readme).toFixed(0)} ms (before, with tsx: ${med(before).toFixed(0)} ms, ${(med(before) / med(readme)).toFixed(1)}x)`);
console.log(`  npx and pnpm (their processes' share)   ${(med(readme) - med(readme, 'first-bar')).toFixed(0)} ms   (npx -y pnpm@10 --version alone: ${med(allRows[5]!.name).toFixed(0)} ms)`);
console.log(`  the demo's process, to its first bar    ${med(readme, 'first-bar').toFixed(0)} ms:`);
console.log(`    node's own start and exit (node -e 0)   ${node0.toFixed(0)} ms`);
console.log(`    to the demo's code (modules loaded)     ${med(readme, 'main').toFixed(0)} ms`);
console.log(`    flags and the CSV read                  ${(med(readme, 'data') - med(readme, 'main')).toFixed(0)} ms`);
console.log(`    the backtest's start, to the first bar  ${(med(readme, 'first-bar') - med(readme, 'data')).toFixed(0)} ms`);

/**
 * Test helpers for the BullMQ tests: a private redis-server on a free port (no persistence, so a restart
 * loses every job, as a Redis without persistence does), and BullMQ worker processes (this package's
 * worker entry under tsx, sibling packages from source). `missingServices()` says why these tests cannot
 * run here.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const repoRoot = fileURLToPath(new URL('../../../../../', import.meta.url));
const workerMain = fileURLToPath(new URL('../bullmq-worker-bin.ts', import.meta.url));

/** What is missing to run the BullMQ tests (empty when redis-server, bullmq and ioredis are there). */
export function missingServices(): string[] {
  const missing: string[] = [];
  if (spawnSync('redis-server', ['--version']).error) missing.push('redis-server is not installed (apt-get install -y redis-server)');
  for (const pkg of ['bullmq', 'ioredis']) {
    try {
      require.resolve(pkg);
    } catch {
      missing.push(`the ${pkg} package cannot be resolved`);
    }
  }
  return missing;
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Resolves when `child` prints a line matching `pattern`; rejects if it exits first. */
export function waitForLine(child: ChildProcess, pattern: RegExp, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (pattern.test(output)) {
        child.stdout?.off('data', onData);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`${what} exited with code ${String(code)} before it was ready:\n${output}`)));
  });
}

/** Resolves once `child` has exited. */
export function exited(child: ChildProcess): Promise<void> {
  return new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r() : child.once('exit', () => r())));
}

/** A redis-server of the test's own. */
export interface TestRedis {
  readonly port: number;
  readonly process: ChildProcess;
  /** Kills it at once (SIGKILL): everything in it is lost. */
  kill(): Promise<void>;
  /** Starts a fresh, empty redis-server on the same port. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts redis-server on a free port with `extra` arguments (such as `--requirepass`). */
export async function startRedis(extra: readonly string[] = [], port?: number): Promise<TestRedis> {
  const p = port ?? (await freePort());
  const launch = async (): Promise<ChildProcess> => {
    const child = spawn('redis-server', ['--port', String(p), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
    await waitForLine(child, /Ready to accept connections/, 'redis-server');
    return child;
  };
  let current = await launch();
  return {
    port: p,
    get process() {
      return current;
    },
    async kill() {
      current.kill('SIGKILL');
      await exited(current);
    },
    async restart() {
      current = await launch();
    },
    async stop() {
      current.kill('SIGTERM');
      await exited(current);
    },
  };
}

/** A worker process and what it printed so far. */
export interface TestWorker {
  readonly process: ChildProcess;
  output(): string;
}

/** Starts a BullMQ worker process with the given arguments (`--redis`, `--queue`, …); resolves once it is listening. */
export async function startWorkerProcess(args: readonly string[]): Promise<TestWorker> {
  const child = spawn(process.execPath, ['--conditions=@rxtrade/source', '--import', 'tsx', workerMain, ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  await waitForLine(child, /rxtrade worker ready/, 'worker process');
  return { process: child, output: () => out };
}

/** Stops worker processes (SIGTERM, then SIGKILL after `graceMs`). */
export async function stopWorkers(workers: readonly TestWorker[], graceMs = 5000): Promise<void> {
  await Promise.all(
    workers.map(async (w) => {
      if (w.process.exitCode !== null || w.process.signalCode !== null) return;
      w.process.kill('SIGTERM');
      const timer = setTimeout(() => w.process.kill('SIGKILL'), graceMs);
      await exited(w.process);
      clearTimeout(timer);
    }),
  );
}

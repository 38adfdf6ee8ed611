/**
 * For tests that need a PostgreSQL server: a throwaway cluster of the test's own. `initdb` into a
 * temporary directory (password authentication, scram-sha-256, for every connection), `postgres` on a
 * free port of 127.0.0.1 with its unix socket in that directory, stopped by the postmaster's PID and
 * the directory deleted. The binaries come from `/usr/lib/postgresql/<version>/bin` (the newest) or
 * the PATH. `initdb` refuses to run as root: as root the cluster is created and run as the `postgres`
 * user (`runuser -u postgres --`) in a directory it owns.
 *
 * `missingPostgres()` says why these tests cannot run here; a test file skips on it unless
 * RXTRADE_REQUIRE_SERVICES=1. Start one cluster per test file (about a second) and give each test its
 * own journal name or schema.
 */
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import { createServer } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The directory holding `initdb` and `postgres`, or undefined. */
export function postgresBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (fs.existsSync(root)) {
    const versions = fs
      .readdirSync(root)
      .filter((v) => fs.existsSync(path.join(root, v, 'bin', 'initdb')) && fs.existsSync(path.join(root, v, 'bin', 'postgres')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions.length > 0) return path.join(root, versions[0]!, 'bin');
  }
  for (const dir of (process.env['PATH'] ?? '').split(path.delimiter)) {
    if (dir && fs.existsSync(path.join(dir, 'initdb')) && fs.existsSync(path.join(dir, 'postgres'))) return dir;
  }
  return undefined;
}

const isRoot = (): boolean => typeof process.getuid === 'function' && process.getuid() === 0;

/** uid and gid of the `postgres` user, when it exists. */
function postgresUser(): { uid: number; gid: number } | undefined {
  const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) return undefined;
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** What is missing to start a cluster here (empty when the tests can run). */
export function missingPostgres(): string[] {
  const missing: string[] = [];
  if (postgresBinDir() === undefined) missing.push('PostgreSQL server binaries (initdb, postgres) are not installed (apt-get install -y postgresql)');
  if (isRoot()) {
    if (postgresUser() === undefined) missing.push('running as root, and there is no postgres user to run initdb as');
    if (spawnSync('runuser', ['--help']).error) missing.push('running as root, and runuser is missing');
  }
  return missing;
}

/** Whether a test file needing PostgreSQL skips: binaries missing and RXTRADE_REQUIRE_SERVICES is not 1. */
export function skipWithoutPostgres(): { skip: boolean; reason: string } {
  const missing = missingPostgres();
  return { skip: missing.length > 0 && process.env['RXTRADE_REQUIRE_SERVICES'] !== '1', reason: missing.join('; ') };
}

/** A free TCP port on 127.0.0.1. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A running throwaway cluster. */
export interface TestPostgres {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** Directory of its unix socket. */
  readonly socketDir: string;
  readonly user: string;
  readonly password: string;
  readonly database: string;
  /** `postgres://user:password@127.0.0.1:port/database`. */
  readonly connectionString: string;
  /** PID of the postmaster. */
  readonly pid: number;
  /** Stops it (fast shutdown, then SIGKILL after 10 s) and deletes its directory. */
  stop(): Promise<void>;
}

export interface StartPostgresOptions {
  /** The server's `fsync` (default false: tests that kill clients need no durability of the server itself; the bench turns it on). */
  readonly fsync?: boolean;
  /** The password of the superuser `rxtrade` (default a fixed test password). */
  readonly password?: string;
}

/** Runs `cmd args` as the user that owns the cluster: the postgres user when we are root. */
function asOwner(cmd: string, args: readonly string[]): [string, string[]] {
  return isRoot() ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, [...args]];
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** initdb, then postgres on a free port; resolves once it accepts connections. */
export async function startPostgres(options: StartPostgresOptions = {}): Promise<TestPostgres> {
  const bin = postgresBinDir();
  if (bin === undefined) throw new Error(missingPostgres().join('; '));
  const password = options.password ?? 'rx-Test-pw-7731';
  const user = 'rxtrade';
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'rxtrade-pg-'));
  const data = path.join(temp, 'data');
  const socketDir = path.join(temp, 'sock');
  fs.mkdirSync(socketDir);
  const pwfile = path.join(temp, 'pw');
  fs.writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (isRoot()) {
    const owner = postgresUser();
    if (owner === undefined) throw new Error('running as root, and there is no postgres user');
    for (const p of [temp, socketDir, pwfile]) fs.chownSync(p, owner.uid, owner.gid);
  }
  let child: ChildProcess | undefined;
  const cleanup = (): void => {
    try {
      const pid = Number(fs.readFileSync(path.join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
      if (pid > 0) process.kill(pid, 'SIGKILL');
    } catch {
      // not started, or already gone
    }
  };
  try {
    const [initCmd, initArgs] = asOwner(path.join(bin, 'initdb'), ['-D', data, '-U', user, `--pwfile=${pwfile}`, '--auth=scram-sha-256', '--no-sync', '-E', 'UTF8', '--locale=C', '--no-instructions']);
    await run(initCmd, initArgs, { cwd: temp });
    fs.rmSync(pwfile);
    const port = await freePort();
    const settings = ['-c', 'listen_addresses=127.0.0.1', '-c', `fsync=${options.fsync === true ? 'on' : 'off'}`, '-c', 'max_connections=40', '-c', 'shared_buffers=32MB', '-c', 'log_min_messages=warning'];
    const [cmd, args] = asOwner(path.join(bin, 'postgres'), ['-D', data, '-p', String(port), '-k', socketDir, ...settings]);
    child = spawn(cmd, args, { cwd: temp, stdio: ['ignore', 'pipe', 'pipe'] });
    await new Promise<void>((resolve, reject) => {
      let output = '';
      const onData = (chunk: Buffer): void => {
        output += chunk.toString();
        if (/database system is ready to accept connections/.test(output)) resolve();
      };
      child!.stdout?.on('data', onData);
      child!.stderr?.on('data', onData);
      child!.once('exit', (code) => reject(new Error(`postgres exited with code ${String(code)} before it was ready:\n${output}`)));
      setTimeout(() => reject(new Error(`postgres was not ready after 20 s:\n${output}`)), 20_000).unref();
    });
    const pid = Number(fs.readFileSync(path.join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
    process.once('exit', cleanup);
    let stopped: Promise<void> | undefined;
    return {
      host: '127.0.0.1',
      port,
      socketDir,
      user,
      password,
      database: 'postgres',
      connectionString: `postgres://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`,
      pid,
      stop: () =>
        (stopped ??= (async () => {
          process.off('exit', cleanup);
          if (alive(pid)) process.kill(pid, 'SIGINT'); // fast shutdown: sessions ended, no waiting for clients
          const deadline = Date.now() + 10_000;
          while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
          if (alive(pid)) process.kill(pid, 'SIGKILL');
          if (child !== undefined && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
          fs.rmSync(temp, { recursive: true, force: true });
        })()),
    };
  } catch (e) {
    cleanup();
    child?.kill('SIGKILL');
    fs.rmSync(temp, { recursive: true, force: true });
    throw e;
  }
}

/**
 * `rxtrade worker --redis URL [--queue NAME] [--concurrency N] [--prefix P] [--log-jobs]`: a BullMQ
 * worker that evaluates sweep tasks from the queue until SIGINT or SIGTERM, when it finishes the task
 * in hand and exits. Start one per CPU core on every host that should share a sweep; each host needs
 * the strategy modules and data files at the paths the tasks name.
 */
import { parseArgs } from 'node:util';
import { startBullmqWorker } from '../search/bullmq-worker';
import { println, UsageError, type CliIo } from './cli-io';

/** @internal */
export const WORKER_USAGE = `Usage: rxtrade worker --redis <url> [--queue <name>] [--concurrency <n>] [--prefix <prefix>]
                      [--task-timeout <ms>] [--log-jobs]

Takes sweep tasks from a BullMQ queue and evaluates them until stopped (Ctrl-C or SIGTERM finish the
task in hand first). Start one per CPU core on each host; the Redis URL may also come from REDIS_URL.

  --redis <url>        redis://host:6379 (or rediss:// for TLS)
  --queue <name>       queue name (default rxtrade-sweep); the same as \`rxtrade sweep --queue\`
  --concurrency <n>    tasks at once in this process (default 1: backtests are CPU-bound)
  --prefix <prefix>    BullMQ key prefix (default bull)
  --task-timeout <ms>  stop a task after this long and fail it as a timeout (default 600000; 0: never)
  --log-jobs           print a line per finished task

Each task runs on a thread of the worker, so the job's lock is renewed while it runs: if this
process is killed, another worker takes its task over within about 45 seconds.`;

/**
 * Runs the `worker` command: resolves with the exit code once the worker has been stopped by a signal.
 *
 * @example
 * ```ts
 * await workerCommand(['--redis', 'redis://localhost:6379'], processIo());
 * ```
 */
export async function workerCommand(args: readonly string[], io: CliIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { values } = parse(args);
  if (values.help) {
    println(io.stdout, WORKER_USAGE);
    return 0;
  }
  const redis = values.redis ?? env.REDIS_URL;
  if (!redis) throw new UsageError('--redis <url> is required (or set REDIS_URL)', WORKER_USAGE);
  const concurrency = values.concurrency === undefined ? undefined : Number(values.concurrency);
  if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1))
    throw new UsageError(`--concurrency must be a whole number >= 1, got ${JSON.stringify(values.concurrency)}`, WORKER_USAGE);
  const taskTimeoutMs = values['task-timeout'] === undefined ? undefined : Number(values['task-timeout']);
  if (taskTimeoutMs !== undefined && !(taskTimeoutMs >= 0))
    throw new UsageError(`--task-timeout must be a number of milliseconds >= 0, got ${JSON.stringify(values['task-timeout'])}`, WORKER_USAGE);
  let done = 0;
  const worker = await startBullmqWorker({
    ...(taskTimeoutMs !== undefined ? { taskTimeoutMs } : {}),
    connection: redis,
    ...(values.queue ? { queue: values.queue } : {}),
    ...(values.prefix ? { prefix: values.prefix } : {}),
    ...(concurrency !== undefined ? { concurrency } : {}),
    onTask: (e) => {
      done++;
      if (values['log-jobs']) println(io.stdout, `${e.ok ? 'completed' : 'failed'} task ${e.taskId} (job ${e.jobId})`);
    },
  });
  println(io.stdout, `rxtrade worker ready queue=${worker.queue} pid=${process.pid}`);
  await new Promise<void>((stop) => {
    process.once('SIGINT', () => stop());
    process.once('SIGTERM', () => stop());
  });
  await worker.close();
  println(io.stderr, `rxtrade worker stopped after ${done} task${done === 1 ? '' : 's'}`);
  return 0;
}

function parse(args: readonly string[]) {
  try {
    return parseArgs({
      args: [...args],
      options: {
        redis: { type: 'string' },
        queue: { type: 'string' },
        concurrency: { type: 'string' },
        prefix: { type: 'string' },
        'task-timeout': { type: 'string' },
        'log-jobs': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      allowPositionals: false,
      strict: true,
    });
  } catch (e) {
    throw new UsageError((e as Error).message, WORKER_USAGE);
  }
}

/**
 * `rxtrade worker --redis URL [--queue NAME] [--concurrency N] [--prefix P] [--log-jobs]`: a BullMQ
 * worker that evaluates sweep tasks from the queue until SIGINT or SIGTERM, when it finishes the task
 * in hand and exits. Start one per CPU core on every host that should share a sweep; each host needs
 * the strategy modules and data files at the paths the tasks name.
 */
import { startBullmqWorker } from '../search/bullmq-worker';
import { defineCommand, type CliArgv, type CliOptions } from './cli-command';
import { println, UsageError, type CliIo } from './cli-io';

const options = {
  redis: { type: 'string', requiresArg: true, describe: 'redis://host:6379 (or rediss:// for TLS); default: REDIS_URL' },
  queue: { type: 'string', requiresArg: true, describe: 'queue name (default rxtrade-sweep); the same as `rxtrade sweep --queue`' },
  concurrency: { type: 'string', requiresArg: true, describe: 'tasks at once in this process (default 1: backtests are CPU-bound)' },
  prefix: { type: 'string', requiresArg: true, describe: 'BullMQ key prefix (default bull)' },
  'task-timeout': { type: 'string', requiresArg: true, describe: 'stop a task after this many ms and fail it as a timeout (default 600000; 0: never)' },
  'log-jobs': { type: 'boolean', default: false, describe: 'print a line per finished task' },
} as const satisfies CliOptions;

/**
 * `rxtrade worker`: evaluates sweep tasks from a BullMQ queue until stopped by a signal.
 *
 * @example
 * ```ts
 * await main(['worker', '--redis', 'redis://localhost:6379'], processIo());
 * ```
 */
export const workerCommand = defineCommand({
  name: 'worker',
  summary: 'evaluate sweep tasks from a BullMQ queue (one per core, on any host)',
  usage: `Usage: $0 worker --redis <url> [--queue <name>] [--concurrency <n>] [--prefix <prefix>] [--task-timeout <ms>] [--log-jobs]

Takes sweep tasks from a BullMQ queue and evaluates them until stopped (Ctrl-C or SIGTERM finish the task in hand first). Start one per CPU core on each host; the Redis URL may also come from REDIS_URL.`,
  epilog: `Each task runs on a thread of the worker, so the job's lock is renewed while it runs: if this process is killed, another worker takes its task over within about 45 seconds.`,
  options,
  run: work,
});

async function work(values: CliArgv<typeof options>, io: CliIo): Promise<number> {
  const env = io.env ?? process.env;
  const redis = values.redis ?? env.REDIS_URL;
  if (!redis) throw new UsageError('--redis <url> is required (or set REDIS_URL)');
  const concurrency = values.concurrency === undefined ? undefined : Number(values.concurrency);
  if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1))
    throw new UsageError(`--concurrency must be a whole number >= 1, got ${JSON.stringify(values.concurrency)}`);
  const taskTimeoutMs = values['task-timeout'] === undefined ? undefined : Number(values['task-timeout']);
  if (taskTimeoutMs !== undefined && !(taskTimeoutMs >= 0))
    throw new UsageError(`--task-timeout must be a number of milliseconds >= 0, got ${JSON.stringify(values['task-timeout'])}`);
  let done = 0;
  const worker = await startBullmqWorker({
    ...(taskTimeoutMs !== undefined ? { taskTimeoutMs } : {}),
    connection: redis,
    ...(values.queue ? { queue: values.queue } : {}),
    ...(values.prefix ? { prefix: values.prefix } : {}),
    ...(concurrency !== undefined ? { concurrency } : {}),
    onTask: (e) => {
      // A job carries one task or several consecutive ones.
      done += e.tasks;
      const which = e.tasks === 1 ? `task ${e.taskId}` : `${e.tasks} tasks from task ${e.taskId}`;
      if (values['log-jobs']) println(io.stdout, `${e.ok ? 'completed' : 'failed'} ${which} (job ${e.jobId})`);
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

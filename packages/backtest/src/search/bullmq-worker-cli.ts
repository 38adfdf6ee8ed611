/**
 * The command line of a sweep worker process (`bullmq-worker-bin.ts` runs it; so does `rxtrade worker`):
 * `--redis redis://host:6379 [--queue rxtrade-sweep] [--concurrency 1]
 * [--prefix bull] [--evaluator /abs/module.js#export] [--task-timeout ms] [--lock-duration ms]
 * [--stalled-interval ms] [--max-stalled-count n] [--log-jobs]` (the Redis URL may come from
 * `REDIS_URL`). With `--log-jobs` it prints `active <jobId>` when a task starts and `completed <jobId>`
 * or `failed <jobId>` when it ends.
 * Prints one line `rxtrade worker ready queue=<name> pid=<pid>` once listening; SIGINT or SIGTERM
 * finishes the running job and exits. `rxtrade worker` calls {@link runBullmqWorkerCli}.
 */
import { parseArgs } from 'node:util';
import { ValidationError } from '@rxtrade/core';
import { startBullmqWorker, type BullmqWorkerHandle } from './bullmq-worker';

/**
 * Parses worker arguments, starts the worker, and stops it on SIGINT/SIGTERM.
 *
 * @example
 * ```ts
 * await runBullmqWorkerCli(['--redis', 'redis://localhost:6379', '--queue', 'sweeps']);
 * ```
 */
export async function runBullmqWorkerCli(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<BullmqWorkerHandle> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      redis: { type: 'string' },
      queue: { type: 'string' },
      prefix: { type: 'string' },
      concurrency: { type: 'string' },
      evaluator: { type: 'string' },
      'task-timeout': { type: 'string' },
      'lock-duration': { type: 'string' },
      'stalled-interval': { type: 'string' },
      'max-stalled-count': { type: 'string' },
      'log-jobs': { type: 'boolean', default: false },
    },
    allowPositionals: false,
  });
  const redis = values.redis ?? env.REDIS_URL;
  if (!redis) throw new ValidationError([{ path: ['redis'], message: 'give --redis redis://host:6379 or set REDIS_URL' }]);
  const num = (v: string | undefined): number | undefined => (v === undefined ? undefined : Number(v));
  const concurrency = num(values.concurrency);
  const timing = {
    taskTimeoutMs: num(values['task-timeout']),
    lockDurationMs: num(values['lock-duration']),
    stalledIntervalMs: num(values['stalled-interval']),
    maxStalledCount: num(values['max-stalled-count']),
  };
  const [module, exportName] = values.evaluator?.split('#') ?? [];
  const worker = await startBullmqWorker({
    connection: redis,
    ...(values.queue ? { queue: values.queue } : {}),
    ...(values.prefix ? { prefix: values.prefix } : {}),
    ...(concurrency !== undefined ? { concurrency } : {}),
    ...(module ? { evaluator: { module, ...(exportName ? { export: exportName } : {}) } } : {}),
    ...Object.fromEntries(Object.entries(timing).filter(([, v]) => v !== undefined)),
    ...(values['log-jobs']
      ? {
          onStart: (e: { jobId: string }) => process.stdout.write(`active ${e.jobId}\n`),
          onTask: (e: { jobId: string; ok: boolean }) => process.stdout.write(`${e.ok ? 'completed' : 'failed'} ${e.jobId}\n`),
        }
      : {}),
  });
  const stop = (): void => {
    void worker.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  process.stdout.write(`rxtrade worker ready queue=${worker.queue} pid=${process.pid}\n`);
  return worker;
}

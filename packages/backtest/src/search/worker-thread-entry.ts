/**
 * The code each worker thread of a {@link WorkerThreadExecutor} runs: it resolves the evaluator once,
 * then evaluates the tasks the pool posts, one at a time in order, and posts back each result or error. Built
 * as its own entry (`dist/worker-thread-entry.js`) so that the published package can start it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { resolveEvaluator } from './resolve-evaluator';
import type { EvaluatorRef } from './task-evaluator';
import type { SweepTask } from './types';
import type { FromWorker, ToWorker } from './worker-thread-protocol';

const port = parentPort;
if (port) {
  const { evaluator } = (workerData ?? {}) as { evaluator?: EvaluatorRef };
  const ready = resolveEvaluator(evaluator);
  // A failed import is reported with the first task; unobserved, it would end the thread.
  ready.catch(() => undefined);
  // Tasks run one at a time in arrival order: the pool sends the next before this one ends (prefetch)
  // so that the thread never waits for the main thread between tasks.
  let chain: Promise<void> = Promise.resolve();
  port.on('message', (message: ToWorker) => {
    chain = chain.then(() => handle(message.task));
  });
  async function handle(task: SweepTask): Promise<void> {
    const started: FromWorker = { type: 'started', taskId: task.id };
    port!.postMessage(started);
    let reply: FromWorker;
    try {
      const evaluate = await ready;
      reply = { type: 'result', taskId: task.id, result: await evaluate(task) };
    } catch (error) {
      reply = {
        type: 'error',
        taskId: task.id,
        message: error instanceof Error ? error.message : String(error),
        stack: error instanceof Error ? error.stack : undefined,
      };
    }
    port!.postMessage(reply);
  }
}

/**
 * The code each worker thread of a {@link WorkerThreadExecutor} runs: it resolves the evaluator once
 * (and says so with a `ready` message), then evaluates the tasks the pool posts (several per message),
 * one at a time in arrival order, and posts back each result or error. Built as its own entry
 * (`dist/worker-thread-entry.js`) so that the published package can start it.
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
  ready.then(
    () => port.postMessage({ type: 'ready' } satisfies FromWorker),
    () => port.postMessage({ type: 'ready' } satisfies FromWorker),
  );
  // Tasks run one at a time in arrival order: the pool sends the next ones before these end, so that
  // the thread never waits for the main thread between tasks.
  const queue: SweepTask[] = [];
  let head = 0;
  let busy = false;
  port.on('message', (message: ToWorker) => {
    for (const task of message.tasks) queue.push(task);
    if (!busy) void drain();
  });
  async function drain(): Promise<void> {
    busy = true;
    // Only a task that starts after an idle spell is announced; the others start with the reply to
    // the task before them (its `next`).
    let announce = true;
    while (head < queue.length) {
      const task = queue[head++]!;
      if (announce) port!.postMessage({ type: 'started', taskId: task.id } satisfies FromWorker);
      let reply: FromWorker;
      try {
        const evaluate = await ready;
        const result = await evaluate(task);
        reply = { type: 'result', taskId: task.id, result, next: queue[head]?.id };
      } catch (error) {
        reply = {
          type: 'error',
          taskId: task.id,
          message: error instanceof Error ? error.message : String(error),
          stack: error instanceof Error ? error.stack : undefined,
          next: queue[head]?.id,
        };
      }
      announce = reply.next === undefined;
      port!.postMessage(reply);
    }
    queue.length = 0;
    head = 0;
    busy = false;
  }
}

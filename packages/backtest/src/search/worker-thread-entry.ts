/**
 * The code each worker thread of a {@link WorkerThreadExecutor} runs: it resolves the evaluator once
 * (and says so with a `ready` message), then evaluates the tasks the pool posts (several per message),
 * one at a time in arrival order, and posts back their results and errors, a few short tasks' together
 * (see {@link REPORT_EVERY_MS}). After each task it counts it in the pool's shared progress counter,
 * so that the pool knows which task is running even while replies are held. Built as its own entry
 * (`dist/worker-thread-entry.js`) so that the published package can start it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { resolveEvaluator } from './resolve-evaluator';
import type { EvaluatorRef } from './task-evaluator';
import type { SweepTask } from './types';
import { shouldReport, type FromWorker, type TaskReply, type ToWorker } from './worker-thread-protocol';

const port = parentPort;
if (port) {
  const { evaluator, progress } = (workerData ?? {}) as { evaluator?: EvaluatorRef; progress?: SharedArrayBuffer };
  /** Tasks ended since this thread started (read by the pool; absent when started by other code). */
  const ended = progress === undefined ? undefined : new Int32Array(progress);
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
  /**
   * Posts replies; a result that cannot be copied to the pool (a function in it, say) goes as its
   * task's error instead of ending the thread.
   */
  function send(replies: TaskReply[], next: number | undefined): void {
    try {
      port!.postMessage({ type: 'replies', replies, next } satisfies FromWorker);
    } catch (error) {
      const checked = replies.map((reply): TaskReply => {
        try {
          structuredClone(reply);
          return reply;
        } catch (e) {
          return { type: 'error', taskId: reply.taskId, message: `its result cannot be sent to the pool: ${(e as Error).message}`, stack: undefined };
        }
      });
      if (checked.every((r, i) => r === replies[i])) throw error;
      port!.postMessage({ type: 'replies', replies: checked, next } satisfies FromWorker);
    }
  }
  /** Replies not sent yet, and when the first of their tasks started. */
  let pending: TaskReply[] = [];
  let pendingSince = 0;
  async function drain(): Promise<void> {
    busy = true;
    // Only a task that starts after an idle spell is announced; the others start with the replies to
    // the tasks before them (their `next`).
    let announce = true;
    while (head < queue.length) {
      const task = queue[head++]!;
      if (announce) port!.postMessage({ type: 'started', taskId: task.id } satisfies FromWorker);
      const started = performance.now();
      let reply: TaskReply;
      try {
        const evaluate = await ready;
        const result = await evaluate(task);
        reply = { type: 'result', taskId: task.id, result };
      } catch (error) {
        reply = {
          type: 'error',
          taskId: task.id,
          message: error instanceof Error ? error.message : String(error),
          stack: error instanceof Error ? error.stack : undefined,
        };
      }
      if (ended !== undefined) Atomics.add(ended, 0, 1);
      if (pending.length === 0) pendingSince = started;
      pending.push(reply);
      announce = false;
      if (shouldReport(pendingSince, performance.now(), head, queue.length)) {
        send(pending, queue[head]?.id);
        pending = [];
      }
    }
    queue.length = 0;
    head = 0;
    busy = false;
  }
}

/**
 * Paper trading: the same pipeline, trading node, simulated venue and ledger as a backtest, but time is
 * the wall clock and events arrive when the feed pushes them. Events that arrive while asynchronous work
 * is pending wait in order, so a paper run over recorded data produces the same orders and fills as a
 * backtest over the same data.
 */
import { LiveClock, type Clock, type MarketData, type Pipeline } from '@rxtrade/core';
import type { Observable } from 'rxjs';
import type { RunnerConfig } from './config';
import { collectResult, createNode } from './setup';
import type { RunResult } from './result';

/** Configuration of {@link runPaper}. */
export interface PaperConfig extends RunnerConfig {
  /** Market data as it arrives: a live connector's stream, or `replayFeed` over recorded data. */
  readonly feed: Observable<MarketData>;
  /** Defaults to a {@link LiveClock}. */
  readonly clock?: Clock;
}

/**
 * Runs a pipeline against a feed in wall time with the simulated venue; resolves when the feed
 * completes.
 *
 * @example
 * ```ts
 * const clock = new LiveClock();
 * const result = await runPaper(pipeline, {
 *   feed: replayFeed([bars], { clock, intervalMs: 1 }),
 *   clock, instruments: [goog], ledger: { startingCash: 100_000 }, venue: { commission: 0.002 },
 * });
 * ```
 */
export function runPaper(pipeline: Pipeline, config: PaperConfig): Promise<RunResult> {
  const clock = config.clock ?? new LiveClock();
  const { node, ledger, startingCash } = createNode(config, clock);
  return new Promise<RunResult>((resolve, reject) => {
    const queue: MarketData[] = [];
    let busy = false;
    let feedDone = false;
    let settled = false;

    const end = (): void => {
      if (settled) return;
      settled = true;
      subscription?.unsubscribe();
      node.finish();
      node.work.whenIdle().then(() => {
        if (node.failed) reject(node.failed.error);
        else resolve(collectResult(node, ledger, startingCash));
      }, reject);
    };

    const drain = async (): Promise<void> => {
      busy = true;
      try {
        while (queue.length > 0 && !node.failed) {
          const event = queue.shift()!;
          if (node.handle(event)) await node.work.whenIdle();
          node.recordEquity(event.ts);
        }
      } finally {
        busy = false;
      }
      if (node.failed || feedDone) end();
    };

    node.start(pipeline);
    let subscription: { unsubscribe(): void } | undefined;
    subscription = config.feed.subscribe({
      next: (event) => {
        queue.push(event);
        if (!busy) void drain().catch(reject);
      },
      error: (error: unknown) => {
        settled = true;
        node.finish();
        reject(error);
      },
      complete: () => {
        feedDone = true;
        if (!busy) end();
      },
    });
  });
}

/**
 * Paper trading: the same pipeline, trading kernel, simulated venue and ledger as a backtest, but time is
 * the wall clock and events arrive when the feed pushes them. Events that arrive while asynchronous work
 * is pending wait in order, so a paper run over recorded data produces the same orders and fills as a
 * backtest over the same data.
 *
 * Every event of the feed is validated on arrival (fields, and time per instrument). The run ends with
 * the cause on the first fault: a bad event, a feed error, a pipeline error, a malformed command, a
 * stage that does not settle within `stageTimeoutMs`, an anomaly in strict mode. Before `runPaper`
 * rejects it has unsubscribed from the feed and stopped the node, so no order is sent afterwards.
 */
import { z } from 'zod';
import { LiveClock, MarketDataValidator, parseWith, type Clock, type MarketData, type Pipeline } from '@rxtrade/core';
import { describeMarketEvent as describeEvent, type OrderAnomaly } from '@rxtrade/execution';
import type { Observable, Subscription } from 'rxjs';
import { RunnerConfigSchema, type RunnerConfig } from './config';
import { collectResult, createNode, runnerHooks } from './setup';
import type { RunResult } from './result';

const isObservable = (v: unknown): boolean => typeof v === 'object' && v !== null && typeof (v as { subscribe?: unknown }).subscribe === 'function';

/**
 * Schema of {@link PaperConfig}: the runner's config plus the feed, the clock and `onAnomaly`.
 *
 * @example
 * ```ts
 * const c = parseWith(PaperConfigSchema, { feed, instruments: [goog], ledger: { startingCash: 1000 } }, 'config');
 * c.stageTimeoutMs; // 30000
 * ```
 */
export const PaperConfigSchema = RunnerConfigSchema.extend({
  feed: z.custom<Observable<MarketData>>(isObservable, 'must be an Observable of market data'),
  clock: z.custom<Clock>((v) => typeof v === 'object' && v !== null && typeof (v as { now?: unknown }).now === 'function', 'must be a Clock').optional(),
  ...runnerHooks,
});

/** Configuration of {@link runPaper}. */
export interface PaperConfig extends RunnerConfig {
  /** Market data as it arrives: a live connector's stream, or `replayFeed` over recorded data. */
  readonly feed: Observable<MarketData>;
  /** Defaults to a {@link LiveClock}. */
  readonly clock?: Clock;
  /**
   * Called with each order anomaly as it is met (they are also listed in the result's `anomalies`); an
   * error it throws fails the run.
   */
  readonly onAnomaly?: (anomaly: OrderAnomaly) => void;
}

/**
 * Runs a pipeline against a feed in wall time with the simulated venue; resolves when the feed
 * completes and the work it caused has settled. Rejects with the first fault, after it has
 * unsubscribed from the feed and stopped the node.
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
  return new Promise<RunResult>((resolve, reject) => {
    const c = parseWith(PaperConfigSchema, config, 'config');
    const clock = c.clock ?? new LiveClock();
    const { node, ledger, startingCash } = createNode(c, clock);
    const validator = new MarketDataValidator('feed');
    const timeout = c.stageTimeoutMs;
    // Events received and not yet handled, oldest first: queue[head] is the next one.
    const queue: MarketData[] = [];
    let head = 0;
    let received = 0;
    let busy = false;
    let feedDone = false;
    let settled = false;
    let subscription: Subscription | undefined;

    // The one way a run fails: feed off and node stopped first, then the rejection.
    const fail = (error: unknown): void => {
      if (settled) return;
      settled = true;
      subscription?.unsubscribe();
      node.fail(error);
      node.stop();
      queue.length = 0;
      reject(error);
    };
    node.onFailure = fail;

    const complete = async (): Promise<void> => {
      try {
        node.finish();
        await node.settle(timeout, () => 'the end of the feed (the market streams completed)');
        if (settled) return;
        const result = collectResult(node, ledger, startingCash);
        settled = true;
        node.stop();
        resolve(result);
      } catch (error) {
        fail(error);
      }
    };

    const drain = async (): Promise<void> => {
      busy = true;
      try {
        while (head < queue.length && !settled) {
          const index = received - (queue.length - head);
          const event = queue[head++]!;
          if (head === queue.length) {
            queue.length = 0;
            head = 0;
          }
          if (node.handle(event)) await node.settle(timeout, () => `feed[${index}] (${describeEvent(event)})`);
          if (settled) return;
          node.recordEquity(event.ts);
        }
      } catch (error) {
        fail(error);
        return;
      } finally {
        busy = false;
      }
      if (feedDone && !settled) await complete();
    };

    try {
      node.start(pipeline);
    } catch (error) {
      fail(error);
      return;
    }
    if (settled) return;
    subscription = c.feed.subscribe({
      next: (event) => {
        if (settled) return;
        try {
          validator.check(event, received++);
        } catch (error) {
          fail(error);
          return;
        }
        queue.push(event);
        if (!busy) void drain();
      },
      error: (error: unknown) => fail(error),
      complete: () => {
        feedDone = true;
        if (!busy && !settled) void complete();
      },
    });
    // The feed may have failed (or the run ended) while subscribing, before `subscription` was set.
    if (settled) subscription.unsubscribe();
  });
}

/**
 * `shadowSignals`: runs candidate models beside the live one on the same inputs. The live model's
 * signals go on to sizing and orders; the shadows' signals are only written to a {@link ShadowLog},
 * next to the live signals, so that a candidate is judged on the data it would have traded before it is
 * trusted with money. A shadow's signals never leave the stage, and a shadow that fails is logged and
 * dropped without disturbing the live model.
 */
import { Observable, share, type OperatorFunction } from 'rxjs';
import { z } from 'zod';
import { parseWith } from '@rxtrade/core';
import type { Signal } from '../signals/signal';

/** One logged signal, or a shadow's failure. */
export type ShadowLogEntry =
  | { readonly role: 'live' | 'shadow'; readonly name: string; readonly signal: Signal }
  | { readonly role: 'shadow'; readonly name: string; readonly error: unknown };

/**
 * The signals of the live model and its shadows, in the order they were made.
 *
 * @example
 * ```ts
 * const log = new ShadowLog();
 * // … run
 * log.signals('candidate-v2').filter((s) => s.direction !== 'flat').length;
 * ```
 */
export class ShadowLog {
  readonly entries: ShadowLogEntry[] = [];

  /** Appends an entry. */
  record(entry: ShadowLogEntry): void {
    this.entries.push(entry);
  }

  /** The signals logged under `name` (`'live'` for the live model's). */
  signals(name: string): Signal[] {
    const out: Signal[] = [];
    for (const e of this.entries) if (e.name === name && 'signal' in e) out.push(e.signal);
    return out;
  }
}

/** Options of {@link shadowSignals}. */
export interface ShadowSignalsConfig<I> {
  /** The live model's stage: its signals are emitted. */
  readonly live: OperatorFunction<I, Signal>;
  /** The shadows' stages by name: their signals are logged, never emitted. */
  readonly shadows: Readonly<Record<string, OperatorFunction<I, Signal>>>;
  readonly log: ShadowLog;
}

const fn = z.custom<OperatorFunction<unknown, Signal>>((f) => typeof f === 'function', 'must be an operator (input stream in, signals out)');
const ConfigSchema = z.strictObject({
  live: fn,
  shadows: z.record(z.string().min(1).refine((n) => n !== 'live', '"live" names the live model'), fn),
  log: z.custom<ShadowLog>((l) => l instanceof ShadowLog, 'must be a ShadowLog'),
});

/**
 * Emits the live model's signals; logs every shadow's beside them.
 *
 * @example
 * ```ts
 * const log = new ShadowLog();
 * ctx.market.bars(goog.id).pipe(
 *   features,
 *   shadowSignals({ live: signalsOf(current), shadows: { candidate: signalsOf(candidate) }, log }),
 *   sizeSignals({ ctx, sizing: fixedFraction(0.1), price: () => last }),
 * );
 * ```
 */
export function shadowSignals<I>(config: ShadowSignalsConfig<I>): OperatorFunction<I, Signal> {
  const c = parseWith(ConfigSchema, config, 'shadowSignals');
  const log = c.log;
  return (inputs) =>
    new Observable<Signal>((subscriber) => {
      const shared = inputs.pipe(share());
      // The output completes once the live stage and every shadow are done, so a shadow's last signals are logged.
      let running = Object.keys(config.shadows).length + 1;
      const done = (): void => {
        if (--running === 0) subscriber.complete();
      };
      // Shadows subscribe first: a synchronous shadow's signal for an input is logged before the live one's.
      const shadowSubscriptions = Object.entries(config.shadows).map(([name, stage]) =>
        stage(shared).subscribe({
          next: (signal) => log.record({ role: 'shadow', name, signal }),
          error: (error: unknown) => {
            log.record({ role: 'shadow', name, error });
            done();
          },
          complete: done,
        }),
      );
      const live = config.live(shared).subscribe({
        next: (signal) => {
          log.record({ role: 'live', name: 'live', signal });
          subscriber.next(signal);
        },
        error: (e: unknown) => subscriber.error(e),
        complete: done,
      });
      return () => {
        live.unsubscribe();
        for (const s of shadowSubscriptions) s.unsubscribe();
      };
    });
}

/**
 * A progress display for long CLI work (sweeps, walk-forward folds). On a terminal it redraws one line
 * in place: a bar, the count, the rate and the time left. When stderr is not a terminal (CI logs, pipes)
 * it writes a plain `label: done/total` line at every tenth of the work, so logs stay short. Time comes
 * from a core `Clock` (a `LiveClock` in the CLI), never from the system clock directly.
 */
import type { Clock } from '@rxtrade/core';

/** Where a {@link Progress} writes: a stream-like sink and whether it is a terminal. */
export interface ProgressSink {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/**
 * A progress bar or line counter.
 *
 * @example
 * ```ts
 * const progress = new Progress({ label: 'sweep', total: 200, sink: process.stderr, clock: new LiveClock() });
 * for (const task of tasks) { await run(task); progress.tick(); }
 * progress.done();
 * ```
 */
export class Progress {
  private count = 0;
  private readonly started: number;
  private lastDraw = -Infinity;
  private lastStep = 0;
  private finished = false;

  constructor(
    private readonly options: {
      readonly label: string;
      readonly total: number;
      readonly sink: ProgressSink;
      readonly clock: Clock;
      /** Draw nothing at all (for `--json` runs that want a quiet stderr); default false. */
      readonly silent?: boolean;
    },
  ) {
    this.started = options.clock.now();
    if (this.tty) this.draw();
  }

  private get tty(): boolean {
    return this.options.sink.isTTY === true;
  }

  /** Counts `n` more units of work done. */
  tick(n = 1): void {
    this.count = Math.min(this.options.total, this.count + n);
    if (this.options.silent) return;
    if (this.tty) {
      const now = this.options.clock.now();
      // Redraw at most ~12 times a second, and always on the last unit.
      if (now - this.lastDraw >= 80 || this.count === this.options.total) this.draw(now);
      return;
    }
    const step = Math.floor((this.count * 10) / Math.max(1, this.options.total));
    if (step > this.lastStep || this.count === this.options.total) {
      this.lastStep = step;
      this.options.sink.write(`${this.options.label}: ${this.count}/${this.options.total}\n`);
    }
  }

  /** Ends the display (a final newline on a terminal). */
  done(): void {
    if (this.finished) return;
    this.finished = true;
    if (this.options.silent) return;
    if (this.tty) {
      this.draw();
      this.options.sink.write('\n');
    }
  }

  /** The line a terminal shows now, without its carriage return (exposed for tests). */
  line(now = this.options.clock.now()): string {
    const { label, total } = this.options;
    const fraction = total > 0 ? this.count / total : 1;
    const width = Math.max(10, Math.min(30, (this.options.sink.columns ?? 80) - label.length - 50));
    const filled = Math.round(fraction * width);
    const elapsed = Math.max(0, now - this.started) / 1000;
    const rate = elapsed > 0 ? this.count / elapsed : 0;
    const left = rate > 0 ? (total - this.count) / rate : NaN;
    const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
    return `${label} ${bar} ${this.count}/${total} ${(fraction * 100).toFixed(0).padStart(3)}%  ${rate.toFixed(rate >= 10 ? 0 : 1)}/s  ${Number.isFinite(left) ? `${formatSeconds(left)} left` : ''}`.trimEnd();
  }

  private draw(now = this.options.clock.now()): void {
    if (this.options.silent) return;
    this.lastDraw = now;
    this.options.sink.write(`\r\u001b[2K${this.line(now)}`);
  }
}

function formatSeconds(s: number): string {
  if (s < 60) return `${Math.ceil(s)}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

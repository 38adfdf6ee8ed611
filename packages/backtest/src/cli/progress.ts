/**
 * The progress of long CLI work (sweeps, walk-forward folds), always on stderr so that `--json` stdout
 * stays one JSON object.
 *
 * On a terminal, cli-progress draws one line and redraws it in place ten times a second: a bar, the
 * count and percentage, the rate, the elapsed time and the time left. Because it redraws on a timer, the
 * elapsed time moves while a slow fold runs; the time left is estimated over the last 50 units of work,
 * so it follows a run that speeds up or slows down; a line wider than the terminal is cut, not wrapped.
 *
 * When stderr is not a terminal (CI logs, pipes, `2> file`) this class writes a plain
 * `label: done/total` line at every tenth of the work, ten lines at most. cli-progress's own
 * non-terminal mode writes a line on a timer instead (every 2 s), which fills the log of an hour-long
 * sweep with thousands of identical lines; that part stays ours.
 */
import cliProgress from 'cli-progress';
import { LiveClock } from '@rxtrade/core';

/** cli-progress times the bar on the wall clock; so does the line's elapsed time (the live clock). */
const wall = new LiveClock();

/** Where a {@link Progress} writes: a stream-like sink and whether it is a terminal. */
export interface ProgressSink {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/** What a {@link Progress} counts and where it draws. */
export interface ProgressOptions {
  readonly label: string;
  readonly total: number;
  readonly sink: ProgressSink;
  /** Draw nothing at all; default false. */
  readonly silent?: boolean;
}

/**
 * A progress bar on a terminal, a line per tenth of the work elsewhere.
 *
 * @example
 * ```ts
 * const progress = new Progress({ label: 'sweep', total: 200, sink: process.stderr });
 * for (const task of tasks) { await run(task); progress.tick(); }
 * progress.done();
 * ```
 */
export class Progress {
  private count = 0;
  private lastStep = 0;
  private finished = false;
  private readonly bar: cliProgress.SingleBar | undefined;

  constructor(private readonly options: ProgressOptions) {
    if (options.silent || options.sink.isTTY !== true) return;
    const { label } = options;
    this.bar = new cliProgress.SingleBar({
      // cli-progress writes with `write` and moves the cursor with readline's escape sequences.
      stream: options.sink as unknown as NodeJS.WritableStream,
      format: (o, params) => progressLine(label, params, o),
      barsize: Math.max(10, Math.min(30, (options.sink.columns ?? 80) - label.length - 60)),
      barCompleteChar: '█',
      barIncompleteChar: '░',
      etaBuffer: 50,
      // Cut lines to the terminal's width rather than switch its wrapping off: a run killed with
      // Ctrl-C must not leave the terminal without wrapping (or without a cursor).
      linewrap: true,
      hideCursor: false,
    });
    this.bar.start(options.total, 0);
  }

  /** Counts `n` more units of work done. */
  tick(n = 1): void {
    this.count = Math.min(this.options.total, this.count + n);
    if (this.options.silent || this.finished) return;
    if (this.bar) {
      this.bar.update(this.count);
      return;
    }
    const step = Math.floor((this.count * 10) / Math.max(1, this.options.total));
    if (step > this.lastStep || this.count === this.options.total) {
      this.lastStep = step;
      this.options.sink.write(`${this.options.label}: ${this.count}/${this.options.total}\n`);
    }
  }

  /** Ends the display: a terminal keeps the last line, followed by a newline. */
  done(): void {
    if (this.finished) return;
    this.finished = true;
    this.bar?.stop();
  }
}

/** `sweep ████████░░░░ 4/10  40%  2.0/s  2s elapsed  3s left`. */
function progressLine(label: string, params: cliProgress.Params, options: cliProgress.Options): string {
  const { value, total } = params;
  const elapsed = Math.max(0, (params.stopTime ?? wall.now()) - params.startTime) / 1000;
  const rate = elapsed > 0 ? value / elapsed : 0;
  // cli-progress's estimate is a number of seconds, or 'NULL' / 'INF' before it has two points or a rate.
  const eta = params.eta as unknown;
  const left = value < total && typeof eta === 'number' && Number.isFinite(eta) ? `  ${formatSeconds(eta)} left` : '';
  const bar = cliProgress.Format.BarFormat(params.progress, options);
  const percent = `${Math.floor(params.progress * 100)}`.padStart(3);
  return `${label} ${bar} ${value}/${total} ${percent}%  ${rate.toFixed(rate >= 10 ? 0 : 1)}/s  ${formatSeconds(elapsed)} elapsed${left}`;
}

function formatSeconds(s: number): string {
  if (s < 60) return `${Math.floor(s)}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${String(Math.floor(s % 60)).padStart(2, '0')}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

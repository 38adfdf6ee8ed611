/**
 * Progress of long `rxtrade data` work (an import, a download, an export), drawn on stderr only when
 * stderr is a terminal, so that stdout (and the JSON of `--json`) stays clean and logs and pipes get no
 * escape sequences. It follows the `rxtrade` command's progress bar (cli-progress, redrawn ten times a
 * second, cut to the terminal's width, time left estimated over the last 50 updates); work of unknown
 * size (rows of a CSV file being imported) is drawn as a count and a rate instead of a bar.
 */
import cliProgress from 'cli-progress';
import { LiveClock } from '@rxtrade/core';
import type { DataCliSink } from './data-io';

/** cli-progress times the bar on the wall clock; so does the line's elapsed time. */
const wall = new LiveClock();

/** What a {@link DataProgress} counts and where it draws. */
export interface DataProgressOptions {
  /** The first word of the line (`import`, `download BTC/USDT`). */
  readonly label: string;
  /** Units of work in all; undefined when unknown (then a count is drawn, not a bar). */
  readonly total?: number;
  /** What is counted, after the count of an unknown total (`rows`). */
  readonly unit?: string;
  readonly sink: DataCliSink;
  /** Counted in thousandths of the work (`set(fraction * 1000)`), drawn as a percentage without counts or rate. */
  readonly fraction?: boolean;
}

/**
 * A progress bar on a terminal, nothing elsewhere.
 *
 * @example
 * ```ts
 * const progress = new DataProgress({ label: 'export', total: rows, sink: io.stderr });
 * for (const chunk of chunks) progress.tick(chunk.length);
 * progress.done();
 * ```
 */
export class DataProgress {
  private count = 0;
  private finished = false;
  private readonly bar: cliProgress.SingleBar | undefined;

  constructor(private readonly options: DataProgressOptions) {
    if (options.sink.isTTY !== true) return;
    const { label, unit = '' } = options;
    const total = options.fraction ? 1000 : options.total;
    this.bar = new cliProgress.SingleBar({
      stream: options.sink as unknown as NodeJS.WritableStream,
      format: (o, params) => (total === undefined ? countLine(label, unit, params) : barLine(label, params, o, options.fraction === true)),
      barsize: Math.max(10, Math.min(30, (options.sink.columns ?? 80) - label.length - 60)),
      barCompleteChar: '█',
      barIncompleteChar: '░',
      etaBuffer: 50,
      linewrap: true,
      hideCursor: false,
    });
    this.bar.start(total ?? 0, 0);
  }

  /** Counts `n` more units of work done. */
  tick(n = 1): void {
    this.set(this.count + n);
  }

  /** Sets the units of work done (a download reports where it has got to); thousandths with `fraction`. */
  set(done: number): void {
    const total = this.options.fraction ? 1000 : this.options.total;
    this.count = total === undefined ? done : Math.min(total, done);
    if (this.finished || !this.bar) return;
    this.bar.update(this.count);
  }

  /** Ends the display: a terminal keeps the last line, followed by a newline. */
  done(): void {
    if (this.finished) return;
    this.finished = true;
    this.bar?.stop();
  }
}

/** `export ████████░░░░ 4000/10000  40%  2.0k/s  2s elapsed  3s left`. */
function barLine(label: string, params: cliProgress.Params, options: cliProgress.Options, fraction: boolean): string {
  const { value, total } = params;
  const elapsed = elapsedSeconds(params);
  const eta = params.eta as unknown;
  const left = value < total && typeof eta === 'number' && Number.isFinite(eta) ? `  ${formatSeconds(eta)} left` : '';
  const bar = cliProgress.Format.BarFormat(params.progress, options);
  const percent = `${Math.floor(params.progress * 100)}`.padStart(3);
  if (fraction) return `${label} ${bar} ${percent}%  ${formatSeconds(elapsed)} elapsed${left}`;
  return `${label} ${bar} ${value}/${total} ${percent}%  ${rate(value, elapsed)}  ${formatSeconds(elapsed)} elapsed${left}`;
}

/** `import 120000 rows  40k/s  3s elapsed`. */
function countLine(label: string, unit: string, params: cliProgress.Params): string {
  const elapsed = elapsedSeconds(params);
  return `${label} ${params.value}${unit ? ` ${unit}` : ''}  ${rate(params.value, elapsed)}  ${formatSeconds(elapsed)} elapsed`;
}

function elapsedSeconds(params: cliProgress.Params): number {
  return Math.max(0, (params.stopTime ?? wall.now()) - params.startTime) / 1000;
}

function rate(value: number, elapsed: number): string {
  const r = elapsed > 0 ? value / elapsed : 0;
  if (r >= 10_000) return `${(r / 1000).toFixed(0)}k/s`;
  return `${r.toFixed(r >= 10 ? 0 : 1)}/s`;
}

function formatSeconds(s: number): string {
  if (s < 60) return `${Math.floor(s)}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${String(Math.floor(s % 60)).padStart(2, '0')}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

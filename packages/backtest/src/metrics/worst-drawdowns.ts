/**
 * The deepest drawdown episodes of an equity curve, as quantstats' and PerformanceAnalytics'
 * `table.Drawdowns` list them. An episode starts at a running peak (the last point at the high before
 * equity falls), reaches its trough at the lowest point before equity regains the peak, and recovers at
 * the first point at or above the peak; an episode still open at the end has no recovery. Its length
 * runs from the peak to the recovery, or to the last point when it has not recovered, the same span as
 * `computeMetrics`' `maxDrawdownDurationMs` for the deepest one.
 */

/** One drawdown episode. */
export interface DrawdownEpisode {
  /** Time of the peak the episode falls from. */
  readonly start: number;
  /** Time of the lowest point. */
  readonly trough: number;
  /** Time equity first regained the peak; undefined when it has not by the end of the curve. */
  readonly recovery: number | undefined;
  /** Depth at the trough: 1 - trough equity / peak equity (positive). */
  readonly depth: number;
  /** Calendar days from the peak to the recovery (or to the last point when not recovered). */
  readonly days: number;
  /** The same span in periods (equity points). */
  readonly periods: number;
}

const DAY = 86_400_000;

/**
 * The `count` deepest drawdown episodes, deepest first (ties: the earlier first).
 *
 * @example
 * ```ts
 * worstDrawdowns(result.equityCurve.ts, result.equityCurve.equity, 5)
 *   .map((d) => `${(d.depth * 100).toFixed(1)}% over ${d.days} days${d.recovery === undefined ? ' (not recovered)' : ''}`);
 * ```
 */
export function worstDrawdowns(ts: ArrayLike<number>, equity: ArrayLike<number>, count = 5): DrawdownEpisode[] {
  const n = Math.min(ts.length, equity.length);
  const episodes: DrawdownEpisode[] = [];
  let peak = 0;
  let trough = -1;
  let depth = 0;
  const close = (end: number, recovered: boolean): void => {
    if (trough < 0) return;
    episodes.push({
      start: ts[peak]!,
      trough: ts[trough]!,
      recovery: recovered ? ts[end]! : undefined,
      depth,
      days: (ts[end]! - ts[peak]!) / DAY,
      periods: end - peak,
    });
  };
  for (let i = 1; i < n; i++) {
    const v = equity[i]!;
    const high = equity[peak]!;
    if (v >= high) {
      close(i, true);
      peak = i;
      trough = -1;
      depth = 0;
    } else {
      const d = v <= 0 ? 1 : 1 - v / high;
      if (d > depth) {
        depth = d;
        trough = i;
      }
    }
  }
  if (n > 0) close(n - 1, false);
  return episodes
    .map((e, i) => ({ e, i }))
    .sort((a, b) => b.e.depth - a.e.depth || a.i - b.i)
    .slice(0, count)
    .map((x) => x.e);
}

/**
 * Counts asynchronous work in flight so that a backtest runner can deliver the next event only once
 * everything caused by the previous one has settled. Synchronous pipelines never touch it, so the hot
 * path stays synchronous.
 */
export class WorkTracker {
  private count = 0;
  private waiters: Array<() => void> = [];

  /** Units of work in flight. */
  get pending(): number {
    return this.count;
  }

  /** Marks the start of one unit of asynchronous work. Pair with {@link WorkTracker.end}. */
  begin(): void {
    this.count++;
  }

  /** Marks the end of one unit of work started with {@link WorkTracker.begin}. */
  end(): void {
    if (this.count === 0) throw new Error('WorkTracker.end() called more often than begin()');
    if (--this.count === 0) {
      const waiters = this.waiters;
      this.waiters = [];
      for (const w of waiters) w();
    }
  }

  /**
   * Tracks a promise: the work counts as pending until it settles.
   *
   * @example
   * ```ts
   * const prediction = await ctx.work.track(session.run(feeds));
   * ```
   */
  track<T>(promise: PromiseLike<T>): Promise<T> {
    this.begin();
    return Promise.resolve(promise).finally(() => this.end());
  }

  /** Resolves when no work is pending (at once if none is). */
  whenIdle(): Promise<void> {
    if (this.count === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}

/**
 * Counts failed kill switch attempts per client address in a sliding window, so that a token cannot be
 * guessed by brute force. Counted per address rather than for the whole dashboard, so that a stranger
 * hammering the endpoint cannot lock the operator out of the kill switch from another address.
 */
export class FailedAttempts {
  readonly #failures = new Map<string, number[]>();

  /**
   * @param max failures allowed per address within the window.
   * @param windowMs the window, in milliseconds.
   * @param now the clock (epoch milliseconds).
   * @param maxAddresses addresses tracked at once; beyond it the stalest is forgotten, so the map stays bounded.
   */
  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
    private readonly maxAddresses = 10_000,
  ) {}

  /** Milliseconds until `address` may try again; 0 when it may try now. */
  retryAfterMs(address: string): number {
    const recent = this.#recent(address);
    if (recent.length < this.max) return 0;
    return Math.max(1, recent[recent.length - this.max]! + this.windowMs - this.now());
  }

  /** Records a failure from `address`. */
  fail(address: string): void {
    const recent = this.#recent(address);
    recent.push(this.now());
    this.#failures.delete(address);
    this.#failures.set(address, recent);
    if (this.#failures.size > this.maxAddresses) this.#failures.delete(this.#failures.keys().next().value!);
  }

  /** Addresses currently tracked. */
  get size(): number {
    return this.#failures.size;
  }

  #recent(address: string): number[] {
    const since = this.now() - this.windowMs;
    const recent = (this.#failures.get(address) ?? []).filter((t) => t > since);
    if (recent.length === 0) this.#failures.delete(address);
    return recent;
  }
}

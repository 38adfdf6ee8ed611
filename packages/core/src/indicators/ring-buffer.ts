/**
 * A fixed-capacity ring of numbers that can undo its latest push: the building block that lets an
 * indicator revise its latest input (`replace`) in O(1) and bit for bit as if the revised input had been
 * pushed instead.
 */

/**
 * Ring buffer of the last `capacity` numbers with a one-step undo.
 *
 * @example
 * ```ts
 * const ring = new RingBuffer(3);
 * ring.push(1); ring.push(2); ring.push(3); ring.push(4); // returns 1, the value that fell out
 * ring.ago(0); // 4
 * ```
 */
export class RingBuffer {
  readonly capacity: number;
  private readonly data: Float64Array;
  private head = 0;
  /** Number of values held (at most `capacity`). */
  size = 0;
  private undoValue = 0;
  private undoWasFull = false;

  constructor(capacity: number) {
    this.capacity = capacity;
    this.data = new Float64Array(capacity);
  }

  /** Appends `x`; returns the value that fell out, or 0 while the ring was not full. */
  push(x: number): number {
    const h = this.head;
    const dropped = this.data[h]!;
    const wasFull = this.size === this.capacity;
    this.undoValue = dropped;
    this.undoWasFull = wasFull;
    this.data[h] = x;
    this.head = h + 1 === this.capacity ? 0 : h + 1;
    if (!wasFull) this.size++;
    return wasFull ? dropped : 0;
  }

  /** Takes back the latest push (one level). */
  undo(): void {
    const h = this.head === 0 ? this.capacity - 1 : this.head - 1;
    this.head = h;
    this.data[h] = this.undoValue;
    if (!this.undoWasFull) this.size--;
  }

  /** The value pushed `k` pushes ago: 0 is the newest. `k` must be below `size`. */
  ago(k: number): number {
    let i = this.head - 1 - k;
    if (i < 0) i += this.capacity;
    return this.data[i]!;
  }

  /** True when the ring holds `capacity` values. */
  get isFull(): boolean {
    return this.size === this.capacity;
  }

  /** Forgets every value. */
  reset(): void {
    this.data.fill(0);
    this.head = 0;
    this.size = 0;
    this.undoValue = 0;
    this.undoWasFull = false;
  }
}

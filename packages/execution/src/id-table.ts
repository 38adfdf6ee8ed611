/**
 * A map keyed by client order id that stays cheap when it holds a whole run's orders.
 */

/** Longest run of digits read as a sequence number (2^53 has 16 digits). */
const MAX_DIGITS = 15;
/** Largest jump between two sequence numbers kept in the dense part (ids built and never submitted leave gaps). */
const MAX_GAP = 1024;
/** A dense part this much longer than its live entries (and over {@link MIN_SPAN}) moves to the map. */
const SPARSE_FACTOR = 8;
const MIN_SPAN = 4096;
/** Deleted entries at the front of the dense part that make it move its live entries down. */
const COMPACT_AT = 1024;

/**
 * A `Map<string, V>` for client order ids, with the same results (`get`, `has`, `set`, `delete`,
 * `size`, and `values()` in insertion order), built for the ids `OrderFactory` makes: one prefix and
 * a counter (`momentum-1`, `momentum-2`, ...).
 *
 * Those are kept in an array indexed by the counter, so that a lookup or an insertion touches memory
 * next to the previous one. In a `Map` of tens of thousands of orders, a new id's lookup walks a
 * hash chain through entries and key strings scattered over the heap: a cache miss at each step,
 * about a microsecond an order in a backtest that keeps its history.
 *
 * An id of another form, another prefix, a counter not above the last one, or a jump of more than
 * {@link MAX_GAP} moves every entry to the map, in insertion order, and the table is a plain map from
 * then on. So does a dense part that deletions left mostly empty behind a long-lived entry: the dense
 * part stays within a small multiple of its live entries, or a few thousand slots.
 *
 * @example
 * ```ts
 * const orders = new IdTable<Order>();
 * orders.set(order.clientOrderId, order);
 * orders.get('bench-1'); // the order
 * ```
 */
export class IdTable<V> {
  /** The prefix of the dense ids, up to and without the `-`; undefined before the first id. */
  private prefix: string | undefined;
  /** Counter of `dense[0]`. */
  private base = 0;
  /** Counter of the last id added to the dense part. */
  private last = 0;
  /** Entries by counter − base; undefined where none (a gap or a deleted id). */
  private dense: (V | undefined)[] = [];
  /** Index of the first entry of `dense` that may be live (everything before it is undefined). */
  private head = 0;
  private denseSize = 0;
  /** Every entry once the table gave up its dense part; undefined until then. */
  private map: Map<string, V> | undefined;
  /**
   * The last id read by {@link counterOf} once the prefix is known, and its counter: an order's id is
   * looked up several times in a row (a duplicate check, an insertion, each of its events).
   */
  private memoId: string | undefined;
  private memoN = -1;

  /** Number of entries. */
  get size(): number {
    return this.map === undefined ? this.denseSize : this.map.size;
  }

  get(id: string): V | undefined {
    if (this.map !== undefined) return this.map.get(id);
    const i = this.indexOf(id);
    return i < 0 ? undefined : this.dense[i];
  }

  has(id: string): boolean {
    return this.get(id) !== undefined;
  }

  /** Adds or replaces the entry of `id` (`value` must not be undefined). */
  set(id: string, value: V): void {
    const map = this.map;
    if (map !== undefined) {
      map.set(id, value);
      return;
    }
    const n = this.counterOf(id);
    if (n >= 0 && this.prefix === undefined) {
      this.prefix = id.slice(0, id.length - digitsOf(n) - 1);
      this.base = n;
      this.last = n - 1;
    }
    if (n >= 0 && n <= this.last) {
      const i = n - this.base;
      if (i >= this.head && this.dense[i] !== undefined) {
        this.dense[i] = value;
        return;
      }
    } else if (n > this.last && n - this.last <= MAX_GAP) {
      const dense = this.dense;
      for (let k = this.last + 1; k < n; k++) dense.push(undefined);
      dense.push(value);
      this.last = n;
      this.denseSize++;
      return;
    }
    this.toMap().set(id, value);
  }

  /** Removes the entry of `id`; returns whether there was one. */
  delete(id: string): boolean {
    if (this.map !== undefined) return this.map.delete(id);
    const i = this.indexOf(id);
    if (i < 0 || this.dense[i] === undefined) return false;
    const dense = this.dense;
    dense[i] = undefined;
    this.denseSize--;
    if (i === this.head) {
      let h = i + 1;
      while (h < dense.length && dense[h] === undefined) h++;
      this.head = h;
      // Drop the empty front, in place, once it is long and half the array: the dense part follows the
      // live entries. Not sooner: an array emptied to length 0 gives up its storage, and the next push
      // would allocate it again.
      if (h >= COMPACT_AT && h > dense.length >> 1) {
        dense.copyWithin(0, h);
        dense.length -= h;
        this.base += h;
        this.head = 0;
      }
    }
    if (this.denseSize > 0 && this.dense.length - this.head > MIN_SPAN && (this.dense.length - this.head) / this.denseSize > SPARSE_FACTOR) this.toMap();
    return true;
  }

  /** The entries' values, in insertion order. */
  *values(): IterableIterator<V> {
    if (this.map !== undefined) {
      yield* this.map.values();
      return;
    }
    const dense = this.dense;
    for (let i = this.head; i < dense.length; i++) {
      const v = dense[i];
      if (v !== undefined) yield v;
    }
  }

  /** Index in `dense` of a dense id, or -1. */
  private indexOf(id: string): number {
    const n = this.counterOf(id);
    if (n < 0 || n > this.last) return -1;
    const i = n - this.base;
    return i < this.head ? -1 : i;
  }

  /**
   * The counter of an id of the form `<prefix>-<digits>` (no leading zero, at most 15 digits) whose
   * prefix is the table's (any prefix before the first id); -1 otherwise.
   */
  private counterOf(id: string): number {
    if (id === this.memoId) return this.memoN;
    if (id !== parsedId) parse(id);
    const n = parsedN;
    if (n < 0) return -1;
    const prefix = this.prefix;
    if (prefix === undefined) return n;
    const counter = parsedDash === prefix.length && id.startsWith(prefix) ? n : -1;
    this.memoId = id;
    this.memoN = counter;
    return counter;
  }

  /** Moves every entry to a map, in insertion order (dense ids were added in increasing order). */
  private toMap(): Map<string, V> {
    const map = new Map<string, V>();
    const dense = this.dense;
    for (let i = this.head; i < dense.length; i++) {
      const v = dense[i];
      if (v !== undefined) map.set(`${this.prefix!}-${this.base + i}`, v);
    }
    this.map = map;
    this.dense = [];
    this.denseSize = 0;
    return map;
  }
}

// The last id `parse` read, shared by every table: an order's id goes through three of them in turn
// (the order manager's orders and open orders, the venue's), each of which would read its digits again.
let parsedId: string | undefined;
/** Its counter, or -1 when it is not of the form `<prefix>-<digits>`. */
let parsedN = -1;
/** The index of its `-` (the prefix's length). */
let parsedDash = -1;

/** Reads `id` as `<prefix>-<digits>` (no leading zero, at most {@link MAX_DIGITS} digits) into the variables above. */
function parse(id: string): void {
  parsedId = id;
  parsedN = -1;
  const end = id.length;
  let i = end - 1;
  let n = 0;
  let scale = 1;
  while (i >= 0) {
    const c = id.charCodeAt(i);
    if (c < 48 || c > 57) break;
    n += (c - 48) * scale;
    scale *= 10;
    i--;
  }
  const digits = end - 1 - i;
  if (digits === 0 || digits > MAX_DIGITS || i < 0 || id.charCodeAt(i) !== 45) return;
  if (digits > 1 && id.charCodeAt(i + 1) === 48) return;
  parsedN = n;
  parsedDash = i;
}

/** Number of decimal digits of a non-negative integer. */
function digitsOf(n: number): number {
  return n < 10 ? 1 : String(n).length;
}

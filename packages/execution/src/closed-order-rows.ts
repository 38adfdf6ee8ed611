/**
 * The order manager's closed orders that nothing can change any more, kept as rows of shared arrays
 * instead of one `Order` object each.
 */
import { OrderStatus } from '@rxtrade/core';
import { ORDER_ROW_SLOTS, Order } from './order';

/** Rows a chunk of references holds: 1,024 x {@link ORDER_ROW_SLOTS} slots. */
const CHUNK_ROWS = 1024;
/**
 * Rows the first chunk holds when created: it doubles up to {@link CHUNK_ROWS}, so that a short
 * backtest (a sweep runs thousands) does not allocate 100 KB for a few dozen orders.
 */
const FIRST_ROWS = 16;

/**
 * Closed orders as rows: the references of each (ids, Decimals) and a small integer for its side,
 * type, time in force, status and flags, in arrays of 1,024 rows, and its two times in a
 * `Float64Array`. An order a backtest keeps for its result would otherwise be an object of about 250
 * bytes and two boxed numbers that the young generation copies twice before it settles in the old one;
 * a row is a few slots of arrays that live in the old generation already, and the objects it points to
 * are its fill's, kept anyway.
 *
 * Only orders that no event can change are kept here ({@link ClosedOrderRows.accepts}): a row is read
 * back as a new `Order`, equal in every field, so the one the caller may still hold stays right.
 *
 * @example
 * ```ts
 * const rows = new ClosedOrderRows();
 * if (ClosedOrderRows.accepts(order)) {
 *   const row = rows.add(order);
 *   rows.order(row); // a new Order, equal to `order`
 * }
 * ```
 */
export class ClosedOrderRows {
  /**
   * The references, in chunks of {@link CHUNK_ROWS} rows created at full length (the first one grows
   * to it by doubling from {@link FIRST_ROWS}): a store into an array's existing slots is a plain
   * write, where appending to one array grows and copies it.
   */
  private readonly chunks: unknown[][] = [];
  /** The two times of every row, growing by doubling. */
  private times = new Float64Array(2 * FIRST_ROWS);
  private count = 0;

  /** Whether nothing can change `order` any more: FILLED, REJECTED or DENIED, and not held. */
  static accepts(order: Order): boolean {
    const s = order.status;
    return (s === OrderStatus.FILLED || s === OrderStatus.REJECTED || s === OrderStatus.DENIED) && order.held === undefined;
  }

  /** Number of rows. */
  get size(): number {
    return this.count;
  }

  /** Adds an order {@link ClosedOrderRows.accepts} took; returns its row. */
  add(order: Order): number {
    const row = this.count++;
    const slot = row % CHUNK_ROWS;
    const chunks = this.chunks;
    if (slot === 0) chunks.push(new Array<unknown>((row === 0 ? FIRST_ROWS : CHUNK_ROWS) * ORDER_ROW_SLOTS).fill(undefined));
    else if (row < CHUNK_ROWS && slot * ORDER_ROW_SLOTS === chunks[0]!.length) chunks[0] = grow(chunks[0]!);
    if (2 * row + 2 > this.times.length) {
      const grown = new Float64Array(this.times.length * 2);
      grown.set(this.times);
      this.times = grown;
    }
    Order.writeRow(order, chunks[chunks.length - 1]!, slot, this.times, row);
    return row;
  }

  /** The order of `row`, as a new object. */
  order(row: number): Order {
    return Order.readRow(this.chunks[(row / CHUNK_ROWS) | 0]!, row % CHUNK_ROWS, this.times, row);
  }

  /** The status of the order of `row`, without reading the order back. */
  status(row: number): OrderStatus {
    return Order.rowStatus(this.chunks[(row / CHUNK_ROWS) | 0]!, row % CHUNK_ROWS);
  }
}

/** The first chunk at twice its length (at most {@link CHUNK_ROWS} rows), its rows copied. */
function grow(chunk: unknown[]): unknown[] {
  const grown = new Array<unknown>(Math.min(2 * chunk.length, CHUNK_ROWS * ORDER_ROW_SLOTS)).fill(undefined);
  for (let i = 0; i < chunk.length; i++) grown[i] = chunk[i];
  return grown;
}

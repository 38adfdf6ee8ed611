/**
 * Positions over time, compactly: one entry per fill with the signed quantity held in that instrument
 * after it. The position at any time is the last entry at or before it (0 before the first).
 */
import { DecimalAccumulator, type Decimal, type Fill, type InstrumentId } from '@rxtrade/core';

/** The signed position in one instrument after a fill (negative = short). */
export interface PositionChange {
  readonly ts: number;
  readonly instrumentId: InstrumentId;
  readonly quantity: Decimal;
}

/**
 * Builds the change log of positions from fills (netting: buys add, sells subtract).
 *
 * @example
 * ```ts
 * const log = positionChanges(result.fills);
 * log.at(-1)?.quantity.toString(); // position after the last fill
 * ```
 */
export function positionChanges(fills: readonly Fill[]): PositionChange[] {
  // Exact running positions in integer arithmetic while they fit (see DecimalAccumulator).
  const held = new Map<InstrumentId, DecimalAccumulator>();
  const out: PositionChange[] = [];
  for (const f of fills) {
    let position = held.get(f.instrumentId);
    if (position === undefined) held.set(f.instrumentId, (position = new DecimalAccumulator()));
    if (f.side === 'BUY') position.add(f.quantity);
    else position.sub(f.quantity);
    out.push({ ts: f.ts, instrumentId: f.instrumentId, quantity: position.value });
  }
  return out;
}

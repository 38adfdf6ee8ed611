/**
 * The capabilities several venues share, for a router in front of them: the order manager checks each
 * command against one capability map without knowing which venue the command will reach.
 */
import type { VenueCapabilities, VenueEmulation } from '@rxtrade/core';

/**
 * What every one of several venues supports: the intersection of their order types, times in force and
 * contingencies, and a flag only when all have it. Emulation is offered only when every venue offers it.
 *
 * @example
 * ```ts
 * intersectCapabilities([a.capabilities, b.capabilities]).orderTypes // types both support
 * ```
 */
export function intersectCapabilities(all: readonly VenueCapabilities[]): VenueCapabilities {
  const first = all[0];
  if (first === undefined) return Object.freeze({ orderTypes: [], timeInForce: [], reduceOnly: false, postOnly: false, modify: false });
  const common = <T>(pick: (c: VenueCapabilities) => readonly T[]): readonly T[] =>
    Object.freeze(pick(first).filter((x) => all.every((c) => pick(c).includes(x))));
  const emulations = all.map((c) => c.emulation);
  let emulation: VenueEmulation | undefined;
  if (emulations.every((e): e is VenueEmulation => e !== undefined)) {
    const e0 = emulations[0]!;
    const commonE = <T>(pick: (e: VenueEmulation) => readonly T[]): readonly T[] => Object.freeze(pick(e0).filter((x) => emulations.every((e) => pick(e).includes(x))));
    emulation = Object.freeze({ orderTypes: commonE((e) => e.orderTypes), timeInForce: commonE((e) => e.timeInForce), contingencies: commonE((e) => e.contingencies) });
  }
  return Object.freeze({
    orderTypes: common((c) => c.orderTypes),
    timeInForce: common((c) => c.timeInForce),
    reduceOnly: all.every((c) => c.reduceOnly),
    postOnly: all.every((c) => c.postOnly),
    modify: all.every((c) => c.modify),
    ...(emulation ? { emulation } : {}),
  });
}

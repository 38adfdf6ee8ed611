import type { Instrument } from '../domain/instrument';
import type { InstrumentId } from '../domain/ids';
import { ValidationError } from '../errors';
import type { InstrumentRegistry } from './views';

/**
 * Builds an {@link InstrumentRegistry} from a list of instruments; duplicate ids are an error.
 *
 * @example
 * ```ts
 * const instruments = instrumentRegistry([goog]);
 * instruments.get(goog.id).tickSize // Decimal 0.01
 * ```
 */
export function instrumentRegistry(list: readonly Instrument[]): InstrumentRegistry {
  const byId = new Map<InstrumentId, Instrument>();
  list.forEach((instrument, i) => {
    if (byId.has(instrument.id)) throw new ValidationError([{ path: ['instruments', i, 'id'], message: `duplicate instrument id ${instrument.id}` }]);
    byId.set(instrument.id, instrument);
  });
  const all = Object.freeze([...byId.values()]);
  // The instrument found last: an order is looked up by its instrument about ten times on its way from
  // the strategy to the ledger, nearly always the same one in a row.
  let lastId: InstrumentId | undefined;
  let last: Instrument | undefined;
  const find = (id: InstrumentId): Instrument | undefined => {
    if (id === lastId) return last;
    const instrument = byId.get(id);
    if (instrument !== undefined) {
      lastId = id;
      last = instrument;
    }
    return instrument;
  };
  return {
    get(id) {
      const instrument = find(id);
      if (!instrument) throw new ValidationError([{ path: ['instrumentId'], message: `unknown instrument ${JSON.stringify(id)}` }]);
      return instrument;
    },
    find,
    all: () => all,
  };
}

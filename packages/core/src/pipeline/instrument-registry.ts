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
  return {
    get(id) {
      const instrument = byId.get(id);
      if (!instrument) throw new ValidationError([{ path: ['instrumentId'], message: `unknown instrument ${JSON.stringify(id)}` }]);
      return instrument;
    },
    find: (id) => byId.get(id),
    all: () => all,
  };
}

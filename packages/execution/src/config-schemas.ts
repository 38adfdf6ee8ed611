/**
 * Schemas of the components execution's configs take (internal): one definition of what counts as a
 * clock, an instrument registry, a venue or a fee model, so every config names a bad one the same way.
 */
import { z } from 'zod';
import type { Clock, InstrumentRegistry, Venue } from '@rxtrade/core';
import type { FeeModel } from './fee-model';

/** Whether `v` is a non-null object (its fields can be read). */
export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** A `Clock` (BacktestClock or LiveClock): `now` and timers. */
export const ClockSchema = z.custom<Clock>(
  (v) => isObject(v) && typeof v['now'] === 'function' && typeof v['setTimer'] === 'function',
  'must be a Clock (BacktestClock or LiveClock)',
);

/** An `InstrumentRegistry` (build one with `instrumentRegistry([...])`). */
export const InstrumentRegistrySchema = z.custom<InstrumentRegistry>(
  (v) => isObject(v) && typeof v['find'] === 'function' && typeof v['get'] === 'function',
  'must be an InstrumentRegistry (build one with instrumentRegistry([...]))',
);

/** A `Venue`: id, commands, events and capabilities. */
export const VenueSchema = z.custom<Venue>(
  (v) => isObject(v) && typeof v['id'] === 'string' && typeof v['submit'] === 'function' && isObject(v['capabilities']) && isObject(v['events']),
  'must be a Venue (id, submit, cancel, modify, events, capabilities)',
);

/** A `FeeModel`: one `commission` method. */
export const FeeModelSchema = z.custom<FeeModel>((v) => isObject(v) && typeof v['commission'] === 'function', 'must be a FeeModel');

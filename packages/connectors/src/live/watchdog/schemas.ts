/**
 * Schemas of the components the watchdog's configs take (internal): one definition of what counts as a
 * clock, a data client or a callback, so every config names a bad one the same way.
 */
import { z } from 'zod';
import { MarketDataKind, type Clock, type DataClient } from '@rxtrade/core';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** A `Clock` (BacktestClock or LiveClock): `now`, timers and a scheduler. */
export const ClockSchema = z.custom<Clock>(
  (v) => isObject(v) && typeof v['now'] === 'function' && typeof v['setTimer'] === 'function',
  'must be a Clock (BacktestClock or LiveClock)',
);

/** Whether `v` looks like a {@link DataClient}. */
export const isDataClient = (v: unknown): v is DataClient =>
  isObject(v) &&
  typeof v['subscribe'] === 'function' &&
  typeof v['unsubscribe'] === 'function' &&
  typeof v['requestBars'] === 'function' &&
  typeof v['connect'] === 'function' &&
  isObject(v['events']) &&
  isObject(v['connection']);

/** A `DataClient`: subscriptions, events, history and the connection. */
export const DataClientSchema = z.custom<DataClient>(isDataClient, 'must be a DataClient (subscribe, unsubscribe, events, connection, connect, requestBars)');

/** A function (zod 4 has no schema for one). */
export const functionSchema = <F extends (...args: never[]) => unknown>() => z.custom<F>((v) => typeof v === 'function', 'must be a function');

/** One of `BARS`, `TRADES`, `QUOTES`, `BOOKS`. */
export const MarketDataKindSchema = z.enum([MarketDataKind.BARS, MarketDataKind.TRADES, MarketDataKind.QUOTES, MarketDataKind.BOOKS]);

/**
 * Configuration shared by `runBacktest` and `runPaper`, with its zod schema: a bad config fails with a
 * `ValidationError` naming the field.
 */
import { z } from 'zod';
import { Decimal, ValidationError, type Clock, type Instrument, type Logger } from '@rxtrade/core';
import { SimulatedVenueConfigSchema, type SimulatedVenueConfig } from '@rxtrade/execution';

const decimalLike = z.union([z.string(), z.number(), z.instanceof(Decimal as unknown as new (...a: never[]) => Decimal)]).transform((v, ctx) => {
  try {
    const d = new Decimal(v);
    if (d.isFinite() && d.gte(0)) return d;
  } catch {
    // reported below
  }
  ctx.addIssue({ code: 'custom', message: `must be a finite number >= 0, got ${JSON.stringify(String(v))}` });
  return z.NEVER;
});

/**
 * The simulated venue's settings: every `SimulatedVenue` option but the clock, the instruments and
 * `retainClosedOrders` (the runner's `keepHistory`), validated by the venue's own schema, plus
 * `commission` as a shorthand for a `PercentFeeModel`. Unknown keys are refused here, at
 * `config.venue.<key>`.
 */
const venueSchema = SimulatedVenueConfigSchema.omit({ clock: true, instruments: true, retainClosedOrders: true }).extend({
  /** Commission as a fraction of notional on every fill, in [0, 1) (0.002 = 0.2%). */
  commission: z.number().min(0).lt(1, 'must be a fraction of notional in [0, 1)').optional(),
});

/**
 * Options of one simulated venue in a {@link RunnerConfig}: everything `SimulatedVenue` takes but the
 * clock and the instruments, plus `commission` as a shorthand for a `PercentFeeModel`.
 *
 * @example
 * ```ts
 * const venue: SimulatedVenueOptions = { commission: 0.001, slippageModel: new FixedBpsSlippage({ bps: 2 }), maxParticipation: 0.1 };
 * ```
 */
export type SimulatedVenueOptions = Omit<SimulatedVenueConfig, 'clock' | 'instruments' | 'retainClosedOrders'> & { readonly commission?: number };

/** Schema of {@link RunnerConfig} (everything but the data, which runners check as they go). */
export const RunnerConfigSchema = z.strictObject({
  instruments: z.array(z.custom<Instrument>((v) => typeof v === 'object' && v !== null && 'id' in v && 'tickSize' in v, 'must be an Instrument made by defineInstrument')).min(1),
  ledger: z.strictObject({
    startingCash: decimalLike,
    /** Defaults to the first instrument's quote currency. */
    baseCurrency: z.string().min(1).optional(),
  }),
  venue: venueSchema.prefault({}),
  /**
   * Several simulated venues (each with its own `id`, books, fees and models) behind one `VenueRouter`:
   * an instrument trades at the venue named by its `venue` field. Replaces `venue`.
   */
  venues: z.array(venueSchema.extend({ id: z.string().min(1) })).min(1).optional(),
  strategyId: z.string().min(1).default('strategy'),
  /** Prefix of generated client order ids; defaults to the strategy id. */
  idPrefix: z.string().min(1).optional(),
  /** Keep one equity point in `equityEvery` (bounded memory on very long runs); 1 keeps all. */
  equityEvery: z.number().int().min(1).default(1),
  /**
   * Keep every closed order and fill for the result (default). `false` keeps memory bounded on very
   * long, trade-heavy runs: the result's `orders` lists the orders still open, `fills`, `trades` and
   * `positions` are empty and the trade statistics of `metrics` are not computed (NaN); the summary's
   * counts, fees, traded notional and equity figures stay exact.
   */
  keepHistory: z.boolean().default(true),
  /**
   * Fail the run on the first order anomaly (a duplicate fill, an overfill, an invalid fill, an event
   * after an order closed…) with an `OrderAnomalyError` carrying it. Default false: anomalies are never
   * applied, and are listed in the result's `anomalies` and passed to `onAnomaly`.
   */
  strict: z.boolean().default(false),
  /**
   * Wall-clock milliseconds the runner waits for the asynchronous work caused by one event (`mapAsync`,
   * `ctx.work.track`) to settle before it fails the run with a `StageTimeoutError` (default 30,000).
   */
  stageTimeoutMs: z.number().int().positive().max(2_147_483_647).default(30_000),
  /**
   * Where `ctx.logger` writes (default: nowhere, `silentLogger`). A `Logger`, or a function of the run's
   * clock returning one, so that lines carry the run's time (virtual in a backtest):
   * `logger: (clock) => consoleLogger(() => clock.now(), 'debug')`.
   */
  logger: z
    .custom<Logger | ((clock: Clock) => Logger)>(
      (v) => typeof v === 'function' || isLogger(v),
      'must be a Logger (an object with debug, info, warn and error methods) or a function (clock) => Logger',
    )
    .optional(),
});

/** Whether `v` has the four methods of a `Logger`. */
function isLogger(v: unknown): v is Logger {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return typeof o.debug === 'function' && typeof o.info === 'function' && typeof o.warn === 'function' && typeof o.error === 'function';
}

/**
 * @internal The logger of a run: the configured one, the one the configured function makes for the
 * run's clock (checked to be a Logger), or undefined.
 */
export function runLogger(logger: Logger | ((clock: Clock) => Logger) | undefined, clock: Clock): Logger | undefined {
  if (typeof logger !== 'function') return logger;
  const made: unknown = logger(clock);
  if (!isLogger(made)) throw new ValidationError([{ path: ['logger'], message: 'the logger function must return a Logger (an object with debug, info, warn and error methods)' }]);
  return made;
}

/** Configuration of a backtest or paper run. */
export type RunnerConfig = Omit<z.input<typeof RunnerConfigSchema>, 'venue' | 'venues'> & {
  readonly venue?: SimulatedVenueOptions;
  readonly venues?: readonly (SimulatedVenueOptions & { readonly id: string })[];
};

/**
 * Configuration shared by `runBacktest` and `runPaper`, with its zod schema: a bad config fails with a
 * `ValidationError` naming the field.
 */
import { z } from 'zod';
import { Decimal, type Instrument, type Logger } from '@rxtrade/core';
import type { FeeModel } from '@rxtrade/execution';

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

/** Schema of {@link RunnerConfig} (everything but the data, which runners check as they go). */
export const RunnerConfigSchema = z.object({
  instruments: z.array(z.custom<Instrument>((v) => typeof v === 'object' && v !== null && 'id' in v && 'tickSize' in v, 'must be an Instrument made by defineInstrument')).min(1),
  ledger: z.object({
    startingCash: decimalLike,
    /** Defaults to the first instrument's quote currency. */
    baseCurrency: z.string().min(1).optional(),
  }),
  venue: z
    .object({
      /** Commission as a fraction of notional on every fill (0.002 = 0.2%). */
      commission: z.number().min(0).max(1).optional(),
      /** A fee model; overrides `commission`. */
      feeModel: z.custom<FeeModel>((v) => typeof v === 'object' && v !== null && 'commission' in v, 'must be a FeeModel').optional(),
    })
    .default({}),
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
  logger: z.custom<Logger>((v) => typeof v === 'object' && v !== null && 'info' in v).optional(),
});

/** Configuration of a backtest or paper run. */
export type RunnerConfig = z.input<typeof RunnerConfigSchema>;

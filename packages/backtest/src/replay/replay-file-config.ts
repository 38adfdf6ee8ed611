/**
 * The JSON file `rxtrade replay --config venue.json` reads: the session's instruments, the ledger, the
 * simulated venue's cost models (the `venue` or `venues` of a run config), the strategy id and id prefix
 * when they differ from the journal's, and the funding payments the live venue booked.
 */
import { z } from 'zod';
import { defineInstrument, instrumentRegistry, ValidationError, type Instrument } from '@rxtrade/core';
import { SimulatedVenueJsonSchema, simulatedVenueOptions } from '@rxtrade/execution';
import { RunConfigSchema } from '../search/run-config';
import { LiveFundingSchema, type ReplayConfig } from './replay-session';

const run = RunConfigSchema.shape;

/**
 * Schema of {@link ReplayFileConfig}.
 *
 * @example
 * ```ts
 * parseWith(ReplayFileConfigSchema, JSON.parse(fs.readFileSync('venue.json', 'utf8')));
 * ```
 */
export const ReplayFileConfigSchema = z.strictObject({
  instruments: run.instruments,
  ledger: run.ledger,
  /** The simulated venue: commission or a named fee model, slippage, latency, participation cap, funding… */
  venue: SimulatedVenueJsonSchema.default({}),
  venues: run.venues,
  /** Defaults to the strategy id of the journal's first order. */
  strategyId: z.string().min(1).optional(),
  /** Defaults to the prefix of the journal's first client order id. */
  idPrefix: z.string().min(1).optional(),
  /** Funding the live venue booked, amounts as decimal strings (received positive, paid negative). */
  liveFunding: z.array(LiveFundingSchema).default([]),
});

/**
 * A replay config file.
 *
 * @example
 * ```ts
 * const config: ReplayFileConfig = {
 *   instruments: [{ symbol: 'BTCUSDT', venue: 'BINANCE', assetClass: 'spot', base: 'BTC', quote: 'USDT', tickSize: '0.01', lotSize: '0.001' }],
 *   ledger: { startingCash: 10000 },
 *   venue: { commission: 0.001 },
 * };
 * ```
 */
export type ReplayFileConfig = z.input<typeof ReplayFileConfigSchema>;

/**
 * Turns a parsed replay config file into `replaySession`'s config (instruments defined, venue models built).
 *
 * @example
 * ```ts
 * const config = replayConfigFromFile(parseWith(ReplayFileConfigSchema, json));
 * await replaySession('var/journal', pipeline, config);
 * ```
 */
export function replayConfigFromFile(file: z.output<typeof ReplayFileConfigSchema>): ReplayConfig {
  const instruments: Instrument[] = file.instruments.map((def, i) => {
    try {
      return defineInstrument(def);
    } catch (e) {
      if (e instanceof ValidationError) throw new ValidationError(e.issues.map((x) => ({ path: ['instruments', i, ...x.path.slice(1)], message: x.message })));
      throw e;
    }
  });
  const registry = instrumentRegistry(instruments);
  return {
    instruments,
    ledger: { startingCash: String(file.ledger.startingCash), ...(file.ledger.baseCurrency ? { baseCurrency: file.ledger.baseCurrency } : {}) },
    venue: simulatedVenueOptions(file.venue, registry),
    ...(file.venues ? { venues: file.venues.map((v) => ({ ...simulatedVenueOptions(v, registry), id: v.id! })) } : {}),
    ...(file.strategyId ? { strategyId: file.strategyId } : {}),
    ...(file.idPrefix ? { idPrefix: file.idPrefix } : {}),
    liveFunding: file.liveFunding.map((f) => ({ ...f, amount: f.amount.toString() })),
  };
}

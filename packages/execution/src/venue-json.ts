/**
 * The JSON form of a simulated venue's options, for config files: every option that code passes to
 * `SimulatedVenue` as an object (fee, slippage and latency models, account, funding, capabilities) is
 * named here by a `model` (or `type`) field and built from the model's own config schema, so a file and
 * code accept the same settings and refuse the same typos. Functions (a latency function, a day
 * boundary, a funding-rate function) have no JSON form; fixed numbers stand for them.
 */
import { z } from 'zod';
import { ContingencyType, OrderType, TimeInForce, type InstrumentId, type InstrumentRegistry, type VenueCapabilities } from '@rxtrade/core';
import { checkAccountConfig, SimulatedAccount, simulatedAccountShape } from './account/simulated-account';
import { FundingRateSchema } from './account/perpetual-funding';
import type { FeeModel } from './fee-model';
import { FixedFeeModel, FixedFeeModelConfigSchema } from './fees/fixed-fee-model';
import { MakerTakerFeeModel, MakerTakerFeeModelConfigSchema } from './fees/maker-taker-fee-model';
import { PerShareFeeModel, PerShareFeeModelConfigSchema } from './fees/per-share-fee-model';
import { TieredFeeModel, TieredFeeModelConfigSchema } from './fees/tiered-fee-model';
import { LatencyModelConfigSchema, type LatencyModelConfig } from './latency-model';
import { PercentFeeModel, PercentFeeModelConfigSchema } from './percent-fee-model';
import type { SimulatedVenueConfig } from './simulated-venue';
import { FixedBpsSlippage, FixedBpsSlippageConfigSchema } from './slippage/fixed-bps-slippage';
import { HalfSpreadSlippage, HalfSpreadSlippageConfigSchema } from './slippage/half-spread-slippage';
import type { SlippageModel } from './slippage/slippage-model';
import { SquareRootImpactSlippage, SquareRootImpactSlippageConfigSchema } from './slippage/square-root-impact-slippage';

/**
 * Schema of a fee model in JSON: `model` names the class, the other fields are its config.
 *
 * @example
 * ```ts
 * FeeModelJsonSchema.parse({ model: 'makerTaker', maker: 0.0002, taker: 0.0004 });
 * ```
 */
export const FeeModelJsonSchema = z.discriminatedUnion('model', [
  PercentFeeModelConfigSchema.extend({ model: z.literal('percent') }),
  MakerTakerFeeModelConfigSchema.extend({ model: z.literal('makerTaker') }),
  TieredFeeModelConfigSchema.extend({ model: z.literal('tiered') }),
  FixedFeeModelConfigSchema.extend({ model: z.literal('fixed') }),
  PerShareFeeModelConfigSchema.extend({ model: z.literal('perShare') }),
]);
/**
 * A fee model in JSON.
 *
 * @example
 * ```ts
 * const fees: FeeModelJson = { model: 'perShare', perShare: '0.005', minimum: 1 };
 * ```
 */
export type FeeModelJson = z.input<typeof FeeModelJsonSchema>;

/**
 * Schema of a slippage model in JSON: `model` names the class, the other fields are its config.
 *
 * @example
 * ```ts
 * SlippageModelJsonSchema.parse({ model: 'fixedBps', bps: 2 });
 * ```
 */
export const SlippageModelJsonSchema = z.discriminatedUnion('model', [
  FixedBpsSlippageConfigSchema.extend({ model: z.literal('fixedBps') }),
  HalfSpreadSlippageConfigSchema.extend({ model: z.literal('halfSpread') }),
  SquareRootImpactSlippageConfigSchema.extend({ model: z.literal('squareRootImpact') }),
]);
/**
 * A slippage model in JSON.
 *
 * @example
 * ```ts
 * const slippage: SlippageModelJson = { model: 'squareRootImpact', coefficient: 0.5, volatility: 0.02 };
 * ```
 */
export type SlippageModelJson = z.input<typeof SlippageModelJsonSchema>;

// The venue's registry replaces the account's own: a file names no registry.
const { instruments: _registry, ...accountFields } = simulatedAccountShape;

const orderTypes = z.array(z.enum(Object.values(OrderType) as [OrderType, ...OrderType[]]));
const timeInForce = z.array(z.enum(Object.values(TimeInForce) as [TimeInForce, ...TimeInForce[]]));

/**
 * Schema of the JSON form of {@link SimulatedVenueConfig}'s options (all but the clock and the
 * instruments): named fee and slippage models, latencies in ms, a cash or margin account, participation
 * cap, limit fill rule, funding rates, capabilities, and `commission` as a shorthand for a percent fee.
 *
 * @example
 * ```ts
 * const venue = parseWith(SimulatedVenueJsonSchema, { fees: { model: 'percent', rate: 0.001 }, slippage: { model: 'fixedBps', bps: 2 } }, 'venue');
 * ```
 */
export const SimulatedVenueJsonSchema = z
  .strictObject({
    /** Venue id (for several venues: the `venue` of the instruments it trades). */
    id: z.string().min(1).optional(),
    /** Commission as a fraction of notional on every fill, in [0, 1) (0.002 = 0.2%); `fees` overrides it. */
    commission: z.number().min(0).lt(1, 'must be a fraction of notional in [0, 1)').optional(),
    fees: FeeModelJsonSchema.optional(),
    slippage: SlippageModelJsonSchema.optional(),
    /** Fraction of a bar's volume (or a trade's size) one order may fill per bar, in (0, 1]. */
    maxParticipation: z.number().gt(0).lte(1).optional(),
    /** Fixed latencies in ms: `{ submitMs, cancelMs, modifyMs, fillMs }`. */
    latency: LatencyModelConfigSchema.optional(),
    /** A cash or margin account: `{ type, startingBalances, maxLeverage?, maintenanceMarginRate? }`. */
    account: z.strictObject(accountFields).superRefine(checkAccountConfig).optional(),
    limitFill: z.enum(['touch', 'through']).optional(),
    /** Perpetual funding: a constant rate per interval, or historical rates. */
    funding: z
      .strictObject({
        rates: z.union([z.number().finite(), z.array(FundingRateSchema)]),
        intervalMs: z.number().int().positive().optional(),
        offsetMs: z.number().int().nonnegative().optional(),
      })
      .optional(),
    capabilities: z
      .strictObject({
        orderTypes,
        timeInForce,
        reduceOnly: z.boolean(),
        postOnly: z.boolean(),
        modify: z.boolean(),
        emulation: z
          .strictObject({ orderTypes, timeInForce, contingencies: z.array(z.enum(Object.values(ContingencyType) as [ContingencyType, ...ContingencyType[]])) })
          .optional(),
      })
      .optional(),
  })
  .superRefine((c, ctx) => {
    if (c.commission !== undefined && c.fees !== undefined) ctx.addIssue({ code: 'custom', path: ['commission'], message: 'give either commission or fees, not both' });
  });
/**
 * The JSON form of a simulated venue's options.
 *
 * @example
 * ```ts
 * const venue: SimulatedVenueJson = { fees: { model: 'makerTaker', maker: 0.0002, taker: 0.0004 }, latency: { submitMs: 50 }, maxParticipation: 0.1 };
 * ```
 */
export type SimulatedVenueJson = z.input<typeof SimulatedVenueJsonSchema>;

/**
 * Builds `SimulatedVenue` options (models as instances) from a parsed {@link SimulatedVenueJson}; the
 * account needs the instrument registry the venue will trade.
 *
 * @example
 * ```ts
 * const json = parseWith(SimulatedVenueJsonSchema, raw, 'venue');
 * const venue = new SimulatedVenue({ clock, instruments, ...simulatedVenueOptions(json, instruments) });
 * ```
 */
export function simulatedVenueOptions(
  json: z.output<typeof SimulatedVenueJsonSchema>,
  instruments: InstrumentRegistry,
): Omit<SimulatedVenueConfig, 'clock' | 'instruments' | 'retainClosedOrders'> {
  const { commission, fees, slippage, latency, account, funding, capabilities, ...plain } = json;
  const feeModel = fees !== undefined ? feeModelFromJson(fees) : commission !== undefined ? new PercentFeeModel(commission) : undefined;
  const rates = funding?.rates;
  return {
    ...plain,
    ...(feeModel !== undefined ? { feeModel } : {}),
    ...(slippage !== undefined ? { slippageModel: slippageModelFromJson(slippage) } : {}),
    ...(latency !== undefined ? { latency: latency as LatencyModelConfig } : {}),
    ...(account !== undefined ? { account: new SimulatedAccount({ ...account, instruments }) } : {}),
    ...(funding !== undefined
      ? { funding: { ...funding, rates: typeof rates === 'number' ? (_id: InstrumentId, _ts: number) => rates : (rates as Exclude<typeof rates, number | undefined>) } }
      : {}),
    ...(capabilities !== undefined ? { capabilities: capabilities as VenueCapabilities } : {}),
  };
}

function feeModelFromJson(json: z.output<typeof FeeModelJsonSchema>): FeeModel {
  const { model, ...config } = json;
  switch (model) {
    case 'percent':
      return new PercentFeeModel((config as { rate: PercentFeeModelRate }).rate);
    case 'makerTaker':
      return new MakerTakerFeeModel(config as ConstructorParameters<typeof MakerTakerFeeModel>[0]);
    case 'tiered':
      return new TieredFeeModel(config as ConstructorParameters<typeof TieredFeeModel>[0]);
    case 'fixed':
      return new FixedFeeModel(config as ConstructorParameters<typeof FixedFeeModel>[0]);
    case 'perShare':
      return new PerShareFeeModel(config as ConstructorParameters<typeof PerShareFeeModel>[0]);
  }
}

type PercentFeeModelRate = ConstructorParameters<typeof PercentFeeModel>[0];

function slippageModelFromJson(json: z.output<typeof SlippageModelJsonSchema>): SlippageModel {
  const { model, ...config } = json;
  switch (model) {
    case 'fixedBps':
      return new FixedBpsSlippage(config as ConstructorParameters<typeof FixedBpsSlippage>[0]);
    case 'halfSpread':
      return new HalfSpreadSlippage(config as ConstructorParameters<typeof HalfSpreadSlippage>[0]);
    case 'squareRootImpact':
      return new SquareRootImpactSlippage(config as ConstructorParameters<typeof SquareRootImpactSlippage>[0]);
  }
}

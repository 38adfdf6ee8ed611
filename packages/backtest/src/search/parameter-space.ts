/**
 * The space a sweep searches: for each strategy parameter, a numeric range (`{ min, max, step?,
 * integer? }`) or a list of choices (`{ choices: [...] }`). Ranges with a step, integer ranges and
 * choices are discrete (a grid can enumerate them); a range without a step is continuous (random and
 * genetic search only).
 */
import { z } from 'zod';
import { ValidationError, parseWith } from '@rxtrade/core';
import { JsonSchema } from './json-schema';
import type { Json, Params } from './types';

const RangeSchema = z
  .object({
    min: z.number(),
    max: z.number(),
    /** Distance between grid points; values are min, min + step, … up to max. */
    step: z.number().positive().optional(),
    /** Whole numbers only (step 1 unless a step is given). */
    integer: z.boolean().default(false),
  })
  .strict()
  .refine((r) => r.max >= r.min, { message: 'max must be >= min', path: ['max'] })
  .refine((r) => !r.integer || r.step === undefined || Number.isInteger(r.step), { message: 'must be a whole number for an integer range', path: ['step'] });

const ChoicesSchema = z
  .object({
    /** The values to try, in order. */
    choices: z.array(JsonSchema).min(1),
  })
  .strict();

/**
 * Schema of one parameter's domain: a range or a list of choices.
 *
 * @example
 * ```ts
 * ParameterSpecSchema.parse({ min: 20, max: 200, step: 20 });
 * ParameterSpecSchema.parse({ choices: ['sma', 'ema'] });
 * ```
 */
export const ParameterSpecSchema = z.union([RangeSchema, ChoicesSchema]);
/** One parameter's domain. */
export type ParameterSpec = z.output<typeof ParameterSpecSchema>;

/**
 * Schema of a parameter space: parameter names to their domains, at least one. Key order is the order
 * in which a grid varies them (the last key varies fastest).
 *
 * @example
 * ```ts
 * const space = parseWith(ParameterSpaceSchema, {
 *   fast: { min: 5, max: 24, integer: true },
 *   slow: { min: 20, max: 200, step: 20 },
 *   size: { choices: [50, 100] },
 * }, 'space');
 * ```
 */
export const ParameterSpaceSchema = z
  .record(z.string().min(1), ParameterSpecSchema)
  .refine((s) => Object.keys(s).length > 0, { message: 'must name at least one parameter' });

/** A parameter space as written by the user (`z.input`). */
export type ParameterSpaceInput = z.input<typeof ParameterSpaceSchema>;
/** A parsed parameter space. */
export type ParameterSpace = z.output<typeof ParameterSpaceSchema>;

/**
 * Grids larger than this are refused: almost always a typo in a step.
 *
 * @example
 * ```ts
 * if (points > MAX_GRID_POINTS) console.warn('use random or genetic search');
 * ```
 */
export const MAX_GRID_POINTS = 1_000_000;

/**
 * Parses a parameter space, failing with a `ValidationError` that names the bad field.
 *
 * @example
 * ```ts
 * const space = parseParameterSpace({ fast: { min: 5, max: 20, integer: true } });
 * ```
 */
export function parseParameterSpace(input: unknown, what = 'space'): ParameterSpace {
  return parseWith(ParameterSpaceSchema, input, what);
}

/**
 * The values a parameter can take, in order, or `undefined` for a continuous range.
 *
 * @example
 * ```ts
 * discreteValues({ min: 20, max: 60, step: 20, integer: false }); // [20, 40, 60]
 * ```
 */
export function discreteValues(spec: ParameterSpec): readonly Json[] | undefined {
  if ('choices' in spec) return spec.choices;
  const { min, max, integer } = spec;
  const step = spec.step ?? (integer ? 1 : undefined);
  if (step === undefined) return undefined;
  const start = integer ? Math.ceil(min) : min;
  const count = Math.floor((max - start) / step + 1e-9) + 1;
  if (count > MAX_GRID_POINTS) throw new ValidationError([{ path: ['step'], message: `gives ${count} values, more than ${MAX_GRID_POINTS}` }]);
  const values: number[] = [];
  // Values are computed from the index, not accumulated, and rounded to 12 significant digits so that
  // 0.1 + 0.2 steps give 0.3, not 0.30000000000000004.
  for (let i = 0; i < count; i++) values.push(Number((start + i * step).toPrecision(12)));
  return values;
}

/**
 * A canonical text key of a parameter set (keys sorted), used to recognise repeated parameter sets.
 *
 * @example
 * ```ts
 * paramsKey({ slow: 30, fast: 10 }) === paramsKey({ fast: 10, slow: 30 }); // true
 * ```
 */
export function paramsKey(params: Params): string {
  return JSON.stringify(sortKeys(params));
}

function sortKeys(value: Json): Json {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, Json> = {};
    for (const k of Object.keys(value).sort()) out[k] = sortKeys((value as Record<string, Json>)[k]!);
    return out;
  }
  return value;
}

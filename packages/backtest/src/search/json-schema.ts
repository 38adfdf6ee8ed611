/** A zod schema of JSON values typed as this package's readonly {@link Json}. */
import { z } from 'zod';
import type { Json } from './types';

/**
 * Accepts any JSON value (zod's `z.json()`), typed as {@link Json} so that readonly arrays and objects
 * pass the type check.
 *
 * @example
 * ```ts
 * JsonSchema.parse({ a: [1, 'x', null] });
 * ```
 */
export const JsonSchema = z.json() as unknown as z.ZodType<Json>;

/**
 * A zod schema for a money or rate field of the fee, slippage and account models: accepts a number, a
 * numeric string or a Decimal, and yields an exact Decimal, failing with a message that names the bad
 * value when it is not a finite number or breaks the model's bound.
 */
import { z } from 'zod';
import { Decimal } from '@rxtrade/core';

/**
 * Builds a schema of one Decimal field; `check` returns why an otherwise valid number is refused.
 *
 * @param check returns a message such as `'must be >= 0'` for a value out of bounds, else undefined.
 * @example
 * ```ts
 * const Rate = decimalInput((d) => (d.lt(0) ? 'must be >= 0' : undefined));
 * Rate.parse('0.001') // Decimal 0.001
 * ```
 */
export function decimalInput(check?: (value: Decimal) => string | undefined) {
  return z.union([z.number(), z.string(), z.instanceof(Decimal)]).transform((v, ctx) => {
    let d: Decimal;
    try {
      d = new Decimal(v);
    } catch {
      ctx.addIssue({ code: 'custom', message: `must be a number, got ${JSON.stringify(String(v))}` });
      return z.NEVER;
    }
    if (!d.isFinite()) {
      ctx.addIssue({ code: 'custom', message: `must be a finite number, got ${String(v)}` });
      return z.NEVER;
    }
    const problem = check?.(d);
    if (problem !== undefined) {
      ctx.addIssue({ code: 'custom', message: `${problem}, got ${String(v)}` });
      return z.NEVER;
    }
    return d;
  });
}

/**
 * Bridges zod to rxtrade's {@link ValidationError}: public entry points parse their input with
 * {@link parseWith} and fail with a message that names the bad field.
 */
import type { z } from 'zod';
import { ValidationError, type ValidationIssue } from './errors';

/**
 * Parses `input` with `schema`, throwing a {@link ValidationError} naming every bad field.
 *
 * @param what a label for the value (such as `'BacktestConfig'`), prefixed to each path.
 * @example
 * ```ts
 * const config = parseWith(InstrumentConfigSchema, raw, 'instrument');
 * ```
 */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown, what?: string, where?: { row?: number; source?: string }): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues: ValidationIssue[] = result.error.issues.map((issue) => ({
    path: what ? [what, ...issue.path.map(pathKey)] : issue.path.map(pathKey),
    message: issue.message,
  }));
  throw new ValidationError(issues, where);
}

function pathKey(key: PropertyKey): string | number {
  return typeof key === 'symbol' ? key.toString() : key;
}

/**
 * `Signal`: what a model concludes about an instrument, before any sizing: a direction, how sure it is,
 * optionally how much of the allowed size to use and where to take profit and cut the loss, and which
 * model (and version) said so. Signals are plain numbers (features and model outputs are never Decimal);
 * sizing turns them into orders, whose prices and quantities are Decimal.
 */
import { z } from 'zod';
import { parseWith, type InstrumentId } from '@rxtrade/core';

/**
 * The side a signal wants to hold: long, short or flat (no position).
 *
 * @example
 * ```ts
 * const d: Direction = Direction.LONG; // 'long'
 * ```
 */
export const Direction = { LONG: 'long', SHORT: 'short', FLAT: 'flat' } as const;
export type Direction = (typeof Direction)[keyof typeof Direction];

/** +1 for long, -1 for short, 0 for flat. */
export function directionSign(direction: Direction): -1 | 0 | 1 {
  return direction === 'long' ? 1 : direction === 'short' ? -1 : 0;
}

/** A model's view of one instrument at one time. */
export interface Signal {
  readonly instrumentId: InstrumentId;
  /** When it was formed (the `ts` of the input it came from). */
  readonly ts: number;
  readonly direction: Direction;
  /** How sure the model is, in [0, 1]. */
  readonly confidence: number;
  /** The share of the size a sizing rule allows that the model asks for, in [0, 1] (default 1). */
  readonly sizeHint?: number;
  /** Take-profit price. */
  readonly target?: number;
  /** Stop-loss price. */
  readonly stop?: number;
  /** The model's name. */
  readonly model: string;
  /** The model's version (a registry version, or any label). */
  readonly version: string;
}

const finite = z.number().refine(Number.isFinite, 'must be a finite number');

/** Schema of {@link Signal}. */
export const SignalSchema = z
  .strictObject({
    instrumentId: z.string().min(1).transform((s) => s as InstrumentId),
    ts: finite,
    direction: z.enum(['long', 'short', 'flat']),
    confidence: z.number().min(0).max(1),
    sizeHint: z.number().min(0).max(1).optional(),
    target: finite.refine((x) => x > 0, 'must be a positive price').optional(),
    stop: finite.refine((x) => x > 0, 'must be a positive price').optional(),
    model: z.string().min(1),
    version: z.string(),
  })
  .superRefine((s, ctx) => {
    if (s.target === undefined || s.stop === undefined) return;
    if (s.direction === 'long' && !(s.stop < s.target)) ctx.addIssue({ code: 'custom', path: ['stop'], message: `must be below the target (${s.target}) for a long signal` });
    if (s.direction === 'short' && !(s.stop > s.target)) ctx.addIssue({ code: 'custom', path: ['stop'], message: `must be above the target (${s.target}) for a short signal` });
  });

/**
 * Builds a validated {@link Signal}: a bad field is a `ValidationError` naming it.
 *
 * @example
 * ```ts
 * const s = signal({ instrumentId: goog.id, ts: bar.ts, direction: 'long', confidence: 0.7, stop: 95, target: 110, model: 'cnn-lstm', version: 'v0004' });
 * ```
 */
export function signal(fields: Signal): Signal {
  return parseWith(SignalSchema, fields, 'signal');
}

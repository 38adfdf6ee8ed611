/**
 * The JSON-safe state of a {@link Ledger}: what `ledger.snapshot()` writes and `Ledger.restore` reads.
 * Decimals are strings (exact), prices numbers (JSON round-trips a finite float64 exactly), a price never
 * seen `null`.
 */
import { z } from 'zod';
import { LotMethod } from './lot-method';
import { PositionMode, PositionSide } from './position-mode';

const decimalString = z.string().regex(/^-?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i, 'must be a decimal number written as a string');
const amounts = z.array(z.tuple([z.string().min(1), decimalString]));

/**
 * Schema of {@link LedgerSnapshot}: `Ledger.restore` parses its input with it, so a damaged snapshot fails
 * with a `ValidationError` naming the field.
 *
 * @example
 * ```ts
 * const snapshot = parseWith(LedgerSnapshotSchema, JSON.parse(text), 'snapshot');
 * ```
 */
export const LedgerSnapshotSchema = z.object({
  version: z.literal(1),
  baseCurrency: z.string().min(1),
  startingCash: decimalString,
  positionMode: z.enum([PositionMode.NETTING, PositionMode.HEDGING]),
  lotMethod: z.enum([LotMethod.AVERAGE, LotMethod.FIFO]),
  multiCurrency: z.boolean(),
  /** Cash accounts, base currency first, then in the order they were opened. */
  accounts: z.array(
    z.object({
      currency: z.string().min(1),
      cash: decimalString,
      deposits: decimalString,
      fees: decimalString,
      realized: decimalString,
      funding: decimalString,
      /** Whether cash ever moved in this currency (it is then listed by `balances()`). */
      used: z.boolean(),
    }),
  ),
  /** FX rates as last set, in the order they were first set. */
  fxRates: z.array(z.object({ pair: z.string().min(1), rate: z.number().positive() })),
  /** Instruments marked or traded, in the order first seen. */
  instruments: z.array(
    z.object({
      instrumentId: z.string().min(1),
      lastPrice: z.number().nullable(),
      opened: z.boolean(),
      ts: z.number(),
      fees: amounts,
      funding: amounts,
    }),
  ),
  /** Position legs in the order they were opened. */
  legs: z.array(
    z.object({
      instrumentId: z.string().min(1),
      side: z.enum([PositionSide.NET, PositionSide.LONG, PositionSide.SHORT]),
      quantity: decimalString,
      avgPrice: decimalString,
      cost: decimalString,
      realized: decimalString,
      ts: z.number(),
      lots: z.array(z.object({ quantity: decimalString, price: decimalString, ts: z.number() })),
    }),
  ),
});

/**
 * A ledger's state as plain JSON: `JSON.stringify(ledger.snapshot())` can be stored and
 * `Ledger.restore(JSON.parse(text), { instruments })` continues exactly where it stopped.
 *
 * @example
 * ```ts
 * const saved: LedgerSnapshot = ledger.snapshot();
 * saved.accounts[0]!.cash // '98999'
 * ```
 */
export type LedgerSnapshot = z.infer<typeof LedgerSnapshotSchema>;

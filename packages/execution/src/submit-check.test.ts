import { BacktestClock, Decimal, OrderFactory, SubmitOrderSchema, defineInstrument, instrumentRegistry, strategyId, type SubmitOrder } from '@rxtrade/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { plainSubmitIsValid } from './submit-check';
import { commandIssue } from './kernel/command-issue';

const inst = defineInstrument({ symbol: 'AAA', venue: 'SIM', assetClass: 'stock', base: 'AAA', quote: 'USD', tickSize: '0.01', lotSize: '1' });
const factory = new OrderFactory(new BacktestClock(1_000), instrumentRegistry([inst]), strategyId('s'));

const decimalArb = fc.oneof(
  fc.constantFrom(new Decimal(1), new Decimal(0), new Decimal(-1), new Decimal(0.5), new Decimal(NaN), new Decimal(Infinity), new Decimal(-0)),
  fc.constantFrom(1, '1', null, { d: [1] }),
);
const maybe = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(a, { nil: undefined });

/** Values each field may take: valid and invalid ones. */
const FIELDS: Record<string, fc.Arbitrary<unknown>> = {
  type: fc.constantFrom('SubmitOrder', 'SubmitOrderList', undefined),
  clientOrderId: fc.constantFrom('a-1', '', 7, undefined),
  strategyId: fc.constantFrom('s', '', undefined),
  instrumentId: fc.constantFrom('AAA.SIM', '', 3),
  side: fc.constantFrom('BUY', 'SELL', 'buy', undefined),
  orderType: fc.constantFrom('MARKET', 'LIMIT', 'STOP_MARKET', 'STOP_LIMIT', 'TRAILING_STOP_MARKET', 'MARKET_IF_TOUCHED', 'nope'),
  quantity: decimalArb,
  price: maybe(decimalArb),
  triggerPrice: maybe(decimalArb),
  timeInForce: fc.constantFrom('GTC', 'IOC', 'FOK', 'GTD', 'DAY', 'gtc'),
  expireTime: maybe(fc.constantFrom(5_000, 1.5, NaN)),
  reduceOnly: fc.constantFrom(true, false, undefined, 0),
  postOnly: fc.constantFrom(true, false, undefined, 'false'),
  ts: fc.constantFrom(1_000, 1.5, NaN, Infinity, 2 ** 60, undefined),
  trailingOffset: maybe(decimalArb),
  trailingOffsetType: maybe(fc.constantFrom('PRICE', 'PERCENT', 'x')),
  limitOffset: maybe(decimalArb),
  contingencyType: maybe(fc.constantFrom('OTO', 'OCO', 'x')),
  parentOrderId: maybe(fc.constantFrom('p', 'a-1', '')),
  linkedOrderIds: maybe(fc.constantFrom(['b'], [], ['a-1'])),
  extra: fc.constantFrom(1, 'x'),
};
const fieldChange = fc.constantFrom(...Object.keys(FIELDS)).chain((key) =>
  fc.oneof(
    FIELDS[key]!.map((value) => ({ key, value, drop: false })),
    fc.constant({ key, value: undefined as unknown, drop: true }),
  ),
);

/** A valid market or limit order from the factory with zero to three fields changed, set or removed. */
const commandArb = fc.record({ limit: fc.boolean(), changes: fc.array(fieldChange, { maxLength: 3 }) }).map(({ limit, changes }) => {
  const base = limit
    ? factory.limit({ instrumentId: inst.id, side: 'BUY', quantity: 2, price: 100 })
    : factory.market({ instrumentId: inst.id, side: 'SELL', quantity: 2 });
  const c: Record<string, unknown> = { ...base };
  for (const { key, value, drop } of changes) {
    if (drop) delete c[key];
    else c[key] = value;
  }
  return c;
});

describe('plainSubmitIsValid', () => {
  it('accepts the market and limit orders the factory builds', () => {
    const market = factory.market({ instrumentId: inst.id, side: 'BUY', quantity: 10 });
    const limit = factory.limit({ instrumentId: inst.id, side: 'SELL', quantity: '3', price: 101.25, postOnly: true, timeInForce: 'DAY' });
    for (const c of [market, limit]) {
      expect(SubmitOrderSchema.safeParse(c).success).toBe(true);
      expect(plainSubmitIsValid(c)).toBe(true);
    }
  });

  it('leaves other order types, unknown keys and non-plain objects to the schema', () => {
    const market = factory.market({ instrumentId: inst.id, side: 'BUY', quantity: 10 });
    expect(plainSubmitIsValid(factory.stopMarket({ instrumentId: inst.id, side: 'SELL', quantity: 1, triggerPrice: 99 }))).toBe(false);
    expect(plainSubmitIsValid({ ...market, extra: 1 } as SubmitOrder)).toBe(false);
    expect(plainSubmitIsValid(Object.assign(Object.create({ inherited: 1 }) as object, market) as SubmitOrder)).toBe(false);
    expect(plainSubmitIsValid({ ...market, quantity: new Decimal(0) })).toBe(false);
    expect(plainSubmitIsValid({ ...market, postOnly: true })).toBe(false);
    expect(plainSubmitIsValid({ ...market, ts: 1.5 })).toBe(false);
  });

  it('knows every key of the schema, and no other', () => {
    const market = factory.market({ instrumentId: inst.id, side: 'BUY', quantity: 10 }) as unknown as Record<string, unknown>;
    const keys = Object.keys(SubmitOrderSchema.shape);
    expect(keys.length).toBe(20);
    // A key of the schema, present and undefined (as the factory leaves the optional ones), keeps a plain order plain.
    for (const key of keys) expect(plainSubmitIsValid({ ...market, [key]: market[key] } as unknown as SubmitOrder), key).toBe(true);
    for (const key of ['Type', 'quantity ', 'limitPrice', 'toString']) expect(plainSubmitIsValid({ ...market, [key]: undefined } as unknown as SubmitOrder), key).toBe(false);
  });

  it('never accepts a command that the schema or the kernel\'s structural check refuses', () => {
    let accepted = 0;
    fc.assert(
      fc.property(commandArb, (raw) => {
        const command = raw as unknown as SubmitOrder;
        if (plainSubmitIsValid(command)) {
          accepted++;
          expect(SubmitOrderSchema.safeParse(command).success).toBe(true);
          // The kernel skips its field by field check for what the quick check accepts.
          expect(submitIssueOf(command)).toBeUndefined();
        }
      }),
      { numRuns: 5_000, seed: 7 },
    );
    // The generator reaches the accepted case often enough for the property to mean something.
    expect(accepted).toBeGreaterThan(500);
  });
});

/** The kernel's field by field check alone (commandIssue takes the quick check's answer first). */
function submitIssueOf(command: SubmitOrder): unknown {
  const plain = { ...(command as unknown as Record<string, unknown>) };
  // A key the quick check does not know sends commandIssue down its field by field path.
  return commandIssue({ ...plain, __fieldByField: true }) ?? undefined;
}

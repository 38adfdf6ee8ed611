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

const SELF = '<own id>';

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
  contingencyType: maybe(fc.constantFrom('OTO', 'OCO', 'OUO', 'x')),
  // SELF stands for the order's own id (see commandArb).
  parentOrderId: maybe(fc.constantFrom('p', 'a-1', '', 3, SELF)),
  // eslint-disable-next-line no-sparse-arrays
  linkedOrderIds: maybe(fc.constantFrom(['b'], [], ['a-1'], ['b', ''], [5], 'b', [, 'b'], ['b', 'c'], ['b', SELF])),
  extra: fc.constantFrom(1, 'x'),
};
const fieldChange = fc.constantFrom(...Object.keys(FIELDS)).chain((key) =>
  fc.oneof(
    FIELDS[key]!.map((value) => ({ key, value, drop: false })),
    fc.constant({ key, value: undefined as unknown, drop: true }),
  ),
);

/** The orders the quick check is for: plain market (also to a target), limit and stop-market orders, and the members of a bracket and an OCO. */
const bases = (): SubmitOrder[] => [
  factory.limit({ instrumentId: inst.id, side: 'BUY', quantity: 2, price: 100 }),
  factory.market({ instrumentId: inst.id, side: 'SELL', quantity: 2 }),
  factory.marketToTarget({ instrumentId: inst.id, target: 2, current: new Decimal(-1) })!,
  factory.stopMarket({ instrumentId: inst.id, side: 'SELL', quantity: 2, triggerPrice: 95 }),
  ...factory.bracket({ instrumentId: inst.id, side: 'BUY', quantity: 2, takeProfit: 110, stopLoss: 95 }).orders,
  ...factory.oco([factory.limit({ instrumentId: inst.id, side: 'SELL', quantity: 2, price: 110 }), factory.stopMarket({ instrumentId: inst.id, side: 'SELL', quantity: 2, triggerPrice: 95 })]).orders,
];

/** A valid order from the factory (see `bases`) with zero to three fields changed, set or removed. */
const commandArb = fc.record({ base: fc.nat(bases().length - 1), changes: fc.array(fieldChange, { maxLength: 3 }) }).map(({ base: at, changes }) => {
  const base = bases()[at]!;
  const c: Record<string, unknown> = { ...base };
  for (const { key, value, drop } of changes) {
    if (drop) delete c[key];
    else c[key] = value;
  }
  if (c['parentOrderId'] === SELF) c['parentOrderId'] = c['clientOrderId'];
  if (Array.isArray(c['linkedOrderIds'])) c['linkedOrderIds'] = (c['linkedOrderIds'] as unknown[]).map((x) => (x === SELF ? c['clientOrderId'] : x));
  return c;
});

describe('plainSubmitIsValid', () => {
  it('accepts the market and limit orders the factory builds', () => {
    const market = factory.market({ instrumentId: inst.id, side: 'BUY', quantity: 10 });
    const toTarget = factory.marketToTarget({ instrumentId: inst.id, target: -10, current: new Decimal(10), timeInForce: 'IOC' })!;
    const limit = factory.limit({ instrumentId: inst.id, side: 'SELL', quantity: '3', price: 101.25, postOnly: true, timeInForce: 'DAY' });
    for (const c of [market, toTarget, limit]) {
      expect(SubmitOrderSchema.safeParse(c).success).toBe(true);
      expect(plainSubmitIsValid(c)).toBe(true);
    }
  });

  it('accepts the stop-market orders and the linked orders of brackets and OCOs the factory builds', () => {
    const orders = [
      factory.stopMarket({ instrumentId: inst.id, side: 'SELL', quantity: 1, triggerPrice: 99 }),
      ...factory.bracket({ instrumentId: inst.id, side: 'BUY', quantity: 2, takeProfit: 110, stopLoss: 95 }).orders,
      ...factory.bracket({ instrumentId: inst.id, side: 'SELL', quantity: 2, entryPrice: 100, takeProfit: 90, stopLoss: 105 }).orders,
      ...factory.oco([factory.limit({ instrumentId: inst.id, side: 'SELL', quantity: 2, price: 110 }), factory.stopMarket({ instrumentId: inst.id, side: 'SELL', quantity: 2, triggerPrice: 95 })]).orders,
    ];
    for (const c of orders) {
      expect(SubmitOrderSchema.safeParse(c).success, c.clientOrderId).toBe(true);
      expect(plainSubmitIsValid(c), c.clientOrderId).toBe(true);
    }
  });

  it('leaves other order types, unknown keys and non-plain objects to the schema', () => {
    const market = factory.market({ instrumentId: inst.id, side: 'BUY', quantity: 10 });
    expect(plainSubmitIsValid(factory.stopLimit({ instrumentId: inst.id, side: 'SELL', quantity: 1, triggerPrice: 99, price: 98 }))).toBe(false);
    expect(plainSubmitIsValid(factory.trailingStopMarket({ instrumentId: inst.id, side: 'SELL', quantity: 1, trailingOffset: 2 }))).toBe(false);
    expect(plainSubmitIsValid({ ...market, contingencyType: 'OCO', linkedOrderIds: [] } as SubmitOrder)).toBe(false);
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

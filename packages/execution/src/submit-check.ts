/**
 * A quick, conservative check of the most common submit commands (MARKET, LIMIT and STOP_MARKET orders as
 * `OrderFactory.market`, `.limit` and `.stopMarket` build them, alone or linked as `.bracket` and `.oco`
 * link them) that answers "certainly valid" without running the zod schema, which costs about two
 * microseconds an order. It never decides that a command is invalid: anything outside those cases
 * (another order type, GTD, offsets, an object that is not a plain object, a key it does not know)
 * answers false, and the caller then runs `SubmitOrderSchema`, which gives the error message. Whatever
 * this accepts, the schema accepts too (checked against the schema in `submit-check.test.ts`).
 */
import { Decimal, type SubmitOrder } from '@rxtrade/core';

/**
 * Whether `key` is a key of a SubmitOrder; a strict schema refuses any other. A switch, not a Set: the
 * keys of a `for...in` loop are internalized strings, so each case is a pointer comparison, about a
 * third of the cost of hashing the key for `Set.has` on the 14 keys of every plain order.
 */
function isSubmitKey(key: string): boolean {
  switch (key) {
    case 'type':
    case 'clientOrderId':
    case 'strategyId':
    case 'instrumentId':
    case 'side':
    case 'orderType':
    case 'quantity':
    case 'price':
    case 'triggerPrice':
    case 'timeInForce':
    case 'expireTime':
    case 'reduceOnly':
    case 'postOnly':
    case 'ts':
    case 'trailingOffset':
    case 'trailingOffsetType':
    case 'limitOffset':
    case 'contingencyType':
    case 'parentOrderId':
    case 'linkedOrderIds':
      return true;
    default:
      return false;
  }
}

const id = (v: unknown): boolean => typeof v === 'string' && v.length > 0;
const positive = (v: unknown): boolean => v instanceof Decimal && v.isFinite() && v.isPositive() && !v.isZero();

/**
 * True only when `command` is a MARKET, LIMIT or STOP_MARKET submit, plain or linked, that
 * `SubmitOrderSchema` certainly accepts; false means "not decided here" (run the schema).
 *
 * @example
 * ```ts
 * const valid = plainSubmitIsValid(command) || SubmitOrderSchema.safeParse(command).success;
 * ```
 */
export function plainSubmitIsValid(command: SubmitOrder): boolean {
  const c = command as unknown as Record<string, unknown>;
  if (typeof c !== 'object' || c === null || Object.getPrototypeOf(c) !== Object.prototype) return false;
  const clientOrderId = c['clientOrderId'];
  if (c['type'] !== 'SubmitOrder' || !id(clientOrderId) || !id(c['strategyId']) || !id(c['instrumentId'])) return false;
  const side = c['side'];
  if (side !== 'BUY' && side !== 'SELL') return false;
  const orderType = c['orderType'];
  const postOnly = c['postOnly'];
  if (orderType === 'MARKET') {
    if (c['price'] !== undefined || c['triggerPrice'] !== undefined || postOnly !== false) return false;
  } else if (orderType === 'LIMIT') {
    if (!positive(c['price']) || c['triggerPrice'] !== undefined || typeof postOnly !== 'boolean') return false;
  } else if (orderType === 'STOP_MARKET') {
    if (c['price'] !== undefined || !positive(c['triggerPrice']) || postOnly !== false) return false;
  } else return false;
  if (!positive(c['quantity'])) return false;
  const tif = c['timeInForce'];
  if (tif !== 'GTC' && tif !== 'IOC' && tif !== 'FOK' && tif !== 'DAY') return false;
  if (typeof c['reduceOnly'] !== 'boolean' || !Number.isSafeInteger(c['ts'])) return false;
  if (c['expireTime'] !== undefined || c['trailingOffset'] !== undefined || c['trailingOffsetType'] !== undefined || c['limitOffset'] !== undefined) return false;
  if (!linksAreValid(c, clientOrderId as string)) return false;
  for (const key in c) if (!isSubmitKey(key)) return false;
  return true;
}

/** The links of an order, as the schema checks them: a known contingency, ids that are not the order's own. */
function linksAreValid(c: Record<string, unknown>, clientOrderId: string): boolean {
  const contingency = c['contingencyType'];
  const parent = c['parentOrderId'];
  const linked = c['linkedOrderIds'];
  if (contingency === undefined && parent === undefined && linked === undefined) return true;
  if (contingency !== undefined && contingency !== 'OTO' && contingency !== 'OCO' && contingency !== 'OUO') return false;
  if (parent !== undefined && (!id(parent) || parent === clientOrderId)) return false;
  if (linked !== undefined) {
    if (!Array.isArray(linked)) return false;
    for (let i = 0; i < linked.length; i++) {
      const other: unknown = linked[i];
      if (!id(other) || other === clientOrderId) return false;
    }
  }
  // One-cancels-other and one-updates-other need the orders they act on.
  if ((contingency === 'OCO' || contingency === 'OUO') && (linked === undefined || (linked as unknown[]).length === 0)) return false;
  return true;
}

/**
 * The structural check of the commands a pipeline emits, run by the trading kernel on every command
 * before the order manager sees it.
 */
import {
  ContingencyType,
  Decimal,
  OrderSide,
  OrderType,
  TimeInForce,
  TrailingOffsetType,
  type SubmitOrder,
  type ValidationIssue,
} from '@rxtrade/core';
import { plainSubmitIsValid } from '../submit-check';

const SIDES: ReadonlySet<unknown> = new Set(Object.values(OrderSide));
const ORDER_TYPES: ReadonlySet<unknown> = new Set(Object.values(OrderType));
const TIFS: ReadonlySet<unknown> = new Set(Object.values(TimeInForce));
const OFFSET_TYPES: ReadonlySet<unknown> = new Set(Object.values(TrailingOffsetType));
const CONTINGENCIES: ReadonlySet<unknown> = new Set(Object.values(ContingencyType));

const show = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : Decimal.isDecimal(v) ? `Decimal ${String(v)}` : typeof v === 'object' && v !== null ? 'an object' : String(v));
const at = (path: readonly (string | number)[], field: string | number, message: string): ValidationIssue => ({ path: [...path, field], message });

function idIssue(c: Record<string, unknown>, path: readonly (string | number)[], field: string): ValidationIssue | undefined {
  const v = c[field];
  return typeof v === 'string' && v.length > 0 ? undefined : at(path, field, `must be a non-empty string, got ${show(v)}`);
}

function tsIssue(c: Record<string, unknown>, path: readonly (string | number)[], field = 'ts', optional = false): ValidationIssue | undefined {
  const v = c[field];
  if (optional && v === undefined) return undefined;
  return typeof v === 'number' && Number.isFinite(v) ? undefined : at(path, field, `must be a finite number (epoch ms), got ${show(v)}`);
}

function decimalIssue(c: Record<string, unknown>, path: readonly (string | number)[], field: string, optional: boolean): ValidationIssue | undefined {
  const v = c[field];
  if (optional && v === undefined) return undefined;
  return Decimal.isDecimal(v) ? undefined : at(path, field, `must be a Decimal${optional ? ' or undefined' : ''}, got ${show(v)} (build commands with ctx.orderFactory)`);
}

function oneOfIssue(c: Record<string, unknown>, path: readonly (string | number)[], field: string, allowed: ReadonlySet<unknown>, optional = false): ValidationIssue | undefined {
  const v = c[field];
  if ((optional && v === undefined) || allowed.has(v)) return undefined;
  return at(path, field, `must be one of ${[...allowed].join(', ')}${optional ? ' or undefined' : ''}, got ${show(v)}`);
}

function booleanIssue(c: Record<string, unknown>, path: readonly (string | number)[], field: string): ValidationIssue | undefined {
  const v = c[field];
  return typeof v === 'boolean' ? undefined : at(path, field, `must be a boolean, got ${show(v)}`);
}

function submitIssue(value: unknown, path: readonly (string | number)[]): ValidationIssue | undefined {
  if (typeof value !== 'object' || value === null) return { path, message: `must be a SubmitOrder, got ${show(value)}` };
  const c = value as Record<string, unknown>;
  if (c['type'] !== 'SubmitOrder') return at(path, 'type', `must be "SubmitOrder", got ${show(c['type'])}`);
  const linked = c['linkedOrderIds'];
  if (linked !== undefined && (!Array.isArray(linked) || linked.some((id) => typeof id !== 'string' || id.length === 0)))
    return at(path, 'linkedOrderIds', 'must be an array of client order ids or undefined');
  const parent = c['parentOrderId'];
  if (parent !== undefined && (typeof parent !== 'string' || parent.length === 0)) return at(path, 'parentOrderId', `must be a non-empty string or undefined, got ${show(parent)}`);
  return (
    idIssue(c, path, 'clientOrderId') ??
    idIssue(c, path, 'strategyId') ??
    idIssue(c, path, 'instrumentId') ??
    oneOfIssue(c, path, 'side', SIDES) ??
    oneOfIssue(c, path, 'orderType', ORDER_TYPES) ??
    decimalIssue(c, path, 'quantity', false) ??
    decimalIssue(c, path, 'price', true) ??
    decimalIssue(c, path, 'triggerPrice', true) ??
    oneOfIssue(c, path, 'timeInForce', TIFS) ??
    tsIssue(c, path, 'expireTime', true) ??
    booleanIssue(c, path, 'reduceOnly') ??
    booleanIssue(c, path, 'postOnly') ??
    tsIssue(c, path) ??
    decimalIssue(c, path, 'trailingOffset', true) ??
    oneOfIssue(c, path, 'trailingOffsetType', OFFSET_TYPES, true) ??
    decimalIssue(c, path, 'limitOffset', true) ??
    oneOfIssue(c, path, 'contingencyType', CONTINGENCIES, true)
  );
}

/**
 * @internal The first structural fault of a command a pipeline emitted (a field of the wrong type, a
 * missing id, an unknown type or enum value), or undefined. Hand-written, not zod: it runs on every
 * command. A well-formed command the venue cannot take (a quantity off the lot size, a missing limit
 * price, a non-positive quantity) is not a fault: the order manager denies it with an `OrderDenied`.
 */
export function commandIssue(command: unknown): ValidationIssue | undefined {
  if (typeof command !== 'object' || command === null) return { path: [], message: `must be an order command (an object with a type), got ${show(command)}` };
  const c = command as Record<string, unknown>;
  switch (c['type']) {
    case 'SubmitOrder':
      // A MARKET, LIMIT or STOP_MARKET order as the order factory builds it passes every check below (the
      // quick check is stricter); anything else takes the field by field path, which names the fault.
      return plainSubmitIsValid(command as SubmitOrder) ? undefined : submitIssue(c, []);
    case 'SubmitOrderList': {
      const issue = idIssue(c, [], 'orderListId') ?? idIssue(c, [], 'strategyId') ?? idIssue(c, [], 'instrumentId') ?? tsIssue(c, []);
      if (issue !== undefined) return issue;
      const orders = c['orders'];
      if (!Array.isArray(orders) || orders.length === 0) return at([], 'orders', `must be a non-empty array of SubmitOrder, got ${show(orders)}`);
      for (let i = 0; i < orders.length; i++) {
        const member = submitIssue(orders[i], ['orders', i]);
        if (member !== undefined) return member;
      }
      return undefined;
    }
    case 'CancelOrder':
      return idIssue(c, [], 'clientOrderId') ?? idIssue(c, [], 'strategyId') ?? idIssue(c, [], 'instrumentId') ?? tsIssue(c, []);
    case 'ModifyOrder':
      return (
        idIssue(c, [], 'clientOrderId') ??
        idIssue(c, [], 'strategyId') ??
        idIssue(c, [], 'instrumentId') ??
        decimalIssue(c, [], 'quantity', true) ??
        decimalIssue(c, [], 'price', true) ??
        decimalIssue(c, [], 'triggerPrice', true) ??
        tsIssue(c, [])
      );
    default:
      return at([], 'type', `unknown command type ${show(c['type'])} (one of SubmitOrder, SubmitOrderList, CancelOrder, ModifyOrder)`);
  }
}

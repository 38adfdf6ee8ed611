import { IllegalTransitionError, OrderStatus, type OrderEventType } from '@rxtrade/core';
import { describe, expect, it } from 'vitest';
import { ORDER_TRANSITIONS, isTerminalStatus, nextStatus } from './order-state-machine';

const STATUSES = Object.values(OrderStatus);
const EVENT_TYPES: readonly OrderEventType[] = [
  'OrderDenied', 'OrderSubmitted', 'OrderAccepted', 'OrderRejected', 'OrderTriggered', 'OrderPendingCancel', 'OrderPendingUpdate',
  'OrderUpdated', 'OrderCancelRejected', 'OrderModifyRejected', 'OrderCanceled', 'OrderExpired', 'OrderFilled',
];
const TERMINAL = ['DENIED', 'REJECTED', 'FILLED', 'CANCELED', 'EXPIRED'] as const;

describe('ORDER_TRANSITIONS', () => {
  it('has a row for every status and is frozen, rows included', () => {
    expect(Object.keys(ORDER_TRANSITIONS).sort()).toEqual([...STATUSES].sort());
    expect(Object.isFrozen(ORDER_TRANSITIONS)).toBe(true);
    for (const s of STATUSES) expect(Object.isFrozen(ORDER_TRANSITIONS[s])).toBe(true);
  });

  it('allows every transition listed in the table and resolves it to the listed status', () => {
    let count = 0;
    for (const from of STATUSES) {
      for (const [event, to] of Object.entries(ORDER_TRANSITIONS[from]) as [OrderEventType, OrderStatus][]) {
        count++;
        if (event === 'OrderFilled') {
          // A partial fill keeps a cancel in flight (PENDING_CANCEL); anywhere else it is PARTIALLY_FILLED.
          expect(nextStatus(from, event, { fillCompletes: false })).toBe(from === 'PENDING_CANCEL' ? 'PENDING_CANCEL' : 'PARTIALLY_FILLED');
          expect(nextStatus(from, event, { fillCompletes: true })).toBe('FILLED');
        } else {
          expect(nextStatus(from, event)).toBe(to);
        }
      }
    }
    expect(count).toBe(61);
  });

  it('throws IllegalTransitionError naming from and event for every pair the table leaves out', () => {
    let illegal = 0;
    for (const from of STATUSES)
      for (const event of EVENT_TYPES) {
        if (ORDER_TRANSITIONS[from][event] !== undefined) continue;
        illegal++;
        let caught: unknown;
        try {
          nextStatus(from, event);
        } catch (e) {
          caught = e;
        }
        expect(caught).toBeInstanceOf(IllegalTransitionError);
        const err = caught as IllegalTransitionError;
        expect(err.from).toBe(from);
        expect(err.event).toBe(event);
        expect(err.code).toBe('ILLEGAL_TRANSITION');
      }
    expect(illegal).toBe(STATUSES.length * EVENT_TYPES.length - 61);
  });

  it('covers the documented life cycle', () => {
    expect(ORDER_TRANSITIONS.INITIALIZED).toEqual({ OrderDenied: 'DENIED', OrderSubmitted: 'SUBMITTED', OrderUpdated: 'INITIALIZED', OrderCanceled: 'CANCELED', OrderExpired: 'EXPIRED' });
    expect(ORDER_TRANSITIONS.SUBMITTED).toMatchObject({ OrderAccepted: 'ACCEPTED', OrderRejected: 'REJECTED', OrderCanceled: 'CANCELED', OrderFilled: 'PARTIALLY_FILLED' });
    expect(ORDER_TRANSITIONS.ACCEPTED).toMatchObject({
      OrderTriggered: 'TRIGGERED', OrderPendingCancel: 'PENDING_CANCEL', OrderPendingUpdate: 'PENDING_UPDATE',
      OrderFilled: 'PARTIALLY_FILLED', OrderCanceled: 'CANCELED', OrderExpired: 'EXPIRED',
    });
    expect(ORDER_TRANSITIONS.PENDING_CANCEL).toMatchObject({ OrderCanceled: 'CANCELED', OrderFilled: 'PENDING_CANCEL', OrderAccepted: 'PENDING_CANCEL' });
    expect(ORDER_TRANSITIONS.PARTIALLY_FILLED).toMatchObject({ OrderFilled: 'PARTIALLY_FILLED', OrderCanceled: 'CANCELED', OrderPendingCancel: 'PENDING_CANCEL' });
    for (const s of TERMINAL) {
      expect(ORDER_TRANSITIONS[s]).toEqual({});
      expect(isTerminalStatus(s)).toBe(true);
    }
    for (const s of STATUSES.filter((s) => !(TERMINAL as readonly string[]).includes(s))) expect(isTerminalStatus(s)).toBe(false);
  });

  it('returns a refused cancel to the open status the order had before the request', () => {
    expect(nextStatus('PENDING_CANCEL', 'OrderCancelRejected', { previous: 'PARTIALLY_FILLED' })).toBe('PARTIALLY_FILLED');
    expect(nextStatus('PENDING_CANCEL', 'OrderCancelRejected', { previous: 'TRIGGERED' })).toBe('TRIGGERED');
    expect(nextStatus('PENDING_CANCEL', 'OrderCancelRejected')).toBe('ACCEPTED');
    expect(nextStatus('PENDING_UPDATE', 'OrderModifyRejected', { previous: 'PARTIALLY_FILLED' })).toBe('PARTIALLY_FILLED');
    expect(nextStatus('PENDING_UPDATE', 'OrderUpdated', { previous: 'SUBMITTED' })).toBe('SUBMITTED');
    // A previous status that is not open is ignored in favour of the table's fallback.
    expect(nextStatus('PENDING_CANCEL', 'OrderCancelRejected', { previous: 'FILLED' })).toBe('ACCEPTED');
  });
});

import { describe, expect, it } from 'vitest';
import { instrumentId, ValidationError } from '@rxtrade/core';
import { Direction, directionSign, signal } from './signal';

const base = { instrumentId: instrumentId('GOOG.NASDAQ'), ts: 0, direction: Direction.LONG, confidence: 0.6, model: 'm', version: 'v0001' };

describe('signal', () => {
  it('accepts a complete signal and maps directions to signs', () => {
    expect(signal({ ...base, sizeHint: 0.5, target: 110, stop: 95 })).toEqual({ ...base, sizeHint: 0.5, target: 110, stop: 95 });
    expect([directionSign('long'), directionSign('short'), directionSign('flat')]).toEqual([1, -1, 0]);
  });

  it('refuses bad fields, naming them', () => {
    expect(() => signal({ ...base, confidence: 1.2 })).toThrow(/signal\.confidence/);
    expect(() => signal({ ...base, direction: 'up' as never })).toThrow(ValidationError);
    expect(() => signal({ ...base, target: 95, stop: 110 })).toThrow(/signal\.stop: must be below the target \(95\) for a long signal/);
    expect(() => signal({ ...base, direction: 'short', target: 110, stop: 95 })).toThrow(/signal\.stop: must be above the target/);
    expect(() => signal({ ...base, confidnce: 1 } as never)).toThrow(/signal\.confidnce: unknown option; did you mean "confidence"\?/);
  });
});

import { ValidationError } from '@rxtrade/core';
import { describe, expect, it } from 'vitest';
import { parseFxPair } from './fx-pair';

describe('parseFxPair', () => {
  it('splits six-letter pairs and pairs with a slash or a dash', () => {
    expect(parseFxPair('EURUSD')).toEqual({ base: 'EUR', quote: 'USD' });
    expect(parseFxPair('USD/JPY')).toEqual({ base: 'USD', quote: 'JPY' });
    expect(parseFxPair('BTC-USDT')).toEqual({ base: 'BTC', quote: 'USDT' });
  });

  it('rejects what cannot be two different currencies, naming pair', () => {
    for (const bad of ['EUR', 'EURUSDT', 'EUR/', '/USD', 'USD/USD', 'A/B/C', 42 as never]) {
      try {
        parseFxPair(bad);
        expect.unreachable(String(bad));
      } catch (e) {
        expect(e).toBeInstanceOf(ValidationError);
        expect((e as ValidationError).field).toBe('pair');
      }
    }
  });
});

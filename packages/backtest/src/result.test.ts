import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { filter, map } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { Decimal, defineInstrument, parseBarsCsv, ValidationError, type Pipeline } from '@rxtrade/core';
import { resultFromJson, resultToJson, type RunResult } from './result';
import { runBacktest } from './run-backtest';
import { smaPipeline } from './search/__fixtures__/sma-strategy';

const goog = defineInstrument({ symbol: 'GOOG', venue: 'NASDAQ', assetClass: 'stock', base: 'GOOG', quote: 'USD', tickSize: '0.01', lotSize: '1' });
const bars = parseBarsCsv(readFileSync(fileURLToPath(new URL('./search/__fixtures__/goog.csv', import.meta.url)), 'utf8'), { instrumentId: goog.id }).bars;

/** Walks two values side by side; Decimals must be equal AND print the same (exact, same scale). */
function expectSame(a: unknown, b: unknown, path = 'result'): void {
  if (a instanceof Decimal) {
    expect(b, path).toBeInstanceOf(Decimal);
    expect((b as Decimal).toString(), path).toBe(a.toString());
    return;
  }
  if (ArrayBuffer.isView(a)) {
    expect(b, path).toBeInstanceOf(a.constructor);
    expect(Array.from(b as Float64Array), path).toEqual(Array.from(a as Float64Array));
    return;
  }
  if (typeof a === 'object' && a !== null) {
    expect(typeof b, path).toBe('object');
    const keys = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
    expect(Object.keys(b as object).filter((k) => (b as Record<string, unknown>)[k] !== undefined).sort(), path).toEqual(keys.sort());
    for (const k of keys) expectSame((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`);
    return;
  }
  expect(Object.is(a, b) || (typeof a === 'number' && Number.isNaN(a) && Number.isNaN(b as number)), `${path}: ${String(a)} vs ${String(b)}`).toBe(true);
}

const roundTrip = (r: RunResult): RunResult => resultFromJson(JSON.parse(JSON.stringify(resultToJson(r))));

describe('resultToJson / resultFromJson', () => {
  it('round-trips the golden GOOG backtest without loss: Decimals exact, curves and metrics equal', async () => {
    const result = await runBacktest(smaPipeline({ fast: 10, slow: 30, size: 100 }), { data: bars, instruments: [goog], ledger: { startingCash: 100_000 }, venue: { commission: 0.002 } });
    expect(result.fills).toHaveLength(31);
    expect(Number.isNaN(result.metrics.alpha)).toBe(true); // no benchmark: travels as "NaN"
    const back = roundTrip(result);
    expectSame(result, back);
    expect(back).toEqual(result);
    expect(back.summary.finalEquity.toString()).toBe('176251.036');
    expect(JSON.stringify(resultToJson(back))).toBe(JSON.stringify(resultToJson(result)));
  });

  it('keeps an infinite profit factor (no losing trade)', async () => {
    const once: Pipeline = (ctx) =>
      ctx.market.bars().pipe(
        filter((_, i) => i === 0 || i === 5),
        map((_, i) => ctx.orderFactory.market({ instrumentId: goog.id, side: i === 0 ? 'BUY' : 'SELL', quantity: 1 })),
      );
    const result = await runBacktest(once, { data: bars.slice(0, 10), instruments: [goog], ledger: { startingCash: 1000 } });
    expect(result.metrics.profitFactor).toBe(Infinity);
    expect(roundTrip(result).metrics.profitFactor).toBe(Infinity);
  });

  it('names the bad field of a damaged result file', async () => {
    const result = await runBacktest(smaPipeline({ fast: 10, slow: 30, size: 100 }), { data: bars, instruments: [goog], ledger: { startingCash: 100_000 } });
    const json = resultToJson(result) as { fills: { price: unknown }[] };
    json.fills[3]!.price = 12.5; // a JSON number may already be rounded: refused
    const e = (() => {
      try {
        resultFromJson(json);
      } catch (x) {
        return x;
      }
    })();
    expect(e).toBeInstanceOf(ValidationError);
    expect((e as ValidationError).field).toBe('result.fills[3].price');
  });
});

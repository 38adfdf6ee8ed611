import { Decimal } from '@rxtrade/core';
import { describe, expect, it } from 'vitest';
import { scaleGaussianToHorizon, scaleToHorizon } from './scale-to-horizon';
import { stressTest } from './stress-test';
import { normalQuantile } from './normal';

describe('stressTest', () => {
  const positions = [
    { instrumentId: 'GOOG.NASDAQ', quantity: new Decimal(100), price: '150.25', tags: ['tech'] },
    { instrumentId: 'XOM.NYSE', quantity: new Decimal(-50), price: '110.10', tags: ['energy'] },
    { instrumentId: 'ES.CME', quantity: new Decimal(2), price: '5000.25', multiplier: 50, tags: ['index'] },
  ];

  it('applies instrument, tag and blanket shocks with that precedence and sums exact P&L', () => {
    const [crash, oil] = stressTest(positions, [
      { name: 'crash', all: -0.2, tags: { energy: -0.3 }, instruments: { 'GOOG.NASDAQ': -0.25 } },
      { name: 'oil spike', tags: { energy: 0.15 } },
    ]);
    // GOOG 100 * 150.25 * -0.25 = -3756.25; XOM -50 * 110.10 * -0.3 = 1651.5; ES 2 * 5000.25 * 50 * -0.2 = -100005
    expect(crash!.byInstrument.map((b) => b.pnl.toString())).toEqual(['-3756.25', '1651.5', '-100005']);
    expect(crash!.pnl.toString()).toBe('-102109.75');
    expect(oil!.pnl.toString()).toBe('-825.75');
  });

  it('rejects a NaN shock naming the scenario and key', () => {
    expect(() => stressTest(positions, [{ name: 'bad', tags: { tech: NaN } }])).toThrow(/scenarios\[0\]\.tags\.tech/);
  });
});

describe('horizon scaling', () => {
  it('scales by the square root of time', () => {
    expect(scaleToHorizon(-0.02, 10)).toBeCloseTo(-0.02 * Math.sqrt(10), 15);
    expect(() => scaleToHorizon(-0.02, 0)).toThrow(/horizon/);
  });
  it('scales mean by h and sd by sqrt(h) for the Gaussian VaR', () => {
    expect(scaleGaussianToHorizon({ mean: 0.001, sd: 0.02, p: 0.99, horizon: 4 })).toBeCloseTo(0.004 + normalQuantile(0.01) * 0.04, 15);
  });
});

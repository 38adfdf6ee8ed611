import { ValidationError } from '@rxtrade/core';
import { describe, expect, it } from 'vitest';
import { expectedShortfall } from './expected-shortfall';
import { sampleMoments } from './moments';
import { normalCdf, normalDensity, normalQuantile } from './normal';
import { edhecColumns, googReturns } from '../__fixtures__/measure-data';
import { valueAtRisk } from './value-at-risk';

// PerformanceAnalytics 2.0.8 on the daily simple returns of the GOOG fixture:
// VaR(R, p = 0.95, method = ...) and ES(R, p = 0.95, method = ...).
const PA = {
  historicalVar: -0.0334423877077154,
  gaussianVar: -0.0377089030755385,
  modifiedVar: -0.0262325716445558,
  historicalEs: -0.050083040887076,
  gaussianEs: -0.0476719799481172,
};
const rel = (a: number, b: number): number => Math.abs(a / b - 1);

describe('valueAtRisk and expectedShortfall against PerformanceAnalytics 2.0.8', () => {
  const r = googReturns();

  it('uses the 1046 daily returns of the fixture', () => {
    expect(r).toHaveLength(1046);
    expect(r[0]).toBeCloseTo(108.31 / 100.34 - 1, 15);
  });

  it('matches historical VaR(95%) to 1e-9 relative', () => {
    expect(rel(valueAtRisk(r, { p: 0.95, method: 'historical' }), PA.historicalVar)).toBeLessThan(1e-9);
  });
  it('matches Gaussian VaR(95%) to 1e-9 relative', () => {
    expect(rel(valueAtRisk(r, { p: 0.95, method: 'gaussian' }), PA.gaussianVar)).toBeLessThan(1e-9);
  });
  it('matches modified (Cornish-Fisher) VaR(95%) to 1e-9 relative', () => {
    expect(rel(valueAtRisk(r, { p: 0.95, method: 'modified' }), PA.modifiedVar)).toBeLessThan(1e-9);
  });
  it('matches historical ES(95%) to 1e-9 relative', () => {
    expect(rel(expectedShortfall(r, { p: 0.95, method: 'historical' }), PA.historicalEs)).toBeLessThan(1e-9);
  });
  it('matches Gaussian ES(95%) to 1e-9 relative', () => {
    expect(rel(expectedShortfall(r, { p: 0.95, method: 'gaussian' }), PA.gaussianEs)).toBeLessThan(1e-9);
  });

  it('defaults to historical at 95%', () => {
    expect(valueAtRisk(r)).toBe(valueAtRisk(r, { p: 0.95, method: 'historical' }));
  });

  it('floors the modified ES at the modified VaR (operational ES), as operES.CornishFisher', () => {
    // GOOG's skewness (0.975) makes the Edgeworth tail mean fall above h: the operational floor applies.
    expect(expectedShortfall(r, { method: 'modified' })).toBe(valueAtRisk(r, { method: 'modified' }));
  });

  it('gives a more negative VaR at 99% than at 95% for every method', () => {
    for (const method of ['historical', 'gaussian', 'modified'] as const)
      expect(valueAtRisk(r, { p: 0.99, method })).toBeLessThan(valueAtRisk(r, { p: 0.95, method }));
  });

  it('takes the mean of the returns strictly below the quantile for historical ES', () => {
    const small = [-0.05, -0.04, -0.01, 0, 0.01, 0.02, 0.03, 0.04, 0.05, 0.06];
    // type 7 at 0.2: h = 1.8 -> -0.04 + 0.8 * 0.03 = -0.016; returns below: -0.05, -0.04.
    expect(valueAtRisk(small, { p: 0.8 })).toBeCloseTo(-0.016, 15);
    expect(expectedShortfall(small, { p: 0.8 })).toBeCloseTo(-0.045, 15);
  });

  it('rejects a NaN return naming its index, and a confidence outside (0.5, 1)', () => {
    expect(() => valueAtRisk([0.01, NaN, 0.02])).toThrow(/returns\[1\]: must be a finite number/);
    expect(() => valueAtRisk(r, { p: 1.5 })).toThrow(ValidationError);
    expect(() => valueAtRisk(r, { p: 1.5 })).toThrow(/config\.p/);
  });
});

// PerformanceAnalytics' older ES.CornishFisher wrote the Edgeworth tail mean with its `Ipower` integrals
// (Boudt, Peterson and Croux 2008, appendix); 2.0.8 uses a closed form. The two must agree.
function ipower(power: number, h: number): number {
  let full = 1;
  let result: number;
  if (power % 2 === 0) {
    const pstar = power / 2;
    for (let j = 1; j <= pstar; j++) full *= 2 * j;
    result = full * normalDensity(h);
    for (let i = 1; i <= pstar; i++) {
      let prod = 1;
      for (let j = 1; j <= i; j++) prod *= 2 * j;
      result += (full / prod) * h ** (2 * i) * normalDensity(h);
    }
  } else {
    const pstar = (power - 1) / 2;
    for (let j = 0; j <= pstar; j++) full *= 2 * j + 1;
    result = -full * normalCdf(h);
    for (let i = 0; i <= pstar; i++) {
      let prod = 1;
      for (let j = 0; j <= i; j++) prod *= 2 * j + 1;
      result += (full / prod) * h ** (2 * i + 1) * normalDensity(h);
    }
  }
  return result;
}

describe('modified expected shortfall', () => {
  it('matches the Ipower form of the Cornish-Fisher ES on the 13 EDHEC series (skewed, fat-tailed)', () => {
    for (const r of edhecColumns()) {
      const m = sampleMoments(r);
      const p = 0.05;
      const z = normalQuantile(p);
      const s = m.skewness;
      const k = m.excessKurtosis;
      const h = z + ((z * z - 1) * s) / 6 + ((z ** 3 - 3 * z) * k) / 24 - ((2 * z ** 3 - 5 * z) * s * s) / 36;
      const phi = normalDensity(h);
      const e =
        phi +
        ((ipower(4, h) - 6 * ipower(2, h) + 3 * phi) * k) / 24 +
        ((ipower(3, h) - 3 * ipower(1, h)) * s) / 6 +
        ((ipower(6, h) - 15 * ipower(4, h) + 45 * ipower(2, h) - 15 * phi) * s * s) / 72;
      const expected = m.mean + Math.sqrt(m.m2) * Math.min(-e / p, h);
      expect(rel(expectedShortfall(r, { p: 0.95, method: 'modified' }), expected)).toBeLessThan(1e-12);
      // Here the tail mean lies below h: the operational floor is not what decides.
      expect(-e / p).toBeLessThan(h);
    }
  });
});

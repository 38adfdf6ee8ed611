import { describe, expect, it } from 'vitest';
import { edhecReturnRows, readOptimizerFixture } from '../../__fixtures__/optimizers';
import { sampleCovariance } from './sample-covariance';

const reference = readOptimizerFixture<{ sampleCovariance13: number[][] }>('optimizers-quadprog-reference.json');

describe('sampleCovariance', () => {
  it("matches R's cov() on the 13 EDHEC indices to 1e-13 relative", () => {
    const sigma = sampleCovariance(edhecReturnRows(13));
    for (let i = 0; i < 13; i++) {
      for (let j = 0; j < 13; j++) {
        const expected = reference.sampleCovariance13[i]![j]!;
        expect(Math.abs(sigma[i]![j]! - expected)).toBeLessThan(1e-13 * Math.abs(expected) + 1e-20);
      }
    }
  });

  it('uses the n - 1 denominator', () => {
    const sigma = sampleCovariance([[1, 2], [3, 6], [5, 4]]);
    // x: mean 3, deviations -2 0 2 -> var 8 / 2; y: mean 4, deviations -2 2 0 -> cov (4 + 0 + 0) / 2
    expect(Array.from(sigma[0]!)).toEqual([4, 2]);
    expect(Array.from(sigma[1]!)).toEqual([2, 4]);
  });

  it('rejects a single observation and ragged rows, naming the field', () => {
    expect(() => sampleCovariance([[1, 2]])).toThrow(/returns: needs at least 2 observations/);
    expect(() => sampleCovariance([[1, 2], [3]])).toThrow(/returns\[1\]: row has 1 columns, expected 2/);
    expect(() => sampleCovariance([[1, 2], [3, Number.NaN]])).toThrow(/returns\[1\]\[1\]: must be a finite number/);
    expect(() => sampleCovariance([[1, '2'], [3, 4]] as unknown as number[][])).toThrow(/returns\[0\]\[1\]: must be a finite number/);
    expect(() => sampleCovariance('1,2' as unknown as number[][])).toThrow(/returns: must be an array of rows/);
  });
});

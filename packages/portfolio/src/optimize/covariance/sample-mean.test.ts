import { describe, expect, it } from 'vitest';
import { edhecReturnRows, readOptimizerFixture } from '../../__fixtures__/optimizers';
import { sampleMean } from './sample-mean';

const reference = readOptimizerFixture<{ mean13: number[] }>('optimizers-quadprog-reference.json');

describe('sampleMean', () => {
  it("matches R's colMeans on the 13 EDHEC indices", () => {
    const mean = sampleMean(edhecReturnRows(13));
    reference.mean13.forEach((m, i) => expect(Math.abs(mean[i]! - m)).toBeLessThan(1e-15));
  });

  it('averages each column', () => {
    expect(Array.from(sampleMean([[1, 10], [3, 20]]))).toEqual([2, 15]);
  });

  it('rejects a returns matrix with one row, naming the field', () => {
    expect(() => sampleMean([[1, 2]])).toThrow(/^returns: needs at least 2 observations/);
  });
});

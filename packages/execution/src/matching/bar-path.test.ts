import { describe, expect, it } from 'vitest';
import { bar, goog } from '../__fixtures__/setup';
import { barPath } from './bar-path';

describe('barPath', () => {
  it('goes to the low first when the low is nearer the open', () => {
    expect(Array.from(barPath(bar(goog.id, 0, 100, 103, 99, 102), new Float64Array(4)))).toEqual([100, 99, 103, 102]);
  });

  it('goes to the high first when the high is nearer the open', () => {
    expect(Array.from(barPath(bar(goog.id, 0, 100, 101, 95, 96), new Float64Array(4)))).toEqual([100, 101, 95, 96]);
  });

  it('goes to the high first on a tie', () => {
    expect(Array.from(barPath(bar(goog.id, 0, 100, 102, 98, 100), new Float64Array(4)))).toEqual([100, 102, 98, 100]);
  });
});

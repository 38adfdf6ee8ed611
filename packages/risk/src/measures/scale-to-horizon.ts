/**
 * Horizon scaling of a one-period VaR or ES by the square-root-of-time rule (Basel's 10-day VaR from a
 * daily one): valid for independent, identically distributed returns with zero mean. With a mean, scale
 * mean and standard deviation separately (mean h, sd sqrt(h)) with {@link scaleGaussianToHorizon}.
 */
import { ValidationError } from '@rxtrade/core';
import { normalQuantile } from './normal';

/**
 * Scales a one-period measure to `horizon` periods: value * sqrt(horizon).
 *
 * @example
 * ```ts
 * scaleToHorizon(-0.02, 10) // -0.0632…
 * ```
 */
export function scaleToHorizon(value: number, horizon: number): number {
  if (!(horizon > 0) || !Number.isFinite(horizon)) throw new ValidationError([{ path: ['horizon'], message: `must be a positive number, got ${horizon}` }]);
  return value * Math.sqrt(horizon);
}

/**
 * Gaussian VaR over `horizon` periods from one-period mean and standard deviation:
 * mean h + z(1-p) sd sqrt(h).
 *
 * @example
 * ```ts
 * scaleGaussianToHorizon({ mean: 0.0005, sd: 0.02, p: 0.99, horizon: 10 })
 * ```
 */
export function scaleGaussianToHorizon(o: { readonly mean: number; readonly sd: number; readonly p: number; readonly horizon: number }): number {
  if (!(o.horizon > 0)) throw new ValidationError([{ path: ['horizon'], message: `must be a positive number, got ${o.horizon}` }]);
  if (!(o.sd >= 0)) throw new ValidationError([{ path: ['sd'], message: `must be >= 0, got ${o.sd}` }]);
  return o.mean * o.horizon + normalQuantile(1 - o.p) * o.sd * Math.sqrt(o.horizon);
}

/**
 * `scalerFromJSON`: reads any saved scaler back, dispatching on its `type`.
 */
import { ValidationError } from '@rxtrade/core';
import { MinMaxScaler } from './min-max-scaler';
import { RobustScaler } from './robust-scaler';
import type { Scaler } from './scaler';
import { StandardScaler } from './standard-scaler';

/**
 * Reads a scaler saved by its `toJSON` (the JSON of a {@link StandardScaler}, {@link MinMaxScaler} or
 * {@link RobustScaler}).
 *
 * @throws ValidationError naming the bad field, or `type` when it is none of the three.
 * @example
 * ```ts
 * import { RobustScaler, scalerFromJSON } from '@rxtrade/ml';
 *
 * const saved = JSON.stringify(RobustScaler.fit([[1], [2], [4]]));
 * const scaler = scalerFromJSON(JSON.parse(saved));
 * console.log(scaler.type, scaler.transform([4])); // robust Float64Array [1.3333333333333333]
 * ```
 */
export function scalerFromJSON(json: unknown): Scaler {
  const type = typeof json === 'object' && json !== null ? (json as { type?: unknown }).type : undefined;
  switch (type) {
    case 'standard':
      return StandardScaler.fromJSON(json);
    case 'minmax':
      return MinMaxScaler.fromJSON(json);
    case 'robust':
      return RobustScaler.fromJSON(json);
    default:
      throw new ValidationError([{ path: ['scaler', 'type'], message: `must be 'standard', 'minmax' or 'robust', got ${JSON.stringify(type)}` }]);
  }
}

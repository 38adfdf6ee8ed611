/**
 * How the data-quality report writes times, durations and numbers in its findings: fixed formats
 * (UTC, en-US digits) so that a report reads the same on every machine.
 */

/**
 * An epoch time in UTC: the date alone at midnight, else date and time to the minute, second or
 * millisecond, as little as the value needs (`2024-01-02`, `2024-01-02 14:30Z`).
 *
 * @example
 * ```ts
 * formatTs(Date.UTC(2024, 0, 2, 14, 30)); // '2024-01-02 14:30Z'
 * ```
 */
export function formatTs(ts: number): string {
  if (!Number.isFinite(ts) || Math.abs(ts) > 8.64e15) return String(ts);
  const iso = new Date(ts).toISOString();
  const date = iso.slice(0, 10);
  const ms = ((ts % 86_400_000) + 86_400_000) % 86_400_000;
  if (ms === 0) return date;
  if (ms % 60_000 === 0) return `${date} ${iso.slice(11, 16)}Z`;
  if (ms % 1000 === 0) return `${date} ${iso.slice(11, 19)}Z`;
  return `${date} ${iso.slice(11, 23)}Z`;
}

/**
 * A duration in the largest unit that divides it: `1d`, `4h`, `15m`, `30s`, `250ms`.
 *
 * @example
 * ```ts
 * formatDuration(86_400_000); // '1d'
 * ```
 */
export function formatDuration(ms: number): string {
  for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]] as const) if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}

/**
 * A number with thousands separators and at most `digits` decimals (trailing zeros dropped); NaN and
 * infinities as such.
 *
 * @example
 * ```ts
 * formatNumber(1234567.891, 2); // '1,234,567.89'
 * ```
 */
export function formatNumber(x: number, digits = 6): string {
  if (!Number.isFinite(x)) return String(x);
  return x.toLocaleString('en-US', { maximumFractionDigits: digits, useGrouping: true });
}

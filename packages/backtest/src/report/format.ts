/**
 * Number and date formatting for the report's tables and cards: fixed locale (en-US) and UTC so that
 * a report reads the same on every machine and renders byte-identically for the same input.
 */

/**
 * How a figure is shown.
 *
 * @example
 * ```ts
 * formatFigure(0.25, FigureKind.PERCENT) // '25.00%'
 * ```
 */
export const FigureKind = {
  PERCENT: 'percent',
  RATIO: 'ratio',
  MONEY: 'money',
  INTEGER: 'integer',
  NUMBER: 'number',
  DURATION: 'duration',
  TEXT: 'text',
} as const;
export type FigureKind = (typeof FigureKind)[keyof typeof FigureKind];

const money = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/**
 * Formats a figure for display; non-finite numbers show as an em dash.
 *
 * @example
 * ```ts
 * formatFigure(0.12345, 'percent') // '12.35%'
 * formatFigure('176251.036', 'money') // '176,251.04'
 * ```
 */
export function formatFigure(value: unknown, kind: FigureKind): string {
  if (value === undefined || value === null) return '—';
  if (kind === 'text') return String(value);
  const x = typeof value === 'number' ? value : Number(String(value));
  // Non-numeric text stays as it is; 'NaN' and 'Infinity' are how JSON results carry those numbers.
  if (typeof value === 'string' && Number.isNaN(x) && value !== 'NaN') return value;
  if (!Number.isFinite(x)) return x === Infinity ? '∞' : x === -Infinity ? '−∞' : '—';
  switch (kind) {
    case 'percent':
      return `${(x * 100).toFixed(2)}%`;
    case 'ratio':
      return x.toFixed(3);
    case 'money':
      return money.format(x);
    case 'integer':
      return integer.format(x);
    case 'duration':
      return formatDuration(x);
    default:
      return Math.abs(x) >= 1000 ? money.format(x) : Number(x.toPrecision(6)).toString();
  }
}

/** Milliseconds as days (or hours/minutes when shorter). */
function formatDuration(ms: number): string {
  const day = 86_400_000;
  if (ms >= day) return `${integer.format(Math.round(ms / day))} days`;
  if (ms >= 3_600_000) return `${(ms / 3_600_000).toFixed(1)} h`;
  return `${(ms / 60_000).toFixed(1)} min`;
}

/**
 * An epoch-millisecond time as `YYYY-MM-DD`, or `YYYY-MM-DD HH:MM` when it is not midnight UTC.
 *
 * @example
 * ```ts
 * formatTime(Date.UTC(2004, 10, 29)) // '2004-11-29'
 * ```
 */
export function formatTime(ts: number): string {
  if (!Number.isFinite(ts)) return '—';
  const iso = new Date(ts).toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}

/**
 * Turns a camelCase key into a label: `maxDrawdownDuration` → `Max drawdown duration`.
 *
 * @example
 * ```ts
 * humanize('profitFactor') // 'Profit factor'
 * ```
 */
export function humanize(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .trim()
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

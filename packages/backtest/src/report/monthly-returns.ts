/**
 * Calendar-month returns of an equity curve, the table behind the report's heatmap: each month's return
 * is its last equity over the previous month's last equity, minus one (the first month is measured from
 * the curve's first point), as R PerformanceAnalytics `table.CalendarReturns` does on month-end values.
 * Months are UTC calendar months.
 */

/** One month's return. */
export interface MonthlyReturn {
  readonly year: number;
  /** 0 = January … 11 = December. */
  readonly month: number;
  readonly value: number;
}

/** Result of {@link monthlyReturns}. */
export interface MonthlyReturns {
  readonly months: readonly MonthlyReturn[];
  /** Each calendar year's compounded return (from the previous year's last equity). */
  readonly years: ReadonlyArray<{ readonly year: number; readonly value: number }>;
}

/**
 * Computes calendar-month and calendar-year returns of an equity curve sorted by time.
 *
 * @example
 * ```ts
 * const jan = Date.UTC(2024, 0, 2), feb = Date.UTC(2024, 1, 1);
 * monthlyReturns([jan, Date.UTC(2024, 0, 31), feb], [100, 110, 99]).months
 * // [{ year: 2024, month: 0, value: 0.1 }, { year: 2024, month: 1, value: -0.1 }]
 * ```
 */
export function monthlyReturns(ts: ArrayLike<number>, equity: ArrayLike<number>): MonthlyReturns {
  const n = Math.min(ts.length, equity.length);
  const months: MonthlyReturn[] = [];
  const years: Array<{ year: number; value: number }> = [];
  if (n === 0) return { months, years };
  let monthStart = equity[0]!;
  let yearStart = equity[0]!;
  // The current month is [from, to) in epoch ms; a Date is built only when a point leaves it.
  let y = 0;
  let m = 0;
  let from = Infinity;
  let to = -Infinity;
  const enter = (t: number): void => {
    const d = new Date(t);
    y = d.getUTCFullYear();
    m = d.getUTCMonth();
    from = Date.UTC(y, m, 1);
    to = Date.UTC(y, m + 1, 1);
  };
  enter(ts[0]!);
  for (let i = 0; i < n; i++) {
    const next = i + 1 < n ? ts[i + 1]! : undefined;
    if (next !== undefined && next >= from && next < to) continue;
    const end = equity[i]!;
    months.push({ year: y, month: m, value: monthStart !== 0 ? end / monthStart - 1 : NaN });
    monthStart = end;
    const year = y;
    if (next !== undefined) enter(next);
    if (next === undefined || y !== year) {
      years.push({ year, value: yearStart !== 0 ? end / yearStart - 1 : NaN });
      yearStart = end;
    }
  }
  return { months, years };
}

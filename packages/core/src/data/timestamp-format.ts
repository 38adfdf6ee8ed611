/**
 * A small explicit pattern language for the times that bar files write (`2020.01.02 00:00`,
 * `02.01.2024`, `20200102`), compiled once to a regular expression. Tokens:
 *
 * | token | meaning |
 * | --- | --- |
 * | `YYYY` | four-digit year |
 * | `MM` / `M` | month, two digits / one or two |
 * | `MMM` | month as an English abbreviation, `Jan` to `Dec` (any case) |
 * | `DD` / `D` | day of month, two digits / one or two |
 * | `HH` / `H` | hour 00-23, two digits / one or two |
 * | `mm` | minute, two digits |
 * | `ss` | second, two digits |
 * | `S` to `SSSSSSSSS` | fraction of a second, exactly that many digits (kept to the millisecond) |
 * | `[...]` | an optional part, such as `HH:mm[:ss]` |
 *
 * `T` and `Z` and every character that is not a letter stand for themselves. Other letters are errors,
 * so that `yyyy-MM-dd` from another library's dialect fails loudly instead of matching nothing. The
 * pattern must hold a year, a month and a day; minutes need hours, seconds need minutes and a fraction
 * needs seconds. A time without hours is the start of its day.
 */

/** Calendar fields of a local ("wall clock") time. */
export interface WallTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly millisecond: number;
  /** Whether the text gave a time of day (else it is the start of the day). */
  readonly hasTime: boolean;
}

/** Parses a time text written in one pattern: its wall time, or why it does not match. */
export type TimestampParser = (text: string) => WallTime | string;

type Field = 'year' | 'month' | 'monthName' | 'day' | 'hour' | 'minute' | 'second' | 'fraction';

const TOKENS: readonly [string, Field, string][] = [
  ['YYYY', 'year', '(\\d{4})'],
  ['MMM', 'monthName', '([A-Za-z]{3})'],
  ['MM', 'month', '(\\d{2})'],
  ['M', 'month', '(\\d{1,2})'],
  ['DD', 'day', '(\\d{2})'],
  ['D', 'day', '(\\d{1,2})'],
  ['HH', 'hour', '(\\d{2})'],
  ['H', 'hour', '(\\d{1,2})'],
  ['mm', 'minute', '(\\d{2})'],
  ['ss', 'second', '(\\d{2})'],
];
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const LITERAL_LETTERS = new Set(['T', 'Z']);

/**
 * Compiles a pattern, or returns why it is not one (the message names the pattern).
 *
 * @example
 * ```ts
 * const parse = compileTimestampFormat('YYYY.MM.DD HH:mm');
 * if (typeof parse !== 'string') parse('2020.01.02 09:30'); // { year: 2020, month: 1, day: 2, hour: 9, minute: 30, ... }
 * ```
 */
export function compileTimestampFormat(pattern: string): TimestampParser | string {
  const fields: Field[] = [];
  let source = '';
  let optional = false;
  const bad = (why: string): string => `${JSON.stringify(pattern)} is not a timestamp pattern: ${why}`;
  for (let i = 0; i < pattern.length; ) {
    const c = pattern[i]!;
    if (c === '[' || c === ']') {
      if ((c === '[') === optional) return bad(c === '[' ? 'optional parts cannot be nested' : "']' without '['");
      optional = c === '[';
      source += optional ? '(?:' : ')?';
      i++;
      continue;
    }
    const token = TOKENS.find(([t]) => pattern.startsWith(t, i));
    if (token) {
      if (fields.includes(token[1]) || (token[1] === 'month' && fields.includes('monthName')) || (token[1] === 'monthName' && fields.includes('month')))
        return bad(`${token[0]} repeats a field`);
      fields.push(token[1]);
      source += token[2];
      i += token[0].length;
      continue;
    }
    if (c === 'S') {
      let n = 0;
      while (pattern[i + n] === 'S') n++;
      if (n > 9) return bad('a fraction has at most 9 digits (SSSSSSSSS)');
      if (fields.includes('fraction')) return bad('S repeats a field');
      fields.push('fraction');
      source += `(\\d{${n}})`;
      i += n;
      continue;
    }
    if (/[A-Za-z]/.test(c) && !LITERAL_LETTERS.has(c)) {
      let n = 0;
      while (pattern[i + n] === c) n++;
      return bad(`unknown token ${pattern.slice(i, i + n)} (tokens: YYYY MM M MMM DD D HH H mm ss S; year and day are upper case, minutes lower case)`);
    }
    source += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    i++;
  }
  if (optional) return bad("'[' without ']'");
  const has = (f: Field): boolean => fields.includes(f);
  if (!has('year')) return bad('it has no year (YYYY)');
  if (!has('month') && !has('monthName')) return bad('it has no month (MM, M or MMM)');
  if (!has('day')) return bad('it has no day (DD or D)');
  if (has('minute') && !has('hour')) return bad('minutes (mm) need hours (HH); months are MM');
  if (has('second') && !has('minute')) return bad('seconds (ss) need minutes (mm)');
  if (has('fraction') && !has('second')) return bad('a fraction (S) needs seconds (ss)');
  const re = new RegExp(`^${source}$`);
  const at = (f: Field): number => fields.indexOf(f) + 1;
  const iYear = at('year');
  const iMonth = at('month');
  const iMonthName = at('monthName');
  const iDay = at('day');
  const iHour = at('hour');
  const iMinute = at('minute');
  const iSecond = at('second');
  const iFraction = at('fraction');
  return (text) => {
    const m = re.exec(text);
    if (!m) return `does not match timestampFormat ${JSON.stringify(pattern)}: ${JSON.stringify(text)}`;
    const num = (i: number): number => (i > 0 && m[i] !== undefined ? Number(m[i]) : 0);
    const year = num(iYear);
    let month = num(iMonth);
    if (iMonthName > 0) {
      month = MONTHS.indexOf(m[iMonthName]!.toLowerCase()) + 1;
      if (month === 0) return `has no month ${JSON.stringify(m[iMonthName])} (Jan to Dec): ${JSON.stringify(text)}`;
    }
    const day = num(iDay);
    const hour = num(iHour);
    const minute = num(iMinute);
    const second = num(iSecond);
    const millisecond = iFraction > 0 && m[iFraction] !== undefined ? Number(m[iFraction]!.padEnd(3, '0').slice(0, 3)) : 0;
    if (month < 1 || month > 12) return `month ${month} is out of range in ${JSON.stringify(text)}`;
    if (day < 1 || day > daysInMonth(year, month)) return `${JSON.stringify(text)} is not a date: ${year}-${pad(month)} has no day ${day}`;
    if (hour > 23) return `hour ${hour} is out of range in ${JSON.stringify(text)}`;
    if (minute > 59) return `minute ${minute} is out of range in ${JSON.stringify(text)}`;
    if (second > 59) return `second ${second} is out of range in ${JSON.stringify(text)}`;
    return { year, month, day, hour, minute, second, millisecond, hasTime: iHour > 0 && m[iHour] !== undefined };
  };
}

/** Milliseconds since the epoch of a wall time read as UTC (years 0-99 included, unlike `Date.UTC`). */
export function wallTimeMillis(t: WallTime): number {
  if (t.year >= 100) return Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second, t.millisecond);
  const d = new Date(0);
  d.setUTCFullYear(t.year, t.month - 1, t.day);
  d.setUTCHours(t.hour, t.minute, t.second, t.millisecond);
  return d.getTime();
}

/** Days in a month (1-12) of the proleptic Gregorian calendar. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

const pad = (n: number): string => String(n).padStart(2, '0');

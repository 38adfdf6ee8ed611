/**
 * Reads numbers from CSV cells with one strict grammar: an optional sign, digits with an optional
 * decimal separator, an optional exponent (`1234.5`, `-0.25`, `.5`, `1.5e-4`). The decimal separator is
 * `.` or `,` (European exports write `1234,5`); a thousands separator is accepted only when the caller
 * names it, and then only in groups of exactly three digits (`1.234.567,5`). Everything else is an
 * error with a reason, never a guess: `Number()` would read `0x1F` as 31 and an empty cell as 0.
 */

/** Decimal separators: `.` (the default) or `,`. */
export type DecimalSeparator = '.' | ',';
/** Thousands separators that may be named: `,` `.` space or `'` (Swiss). */
export type ThousandsSeparator = ',' | '.' | ' ' | "'";

/** Reads a trimmed cell: the number, or why the text is not one. */
export type NumberReader = (text: string) => number | string;

const PLAIN = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const COMMA_DECIMAL = /^[+-]?(?:\d+,?\d*|,\d+)(?:[eE][+-]?\d+)?$/;
const GROUPED_COMMA = /^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?$/;
const GROUPED_DOT = /^[+-]?\d{1,3}(?:\.\d{3})+(?:,\d*)?$/;
const ONE_COMMA = /^[+-]?\d*,\d+$/;

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Compiles the reader of one decimal and thousands convention. */
export function numberReader(decimal: DecimalSeparator, thousands?: ThousandsSeparator): NumberReader {
  const expected = `expected digits with an optional sign, decimal ${decimal === '.' ? 'point' : 'comma'} and exponent, such as ${decimal === '.' ? '1234.5 or 1.2e-4' : '1234,5 or 1,2e-4'}`;
  const fail = (text: string): string => {
    if (text === '') return 'is empty';
    if (thousands === undefined) {
      if (decimal === '.' && GROUPED_COMMA.test(text))
        return `is not a decimal number: ${JSON.stringify(text)}: thousands separators are not accepted unless named (thousands: ','), write ${text.replace(/,/g, '')}; or is it a decimal comma (decimal: ',')?`;
      if (decimal === '.' && ONE_COMMA.test(text)) return `is not a decimal number: ${JSON.stringify(text)}: a decimal comma? set decimal: ','`;
      if (decimal === ',' && GROUPED_DOT.test(text))
        return `is not a decimal number: ${JSON.stringify(text)}: thousands separators are not accepted unless named: set thousands: '.' to read it as ${text.replace(/\./g, '').replace(',', '.')}`;
      if (decimal === ',' && PLAIN.test(text) && text.includes('.')) return `is not a decimal number: ${JSON.stringify(text)}: the decimal separator is ','`;
    }
    return `is not a decimal number: ${JSON.stringify(text)} (${expected}${thousands === undefined ? '' : `, thousands grouped by ${JSON.stringify(thousands)} in threes`})`;
  };
  if (thousands === undefined) {
    if (decimal === '.') return (text) => (PLAIN.test(text) ? Number(text) : fail(text));
    return (text) => (COMMA_DECIMAL.test(text) ? Number(text.replace(',', '.')) : fail(text));
  }
  const t = escape(thousands);
  const d = escape(decimal);
  const grammar = new RegExp(`^[+-]?(?:\\d{1,3}(?:${t}\\d{3})+|\\d+)?(?:${d}\\d*)?(?:[eE][+-]?\\d+)?$`);
  const hasDigit = /\d/;
  const strip = new RegExp(t, 'g');
  return (text) => {
    if (!grammar.test(text) || !hasDigit.test(text) || /^[+-]?[eE]/.test(text)) return fail(text);
    const plain = text.replace(strip, '');
    return Number(decimal === '.' ? plain : plain.replace(',', '.'));
  };
}

/** Decimal places of a number in the grammar, exponent included (`1.5e-4` has 5). */
export function decimalPlaces(text: string, decimal: DecimalSeparator): number {
  let e = text.indexOf('e');
  if (e < 0) e = text.indexOf('E');
  const end = e < 0 ? text.length : e;
  const dot = text.indexOf(decimal);
  const places = dot < 0 || dot > end ? 0 : end - dot - 1;
  return e < 0 ? places : Math.max(0, places - Number(text.slice(e + 1)));
}

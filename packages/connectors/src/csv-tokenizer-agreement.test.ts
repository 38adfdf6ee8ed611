import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
// The tokenizer of core's bar parser, checked against csv-parse as an independent implementation of RFC 4180.
import { splitCsvRecord } from '../../core/src/data/csv-line';

describe('splitCsvRecord against csv-parse', () => {
  it('splits every RFC 4180 record as csv-parse does: delimiters, doubled quotes and line breaks inside quotes (property)', () => {
    const field = fc.string({ unit: fc.constantFrom('a', '7', '.', ',', ';', '\t', '"', ' ', '\n', 'ü') });
    fc.assert(
      fc.property(fc.array(field, { minLength: 2, maxLength: 8 }), fc.constantFrom(',', ';', '\t', '|'), fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }), (fields, delimiter, quote) => {
        const text = fields
          .map((f, i) => (quote[i] || f.includes(delimiter) || f.includes('"') || f.includes('\n') || f.includes('\r') ? `"${f.replace(/"/g, '""')}"` : f))
          .join(delimiter);
        const [record] = parse(text, { delimiter, relax_column_count: true }) as string[][];
        expect(splitCsvRecord(text, delimiter)).toEqual(record);
        expect(record).toEqual(fields);
      }),
    );
  });
});

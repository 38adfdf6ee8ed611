import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { OPEN_QUOTE, sniffDelimiter, splitCsvRecord } from './csv-line';

/** RFC 4180 section 2, written out: quote a field that holds the delimiter, a quote or a line break. */
function encode(fields: readonly string[], delimiter: string, quoteAll: boolean): string {
  return fields.map((f) => (quoteAll || f.includes(delimiter) || f.includes('"') || f.includes('\n') ? `"${f.replace(/"/g, '""')}"` : f)).join(delimiter);
}

describe('splitCsvRecord', () => {
  it('splits plain fields, keeping empty ones', () => {
    expect(splitCsvRecord('a,,b,', ',')).toEqual(['a', '', 'b', '']);
    expect(splitCsvRecord('2024.01.02\t00:00\t1.1', '\t')).toEqual(['2024.01.02', '00:00', '1.1']);
  });

  it('reads quoted fields with delimiters, doubled quotes and padding around them', () => {
    expect(splitCsvRecord('"1,5";"say ""hi""";""', ';')).toEqual(['1,5', 'say "hi"', '']);
    expect(splitCsvRecord('x,  "a, b"  ,y', ',')).toEqual(['x', 'a, b', 'y']);
  });

  it('does not take a tab delimiter for padding around a quoted field', () => {
    expect(splitCsvRecord('"a"\t\t"b"', '\t')).toEqual(['a', '', 'b']);
  });

  it('reports a quoted field still open at the end of the text', () => {
    expect(splitCsvRecord('2024-01-02,"first line', ',')).toBe(OPEN_QUOTE);
    expect(splitCsvRecord('2024-01-02,"first line\nsecond line",1', ',')).toEqual(['2024-01-02', 'first line\nsecond line', '1']);
  });

  it('rejects a quote inside an unquoted field and text after a closing quote', () => {
    expect(splitCsvRecord('a,b"c,d', ',')).toMatch(/stray quote in column 2/);
    expect(splitCsvRecord('"a"b,c', ',')).toMatch(/unexpected text after the quoted field in column 1/);
  });

  it('reads back any fields written as RFC 4180 says (property)', () => {
    const field = fc.string({ unit: fc.constantFrom('a', '1', '.', ',', ';', '\t', '"', ' ', '\n', 'é') });
    fc.assert(
      fc.property(fc.array(field, { minLength: 1, maxLength: 8 }), fc.constantFrom(',', ';', '\t', '|'), fc.boolean(), (fields, delimiter, quoteAll) => {
        expect(splitCsvRecord(encode(fields, delimiter, quoteAll), delimiter)).toEqual(fields);
      }),
    );
  });
});

describe('sniffDelimiter', () => {
  it('picks the delimiter that occurs most often outside quotes', () => {
    expect(sniffDelimiter('Datum;Eröffnung;Hoch;Tief;Schluss', [',', ';', '\t', '|'])).toBe(';');
    expect(sniffDelimiter('<DATE>\t<TIME>\t<OPEN>', [',', ';', '\t', '|'])).toBe('\t');
    expect(sniffDelimiter('"a;b;c",d,e', [',', ';'])).toBe(',');
  });

  it('gives up on a tie or on no delimiter at all', () => {
    expect(sniffDelimiter('02.01.2024;100,5;101,5', [',', ';'])).toBeUndefined();
    expect(sniffDelimiter('02.01.2024;100,5;101,5', [';'])).toBe(';');
    expect(sniffDelimiter('close', [',', ';'])).toBeUndefined();
  });
});

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Decimal, instrumentId, ValidationError, type Bar, type SkippedRow } from '@rxtrade/core';
import { ReadBarsCsvOptionsSchema, readBarsCsv, streamBarsCsv, type ReadBarsCsvOptions } from './read-bars-csv';

const goog = fileURLToPath(new URL('../../../examples/sma-crossover/fixtures/goog.csv', import.meta.url));

function errorOf(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ValidationError) return e;
    throw e;
  }
  throw new Error('expected a ValidationError');
}

describe('readBarsCsv', () => {
  it('reads the GOOG fixture: 1047 bars from 2004-08-19 to 2008-10-14', () => {
    const { bars, pricePrecision } = readBarsCsv(goog, { instrumentId: instrumentId('GOOG.NASDAQ') });
    expect(bars).toHaveLength(1047);
    expect(bars[0]).toMatchObject({ ts: Date.UTC(2004, 7, 19), open: 100, high: 104.06, low: 95.96, close: 100.34, volume: 22351900 });
    expect(bars.at(-1)).toMatchObject({ ts: Date.UTC(2008, 9, 14), close: 362.71 });
    expect(pricePrecision).toBe(2);
  });

  it('names the file, row and field of a bad row', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rxtrade-'));
    const path = join(dir, 'bad.csv');
    writeFileSync(path, 'date,open,high,low,close,volume\n2024-01-02,1,2,0.5,1.5,10\n2024-01-03,1,0.5,2,1,10\n');
    expect(() => readBarsCsv(path, { instrumentId: instrumentId('X.SIM') })).toThrow(ValidationError);
    expect(() => readBarsCsv(path, { instrumentId: instrumentId('X.SIM') })).toThrow(/^bad\.csv row 3: high: high \(0\.5\) is below low \(2\)/);
  });
});

describe('readBarsCsv options', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rxtrade-'));
  const path = join(dir, 'epoch.csv');
  const t0 = Date.UTC(2024, 0, 2);
  writeFileSync(path, `timestamp,open,high,low,close\n${t0 / 1000},1,2,0.5,1.5\n${t0 / 1000 + 60},1,2,0.5,1.5\n`);

  it('reads epoch seconds as seconds', () => {
    expect(readBarsCsv(path, { instrumentId: instrumentId('X.SIM') }).bars.map((b) => b.ts)).toEqual([t0, t0 + 60_000]);
  });

  it('rejects an unknown option, naming it', () => {
    expect(() => readBarsCsv(path, { instrumentId: instrumentId('X.SIM'), unit: 's' } as never)).toThrow(/options.*unit/);
    expect(ReadBarsCsvOptionsSchema.safeParse({ instrumentId: 'X.SIM', timestampUnit: 'ms', onInvalid: 'skip' }).success).toBe(true);
  });
});

describe('streamBarsCsv', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rxtrade-'));
  const collect = async (iterable: AsyncIterable<Bar>) => {
    const bars: Bar[] = [];
    for await (const bar of iterable) bars.push(bar);
    return bars;
  };

  it('yields the bars readBarsCsv returns for the GOOG fixture', async () => {
    const options = { instrumentId: instrumentId('GOOG.NASDAQ') };
    expect(await collect(streamBarsCsv(goog, options))).toEqual(readBarsCsv(goog, options).bars);
  });

  it('reads a CRLF file of several read chunks, row for row, and reports skipped rows', async () => {
    const path = join(dir, 'big.csv');
    const t0 = Date.UTC(2024, 0, 2);
    const rows = Array.from({ length: 30_000 }, (_, i) => `${t0 + i * 60_000},"${100 + (i % 7)}.25",108,99.5,101.125,${i}`);
    rows[12_345] = rows[12_345]!.replace('108', '0x6C');
    writeFileSync(path, ['ts,open,high,low,close,volume', ...rows].join('\r\n') + '\r\n');
    const skipped: SkippedRow[] = [];
    const options = { instrumentId: instrumentId('X.SIM'), onInvalid: 'skip' as const, onSkip: (s: SkippedRow) => skipped.push(s) };
    const bars = await collect(streamBarsCsv(path, options));
    expect(bars).toHaveLength(29_999);
    expect(bars).toEqual(readBarsCsv(path, options).bars);
    expect(skipped[0]).toEqual({ row: 12_347, field: 'high', message: expect.stringMatching(/not a decimal number: "0x6C"/) });
  });

  it('names the file, row and column of a bad row', async () => {
    const path = join(dir, 'bad.csv');
    writeFileSync(path, 'date,open,high,low,close\n2024-01-02,1,2,0.5,1.5\n2024-01-03,"1,000",2,0.5,1.5\n');
    await expect(collect(streamBarsCsv(path, { instrumentId: instrumentId('X.SIM') }))).rejects.toThrow(/^bad\.csv row 3: open: .*thousands separators/);
  });

  it('checks its options when called, before reading', () => {
    expect(() => streamBarsCsv(join(dir, 'absent.csv'), { instrumentId: instrumentId('X.SIM'), timestampUnit: 'seconds' } as never)).toThrow(ValidationError);
  });
});

describe('readBarsCsv on the common shapes (fixtures in src/__fixtures__/bars-csv)', () => {
  const fixture = (name: string) => fileURLToPath(new URL(`./__fixtures__/bars-csv/${name}`, import.meta.url));
  const rowsOf = (name: string) => readFileSync(fixture(name), 'utf8').trim().split('\n');
  const iso = (b: Bar | undefined) => (b === undefined ? 'none' : new Date(b.ts).toISOString());
  const ohlcv = (b: Bar | undefined) => (b === undefined ? [] : [b.open, b.high, b.low, b.close, b.volume]);
  const collect = async (iterable: AsyncIterable<Bar>) => {
    const bars: Bar[] = [];
    for await (const bar of iterable) bars.push(bar);
    return bars;
  };
  const tmp = mkdtempSync(join(tmpdir(), 'rxtrade-shapes-'));

  describe('Yahoo Finance daily download', () => {
    const name = 'yahoo-ORCL-2014H2.csv';
    const options = { instrumentId: instrumentId('ORCL.NYSE'), format: 'yahoo', timeZone: 'America/New_York' } as const;

    it('reads the trading days in New York time, prices as written', () => {
      const { bars, pricePrecision } = readBarsCsv(fixture(name), options);
      expect(bars).toHaveLength(128);
      expect([iso(bars[0]), ...ohlcv(bars[0])]).toEqual(['2014-07-01T04:00:00.000Z', 40.41, 40.91, 40.41, 40.77, 13147000]);
      expect([iso(bars.at(-1)), ...ohlcv(bars.at(-1))]).toEqual(['2014-12-31T05:00:00.000Z', 45.450001, 45.560001, 44.970001, 44.970001, 13269200]);
      expect(pricePrecision).toBe(6);
    });

    it("back-adjusts every price by Adj Close / Close with price: 'adjClose' (checked row by row with decimal.js)", () => {
      const { bars } = readBarsCsv(fixture(name), { ...options, price: 'adjClose' });
      const rows = rowsOf(name).slice(1).map((r) => r.split(','));
      expect(bars).toHaveLength(rows.length);
      const factors = new Set<string>();
      rows.forEach(([, open, high, low, close, adjClose, volume], i) => {
        const f = new Decimal(adjClose!).div(close!);
        factors.add(f.toFixed(4));
        const bar = bars[i]!;
        const expected = [open, high, low, close].map((p) => new Decimal(p!).mul(f).toNumber());
        [bar.open, bar.high, bar.low, bar.close].forEach((got, k) => expect(Math.abs(got / expected[k]! - 1), `row ${i + 2}`).toBeLessThan(1e-15));
        expect(bar.volume).toBe(Number(volume));
      });
      // The ex-dividend days of July and October 2014 change the factor.
      expect([...factors]).toEqual(['0.9351', '0.9378', '0.9407']);
      expect(bars[0]!.close).toBeCloseTo(38.122887, 12);
    });

    it('names a column of the columns option that the header lacks, and lists the header', () => {
      expect(() => readBarsCsv(fixture(name), { ...options, columns: { adjClose: 'Adj Clse' } })).toThrow(
        'yahoo-ORCL-2014H2.csv row 1: options.columns.adjClose: no column "Adj Clse" in the header: Date, Open, High, Low, Close, Adj Close, Volume',
      );
    });

    it('names the row and column of a bad date', () => {
      const path = join(tmp, 'yahoo-bad-date.csv');
      const rows = rowsOf(name);
      rows[40] = ['2014-08-32', ...rows[40]!.split(',').slice(1)].join(',');
      writeFileSync(path, rows.join('\n'));
      expect(() => readBarsCsv(path, options)).toThrow(/^yahoo-bad-date\.csv row 41: date: "2014-08-32" is not a date: 2014-08 has no day 32$/);
    });

    it('names timeZone when it is not a time zone', () => {
      const e = errorOf(() => readBarsCsv(fixture(name), { ...options, timeZone: 'America/NewYork' }));
      expect(e.field).toBe('options.timeZone');
      expect(e.message).toMatch(/unknown time zone "America\/NewYork"/);
    });
  });

  describe('Binance klines', () => {
    const first = ['2022-01-01T00:00:00.000Z', 46216.93, 46731.39, 46208.37, 46656.13, 1503.33095];
    const last = ['2022-01-03T23:00:00.000Z', 46217.91, 46576.94, 46170.64, 46446.1, 1055.33575];

    it('reads spot klines in epoch milliseconds', () => {
      const { bars, pricePrecision } = readBarsCsv(fixture('binance-BTCUSDT-1h-2022-01.csv'), { instrumentId: instrumentId('BTCUSDT.BINANCE'), format: 'binance' });
      expect(bars).toHaveLength(72);
      expect([iso(bars[0]), ...ohlcv(bars[0])]).toEqual(first);
      expect([iso(bars.at(-1)), ...ohlcv(bars.at(-1))]).toEqual(last);
      expect(pricePrecision).toBe(8);
    });

    it('reads the microsecond layout of 2025 spot files as the same bars, by the auto unit or by timestampUnit', () => {
      const ms = readBarsCsv(fixture('binance-BTCUSDT-1h-2022-01.csv'), { instrumentId: instrumentId('BTCUSDT.BINANCE'), format: 'binance' }).bars;
      const auto = readBarsCsv(fixture('binance-BTCUSDT-1h-2022-01-us.csv'), { instrumentId: instrumentId('BTCUSDT.BINANCE'), format: 'binance' }).bars;
      const us = readBarsCsv(fixture('binance-BTCUSDT-1h-2022-01-us.csv'), { instrumentId: instrumentId('BTCUSDT.BINANCE'), format: 'binance', timestampUnit: 'us' }).bars;
      expect(auto).toEqual(ms);
      expect(us).toEqual(ms);
    });

    it('reads USDⓈ-M futures klines, which have a header line, with header: true', () => {
      const path = fixture('binance-um-BTCUSDT-1m-2025-01.csv');
      expect(() => readBarsCsv(path, { instrumentId: instrumentId('BTCUSDT-PERP.BINANCE'), format: 'binance' })).toThrow(
        /^binance-um-BTCUSDT-1m-2025-01\.csv row 1: time: is not a recognised time: "open_time".*set header: true/,
      );
      const { bars } = readBarsCsv(path, { instrumentId: instrumentId('BTCUSDT-PERP.BINANCE'), format: 'binance', header: true });
      expect(bars).toHaveLength(60);
      expect([iso(bars[0]), ...ohlcv(bars[0])]).toEqual(['2025-01-01T00:00:00.000Z', 93548.8, 93599.9, 93514.2, 93599.9, 71.187]);
      expect([iso(bars.at(-1)), ...ohlcv(bars.at(-1))]).toEqual(['2025-01-01T00:59:00.000Z', 94439.4, 94449.2, 94325.9, 94363.6, 184.974]);
    });
  });

  describe('MetaTrader exports', () => {
    it('reads an MT4 History Center file in the server time zone', () => {
      const { bars } = readBarsCsv(fixture('metatrader4-EURUSD1440.csv'), { instrumentId: instrumentId('EURUSD.FX'), format: 'metatrader4', timeZone: 'Europe/Athens' });
      expect(bars).toHaveLength(119);
      expect([iso(bars[0]), ...ohlcv(bars[0])]).toEqual(['2021-05-10T21:00:00.000Z', 1.2128, 1.21817, 1.2123, 1.2147, 57217]);
      expect([iso(bars.at(-1)), ...ohlcv(bars.at(-1))]).toEqual(['2021-10-21T21:00:00.000Z', 1.16197, 1.16554, 1.16194, 1.16423, 65007]);
    });

    it('reads an MT5 bar export, its date and time columns joined', () => {
      const { bars, pricePrecision } = readBarsCsv(fixture('metatrader5-EURUSD_H1.csv'), { instrumentId: instrumentId('EURUSD.FX'), format: 'metatrader5', timeZone: 'Europe/Athens' });
      expect(bars).toHaveLength(72);
      expect([iso(bars[0]), ...ohlcv(bars[0])]).toEqual(['2025-06-22T21:00:00.000Z', 1.14565, 1.14745, 1.14565, 1.14721, 644]);
      expect([iso(bars.at(-1)), ...ohlcv(bars.at(-1))]).toEqual(['2025-06-25T20:00:00.000Z', 1.16582, 1.16607, 1.1651, 1.16593, 1041]);
      expect(pricePrecision).toBe(5);
    });

    it('names the row and the joined column of a bad time', () => {
      const path = join(tmp, 'mt5-bad-time.csv');
      const rows = rowsOf('metatrader5-EURUSD_H1.csv');
      rows[10] = rows[10]!.replace('09:00:00', '9:00:00');
      writeFileSync(path, rows.join('\n'));
      expect(() => readBarsCsv(path, { instrumentId: instrumentId('EURUSD.FX'), format: 'metatrader5' })).toThrow(
        /^mt5-bad-time\.csv row 11: <date>\+<time>: does not match timestampFormat "YYYY\.MM\.DD HH:mm\[:ss\]": "2025\.06\.23 9:00:00"$/,
      );
    });
  });

  describe('German semicolon export with decimal commas', () => {
    const name = 'onvista-style-GOOG-de.csv';
    const options = {
      instrumentId: instrumentId('GOOG.NASDAQ'),
      delimiter: ';',
      decimal: ',',
      thousands: '.',
      timestampFormat: 'DD.MM.YYYY',
      timeZone: 'Europe/Berlin',
      columns: { time: 'Datum', open: 'Eröffnung', high: 'Hoch', low: 'Tief', close: 'Schluss', volume: 'Volumen' },
    } as const;

    it('reads the days in Berlin time and the prices of goog.csv they were written from', () => {
      const { bars, pricePrecision } = readBarsCsv(fixture(name), options);
      expect(bars).toHaveLength(60);
      expect([iso(bars[0]), ...ohlcv(bars[0])]).toEqual(['2004-08-18T22:00:00.000Z', 100, 104.06, 95.96, 100.34, 22351900]);
      expect([iso(bars.at(-1)), ...ohlcv(bars.at(-1))]).toEqual(['2004-11-10T23:00:00.000Z', 169.13, 183.75, 167.57, 183.02, 14985500]);
      expect(bars.map(ohlcv)).toEqual(readBarsCsv(goog, { instrumentId: instrumentId('GOOG.NASDAQ') }).bars.slice(0, 60).map(ohlcv));
      expect(pricePrecision).toBe(2);
    });

    it('reads the same from a UTF-16 copy with a byte order mark, and refuses big-endian UTF-16', async () => {
      const text = readFileSync(fixture(name), 'utf8');
      const le = join(tmp, 'de-utf16le.csv');
      writeFileSync(le, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
      const expected = readBarsCsv(fixture(name), options).bars;
      expect(readBarsCsv(le, options).bars).toEqual(expected);
      expect(await collect(streamBarsCsv(le, options))).toEqual(expected);
      const be = join(tmp, 'de-utf16be.csv');
      writeFileSync(be, Buffer.from([0xfe, 0xff, 0x00, 0x44]));
      expect(() => readBarsCsv(be, options)).toThrow(/^de-utf16be\.csv: file: is UTF-16 big-endian/);
    });
  });

  it('streams every fixture as readBarsCsv reads it', async () => {
    const cases: [string, ReadBarsCsvOptions][] = [
      ['yahoo-ORCL-2014H2.csv', { instrumentId: instrumentId('ORCL.NYSE'), format: 'yahoo', price: 'adjClose', timeZone: 'America/New_York' }],
      ['binance-BTCUSDT-1h-2022-01-us.csv', { instrumentId: instrumentId('BTCUSDT.BINANCE'), format: 'binance' }],
      ['binance-um-BTCUSDT-1m-2025-01.csv', { instrumentId: instrumentId('BTCUSDT.BINANCE'), format: 'binance', header: true }],
      ['metatrader4-EURUSD1440.csv', { instrumentId: instrumentId('EURUSD.FX'), format: 'metatrader4' }],
      ['metatrader5-EURUSD_H1.csv', { instrumentId: instrumentId('EURUSD.FX'), format: 'metatrader5' }],
      ['onvista-style-GOOG-de.csv', { instrumentId: instrumentId('GOOG.NASDAQ'), delimiter: 'auto', decimal: ',', thousands: '.', timestampFormat: 'DD.MM.YYYY', columns: { time: 'Datum', open: 'Eröffnung', high: 'Hoch', low: 'Tief', close: 'Schluss' } }],
    ];
    for (const [name, options] of cases) {
      const expected = readBarsCsv(fixture(name), options).bars;
      expect(expected.length, name).toBeGreaterThan(50);
      expect(await collect(streamBarsCsv(fixture(name), options)), name).toEqual(expected);
    }
  });
});

describe('readBarsCsv defaults on the reference files', () => {
  it('reads the S&P 500 file of vega-datasets: 5105 bars from 2000-01-03, its adjclose column ignored', () => {
    const sp500 = join(dirname(createRequire(import.meta.url).resolve('vega-datasets')), '..', 'data', 'sp500-2000.csv');
    const { bars, pricePrecision } = readBarsCsv(sp500, { instrumentId: instrumentId('SPX.INDEX') });
    expect(bars).toHaveLength(5105);
    expect([new Date(bars[0]!.ts).toISOString(), bars[0]!.open, bars[0]!.close, bars[0]!.volume]).toEqual(['2000-01-03T00:00:00.000Z', 1469.25, 1455.219971, 931800000]);
    expect(pricePrecision).toBe(6);
    // Its adjclose equals close, so the adjusted prices are the prices.
    expect(readBarsCsv(sp500, { instrumentId: instrumentId('SPX.INDEX'), price: 'adjClose' }).bars.map((b) => b.close)).toEqual(bars.map((b) => b.close));
  });
});

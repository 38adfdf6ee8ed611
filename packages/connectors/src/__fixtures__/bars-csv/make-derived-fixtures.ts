/**
 * Writes the two fixtures of this folder that are derived from real files rather than copied (see
 * README.md): the German semicolon export, from the first 60 GOOG rows of
 * examples/sma-crossover/fixtures/goog.csv, and the microsecond Binance file, from the millisecond one.
 *
 *   npx tsx packages/connectors/src/__fixtures__/bars-csv/make-derived-fixtures.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = (name: string): string => fileURLToPath(new URL(name, import.meta.url));
const goog = fileURLToPath(new URL('../../../../../examples/sma-crossover/fixtures/goog.csv', import.meta.url));

/** 1234.5 as `1.234,50`: two decimals, decimal comma, `.` between groups of three digits. */
function german(value: number, decimals: number): string {
  const [whole, fraction] = value.toFixed(decimals).split('.');
  const grouped = whole!.replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  return fraction === undefined ? grouped : `${grouped},${fraction}`;
}

const rows = readFileSync(goog, 'utf8').trim().split('\n').slice(1, 61);
const lines = ['Datum;Eröffnung;Hoch;Tief;Schluss;Volumen'];
for (const row of rows) {
  const [date, open, high, low, close, volume] = row.split(',');
  const [y, m, d] = date!.split('-');
  lines.push([`${d}.${m}.${y}`, german(Number(open), 2), german(Number(high), 2), german(Number(low), 2), german(Number(close), 2), german(Number(volume), 0)].join(';'));
}
writeFileSync(here('onvista-style-GOOG-de.csv'), lines.join('\n') + '\n');

// Spot klines from 2025-01-01 on count open and close time in microseconds: a close time of
// ...799999 ms becomes ...799999999 us. Every other byte is kept.
const ms = readFileSync(here('binance-BTCUSDT-1h-2022-01.csv'), 'utf8').trim().split('\n');
const us = ms.map((line) => {
  const cells = line.split(',');
  cells[0] = `${cells[0]}000`;
  cells[6] = `${cells[6]}999`;
  return cells.join(',');
});
writeFileSync(here('binance-BTCUSDT-1h-2022-01-us.csv'), us.join('\n') + '\n');

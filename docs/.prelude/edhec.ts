/**
 * Prelude `edhec`: the 13 EDHEC hedge-fund style indices of examples/risk-parity-rebalance as
 * instruments and monthly bars (each index starts at 100 and compounds its monthly returns; a bar opens
 * at the previous month's close), a history of monthly returns per instrument, and risk-parity weights
 * from it. Blocks marked `<!-- docs-check: prelude edhec -->` use these names as if they had declared
 * them.
 */
import { readFileSync } from 'node:fs';
import { defineInstrument, type Bar, type Instrument, type InstrumentId } from '@rxtrade/core';
import { riskParity, sampleCovariance } from '@rxtrade/portfolio';

const lines = readFileSync('examples/risk-parity-rebalance/data/edhec.csv', 'utf8').trim().split(/\r?\n/);
const unquote = (s: string): string => s.trim().replace(/^"|"$/g, '');
const names = lines[0]!.split(',').slice(1).map(unquote);
const rows = lines.slice(1).map((line) => line.split(','));

/** One `cfd` per index, quoted in USD, tick and lot 0.0001. */
export const instruments: Instrument[] = names.map((name) =>
  defineInstrument({ symbol: name.replace(/[^A-Za-z]+/g, '_').toUpperCase(), venue: 'EDHEC', assetClass: 'cfd', base: 'IDX', quote: 'USD', tickSize: '0.0001', lotSize: '0.0001' }),
);

/** One series of month-end bars per index, 1997-01 to 2021-05. */
export const bars: Bar[][] = instruments.map((instrument, k) => {
  let level = 100;
  let open = 100;
  return rows.map((row): Bar => {
    level *= 1 + Number(row[k + 1]);
    const close = Number(level.toFixed(4));
    const [y, m, d] = unquote(row[0]!).split('-').map(Number) as [number, number, number];
    const bar: Bar = { type: 'Bar', instrumentId: instrument.id, ts: Date.UTC(y, m - 1, d), open, high: Math.max(open, close), low: Math.min(open, close), close, volume: 0 };
    open = close;
    return bar;
  });
});

/** Monthly returns per instrument (`close / open - 1` of each bar), oldest first. */
export class ReturnHistory {
  private readonly byId = new Map<InstrumentId, number[]>();

  constructor(readonly ids: readonly InstrumentId[]) {
    for (const id of ids) this.byId.set(id, []);
  }

  add(bar: Bar): void {
    this.byId.get(bar.instrumentId)?.push(bar.close / bar.open - 1);
  }

  returns(id: InstrumentId): number[] | undefined {
    return this.byId.get(id);
  }
}

/** Risk-parity weights on the sample covariance of the last 36 monthly returns; undefined before there are 36. */
export function weightsFrom(history: ReturnHistory, lookback = 36): Record<InstrumentId, number> | undefined {
  const columns = history.ids.map((id) => history.returns(id)!);
  if (Math.min(...columns.map((c) => c.length)) < lookback) return undefined;
  const window = Array.from({ length: lookback }, (_, t) => Float64Array.from(columns, (c) => c[c.length - lookback + t]!));
  const { weights } = riskParity({ covariance: sampleCovariance(window) });
  return Object.fromEntries(history.ids.map((id, k) => [id, weights[k]!])) as Record<InstrumentId, number>;
}

/**
 * End to end on the first 1,600 days (2000 to mid-2006: three versions of each model, one epoch per
 * CNN+LSTM training): determinism through the command line, no look-ahead, and the report's figures
 * against the fills and the bars. About 15 s: three runs, each training three CNN+LSTMs.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Decimal, type Bar } from '@rxtrade/core';
import { readSp500 } from './data';
import { QUICK_BARS, runEnsemble, type EnsembleRun } from './ensemble';
import { main, runJson } from './main';

let run: EnsembleRun;
beforeAll(async () => {
  run = await runEnsemble({ quick: true, cnn: { epochs: 1 } });
});

describe('runEnsemble', () => {
  it('gives the same figures, byte for byte, through the command line', async () => {
    let stdout = '';
    let stderr = '';
    const code = await main(['--quick', '--json', '--epochs', '1'], { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } });
    expect(code).toBe(0);
    expect(stdout).toBe(`${JSON.stringify(runJson(run))}\n`);
    expect(stderr).toMatch(/xgboost: 3 committed versions loaded/);
    expect(stderr.match(/^cnn-lstm: trained through/gm)).toHaveLength(3);
    const json = JSON.parse(stdout);
    expect(json).toMatchObject({ bars: QUICK_BARS, versions: { cnnLstm: 3, xgboost: 3 }, from: '2004-01-27', to: '2006-05-15', days: 580 });
  });

  it('predicts every day with the newest version trained strictly before it', () => {
    expect(run.calls).toHaveLength(2 * 580);
    for (const call of run.calls) {
      const source = call.model === 'cnn-lstm' ? run.cnn : run.xgboost;
      const v = source.versions.find((x) => x.version === call.version)!;
      expect(v.trainedThrough).toBeLessThan(call.ts);
      expect(source.versions.filter((x) => x.trainedThrough < call.ts).at(-1)).toBe(v);
    }
  });

  it('cannot see the future: changing every bar after a day changes nothing before it', async () => {
    // After the last retraining (row 1,499, bar 1,519), prices jump by up to ±10% a day.
    const cut = 1540;
    const bars = readSp500().slice(0, QUICK_BARS);
    const scale = (b: Bar, f: number): Bar => ({ ...b, open: b.open * f, high: b.high * f, low: b.low * f, close: b.close * f });
    const changed = bars.map((b, i) => (i < cut ? b : scale(b, 1 + (((i * 7919) % 13) - 6) / 60)));
    const other = await runEnsemble({ bars: changed, cnn: { epochs: 1 } });
    const cutTs = bars[cut]!.ts;
    const before = <T extends { readonly ts: number }>(xs: readonly T[]): T[] => xs.filter((x) => x.ts < cutTs);
    expect(other.cnn.versions.map((v) => v.dataHash)).toEqual(run.cnn.versions.map((v) => v.dataHash));
    expect(before(other.calls)).toEqual(before(run.calls));
    expect(before(other.decisions)).toEqual(before(run.decisions));
    expect(before(other.result.fills)).toEqual(before(run.result.fills));
    expect(before(other.decisions).length).toBeGreaterThan(500);
    // The change does reach the decisions after it.
    const after = (r: EnsembleRun): string => JSON.stringify(r.decisions.filter((d) => d.ts >= cutTs).map((d) => [d.direction, d.confidence]));
    expect(after(other)).not.toBe(after(run));
  });

  it("reports figures that follow from the fills and the bars", () => {
    const { bars, result, figures, decisions } = run;
    // Every fill is a market order filled at the next day's open, with 5 basis points of commission.
    let cash = new Decimal(100_000);
    let position = new Decimal(0);
    for (const f of result.fills) {
      const bar = bars.find((b) => b.ts === f.ts)!;
      expect(f.price.toNumber()).toBe(bar.open);
      expect(f.commission.toNumber()).toBeCloseTo(f.quantity.toNumber() * bar.open * 0.0005, 9);
      const signed = f.side === 'BUY' ? f.quantity : f.quantity.neg();
      cash = cash.minus(signed.times(f.price)).minus(f.commission);
      position = position.plus(signed);
    }
    // Equity = cash + position at the last close, to the cent.
    const equity = cash.plus(position.times(bars.at(-1)!.close));
    expect(equity.toFixed(2)).toBe(result.summary.finalEquity.toFixed(2));
    expect(figures.strategy.finalEquity).toBe(equity.toFixed(2));
    expect(figures.strategy.fills).toBe(result.fills.length);
    // Nothing is held before the first out-of-sample day, so its return is the whole run's.
    expect(figures.strategy.totalReturn).toBeCloseTo(equity.toNumber() / 100_000 - 1, 9);
    const first = bars.findIndex((b) => b.ts === run.from);
    expect(figures.buyAndHold.totalReturn).toBeCloseTo(bars.at(-1)!.close / bars[first]!.close - 1, 12);
    // Hit rates from the closes: the ensemble's side against the next day's move.
    const nextMove = new Map(bars.slice(0, -1).map((b, i) => [b.ts, Math.sign(bars[i + 1]!.close - b.close)]));
    const sided = decisions.filter((d) => d.direction !== 'flat' && nextMove.get(d.ts) !== 0 && nextMove.has(d.ts));
    const hits = sided.filter((d) => (d.direction === 'long' ? 1 : -1) === nextMove.get(d.ts)).length;
    expect(figures.hitRates.ensemble).toEqual({ calls: sided.length, hits, rate: hits / sided.length });
    const days = bars.slice(first, -1);
    const upDays = days.filter((b) => nextMove.get(b.ts) === 1).length;
    expect(figures.hitRates.alwaysLong).toEqual({ calls: days.filter((b) => nextMove.get(b.ts) !== 0).length, hits: upDays, rate: expect.closeTo(upDays / days.filter((b) => nextMove.get(b.ts) !== 0).length, 12) });
    expect(figures.hitRates.cnnLstm.calls + figures.hitRates.xgboost.calls).toBeGreaterThan(1000);
  });

  it('names a misspelled option', async () => {
    await expect(runEnsemble({ quick: true, cnn: { epoch: 2 } as never })).rejects.toThrow(/runEnsemble\.cnn.*epoch/);
    await expect(runEnsemble({ quick: true, treshold: 0.2 } as never)).rejects.toThrow(/runEnsemble.*treshold/);
  });

  it('names a bad flag', async () => {
    let stderr = '';
    const io = { stdout: { write: () => true }, stderr: { write: (t: string) => (stderr += t) } };
    expect(await main(['--quik'], io)).toBe(2);
    expect(stderr).toMatch(/^ml-ensemble: unknown option --quik; did you mean "--quick"\?/);
    stderr = '';
    expect(await main(['--threshold', '2'], io)).toBe(2);
    expect(stderr).toMatch(/^ml-ensemble: --threshold must be a number in \[0, 1\], got "2"/);
  });
});

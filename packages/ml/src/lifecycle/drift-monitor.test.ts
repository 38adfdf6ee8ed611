import { from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { instrumentId, ValidationError, type FeatureRow } from '@rxtrade/core';
import { driftMonitor, type DriftAlert, type DriftReport } from './drift-monitor';
import { ksTwoSample, populationStabilityIndex } from './drift-statistics';

/** Deterministic standard normal draws (a 32-bit LCG and Box-Muller). */
function normals(n: number, seed: number): number[] {
  let s = seed >>> 0;
  const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 2 ** 32;
  return Array.from({ length: n }, () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u()));
}

const id = instrumentId('X');
const second = normals(600, 11);
const reference = normals(600, 1).map((x, i) => Float64Array.of(x, second[i]!));
// 300 ordinary rows, 300 where the first feature's mean moves by 1.5, 300 ordinary again.
const a = normals(900, 2);
const b = normals(900, 3);
const stream: FeatureRow[] = a.map((x, i) => ({ instrumentId: id, ts: i, values: Float64Array.of(i >= 300 && i < 600 ? x + 1.5 : x, b[i]!) }));

describe('driftMonitor', () => {
  it('alerts when a feature drifts and when it comes back, with the figures of the window it checked', async () => {
    const alerts: DriftAlert[] = [];
    const reports: DriftReport[] = [];
    const out = await lastValueFrom(
      from(stream).pipe(
        driftMonitor({ reference, names: ['shifted', 'steady'], window: 200, every: 25, onAlert: (x) => alerts.push(x), onReport: (r) => reports.push(r) }),
        toArray(),
      ),
    );
    expect(out).toEqual(stream); // items pass through unchanged
    // Checks at the 200th item and every 25 after: ts 199, 224, …, 899.
    expect(reports.map((r) => r.ts)).toEqual(Array.from({ length: 29 }, (_, k) => 199 + 25 * k));
    expect(alerts.map((x) => [x.type, x.feature])).toEqual([
      ['DriftDetected', 'shifted'],
      ['DriftCleared', 'shifted'],
    ]);
    const [detected, cleared] = alerts as [DriftAlert, DriftAlert];
    expect(detected.ts).toBeGreaterThan(300);
    expect(detected.ts).toBeLessThan(400);
    expect(cleared.ts).toBeGreaterThan(600);
    expect(cleared.ts).toBeLessThan(800);
    expect(detected.breached.length).toBeGreaterThan(0);
    // The figures are those of the last 200 values against the reference.
    const window = stream.slice(detected.ts! - 199, detected.ts! + 1).map((r) => r.values[0]!);
    const col = reference.map((r) => r[0]!);
    expect(detected.psi).toBeCloseTo(populationStabilityIndex(col, window), 12);
    expect(detected.ks).toEqual(ksTwoSample(col, window));
    expect(reports.every((r) => !r.features[1]!.drifted)).toBe(true);
  });

  it('monitors predictions through select, and can ignore one statistic', async () => {
    const alerts: DriftAlert[] = [];
    const predictions = stream.map((r) => ({ ts: r.ts, output: Float32Array.of(r.values[0]!) }));
    await lastValueFrom(
      from(predictions).pipe(
        driftMonitor({ reference: reference.map((r) => [r[0]!]), names: ['y'], select: (p) => p.output, window: 100, every: 25, thresholds: { psi: null, ksPValue: 1e-6 }, onAlert: (x) => alerts.push(x) }),
        toArray(),
      ),
    );
    expect(alerts.map((x) => x.type)).toEqual(['DriftDetected', 'DriftCleared']);
    expect(alerts[0]!.breached).toEqual(['ks']);
    expect(alerts[0]!.ks.pValue).toBeLessThan(1e-6);
  });

  it('refuses bad configuration and bad items, naming them', async () => {
    const onAlert = () => {};
    expect(() => driftMonitor({ reference, names: ['a', 'b'], onAlert, windw: 5 } as never)).toThrow(/driftMonitor\.windw: unknown option; did you mean "window"\?/);
    expect(() => driftMonitor({ reference, names: ['a'], onAlert })).toThrow(/driftMonitor\.reference\[0\]: must hold 1 values/);
    expect(() => driftMonitor({ reference, names: ['a', 'b'], thresholds: { ksPValue: 2 }, onAlert })).toThrow(ValidationError);
    const bad = [{ ...stream[0]!, values: Float64Array.of(Number.NaN, 0) }];
    await expect(lastValueFrom(from(bad).pipe(driftMonitor({ reference, names: ['a', 'b'], onAlert })))).rejects.toThrow(/driftMonitor\.item\.a: must be a finite number, got NaN/);
  });
});

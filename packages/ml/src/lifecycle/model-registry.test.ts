import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BacktestClock, StateError, ValidationError } from '@rxtrade/core';
import { ModelRegistry, type SaveModelVersion } from './model-registry';
import { hashTrainingData } from './training-data-hash';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'registry-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const rows = [
  { ts: 1_000, values: [0.1, 1] },
  { ts: 2_000, values: [0.2, 2] },
];
const entry = (over: Partial<SaveModelVersion> = {}): SaveModelVersion => ({
  files: { 'model.json': '{"layers":[]}', 'weights/part-0.bin': Uint8Array.of(1, 2, 3, 255) },
  scalers: { kind: 'standard', mean: [0.15, 1.5], scale: [0.05, 0.5] },
  features: ['ret1', 'z20'],
  trainingWindow: { start: 1_000, end: 2_000, rows: 2 },
  dataHash: hashTrainingData(['ret1', 'z20'], rows),
  metrics: { rmse: 0.012, hitRate: 0.55 },
  ...over,
});

describe('ModelRegistry', () => {
  it('saves versions with their files, scalers, features, window, metrics, data hash and parent, and loads them back', async () => {
    const clock = new BacktestClock(Date.UTC(2024, 0, 1));
    const registry = new ModelRegistry(path.join(dir, 'momentum'), { clock });
    expect(await registry.latest()).toBeUndefined();
    expect(await registry.list()).toEqual([]);

    const first = await registry.save(entry());
    expect(first.version).toBe('v0001');
    expect(first.parent).toBeNull();
    expect(first.createdAt).toBe(Date.UTC(2024, 0, 1));
    clock.advanceTo(Date.UTC(2024, 1, 1));
    const second = await registry.save(entry({ parent: 'v0001', metrics: { rmse: 0.01 }, extra: { lr: 0.001, layers: [32, 16] } }));
    expect(second.version).toBe('v0002');

    expect((await registry.list()).map((m) => [m.version, m.parent, m.createdAt])).toEqual([
      ['v0001', null, Date.UTC(2024, 0, 1)],
      ['v0002', 'v0001', Date.UTC(2024, 1, 1)],
    ]);
    const latest = (await registry.latest())!;
    expect(latest.metadata).toMatchObject({ version: 'v0002', parent: 'v0001', features: ['ret1', 'z20'], trainingWindow: { start: 1_000, end: 2_000, rows: 2 }, metrics: { rmse: 0.01 }, extra: { lr: 0.001, layers: [32, 16] } });
    expect(latest.metadata.dataHash).toBe(hashTrainingData(['ret1', 'z20'], rows));
    expect(await latest.text('model.json')).toBe('{"layers":[]}');
    expect(Array.from(await latest.file('weights/part-0.bin'))).toEqual([1, 2, 3, 255]);
    expect(await latest.scalers()).toEqual({ kind: 'standard', mean: [0.15, 1.5], scale: [0.05, 0.5] });
    expect((await registry.load('v0001')).metadata.metrics).toEqual({ rmse: 0.012, hitRate: 0.55 });
    await expect(latest.file('missing.bin')).rejects.toThrow(/has no file "missing.bin"; it has model.json, weights\/part-0.bin/);
    // A second registry over the same folder sees the same versions.
    expect((await new ModelRegistry(path.join(dir, 'momentum')).list()).length).toBe(2);
  });

  it('leaves nothing visible when a save fails half-way, and ignores a temporary folder left by a crash', async () => {
    const registry = new ModelRegistry(dir, { clock: new BacktestClock(0) });
    await registry.save(entry());
    // A crash between writing files and the rename leaves a temporary folder behind.
    fs.mkdirSync(path.join(dir, '.tmp-999-abc'));
    fs.writeFileSync(path.join(dir, '.tmp-999-abc', 'model.json'), 'half');
    // A save that fails while writing (a file name that is also a folder) removes its temporary folder.
    await expect(registry.save(entry({ files: { a: 'x', 'a/b': 'y' } }))).rejects.toThrow();
    expect(fs.readdirSync(dir).sort()).toEqual(['.tmp-999-abc', 'v0001']);
    expect((await registry.list()).map((m) => m.version)).toEqual(['v0001']);
    expect((await registry.save(entry())).version).toBe('v0002');
  });

  it('gives racing writers distinct versions', async () => {
    const a = new ModelRegistry(dir, { clock: new BacktestClock(0) });
    const b = new ModelRegistry(dir, { clock: new BacktestClock(0) });
    const saved = await Promise.all([a.save(entry()), b.save(entry()), a.save(entry()), b.save(entry())]);
    expect(saved.map((m) => m.version).sort()).toEqual(['v0001', 'v0002', 'v0003', 'v0004']);
    expect((await a.list()).map((m) => m.version)).toEqual(['v0001', 'v0002', 'v0003', 'v0004']);
  });

  it('refuses a file that no longer matches its recorded sha256, and metadata that fails the schema', async () => {
    const registry = new ModelRegistry(dir, { clock: new BacktestClock(0) });
    await registry.save(entry());
    fs.writeFileSync(path.join(dir, 'v0001', 'weights', 'part-0.bin'), Uint8Array.of(1, 2, 3, 254));
    await expect(registry.load('v0001')).rejects.toThrow(StateError);
    await expect(registry.load('v0001')).rejects.toThrow(/v0001\/weights\/part-0.bin does not match its recorded sha256/);

    await registry.save(entry());
    const meta = path.join(dir, 'v0002', 'metadata.json');
    const raw = JSON.parse(fs.readFileSync(meta, 'utf8'));
    fs.writeFileSync(meta, JSON.stringify({ ...raw, trainingWindow: { start: 0, end: 1 } }));
    await expect(registry.load('v0002')).rejects.toThrow(/metadata\.json\.trainingWindow\.rows/);
    await expect(registry.load('v9')).rejects.toThrow(/version: must be a version such as v0001/);
    await expect(registry.load('v0042')).rejects.toThrow(/v0042 is not in/);
  });

  it('refuses bad entries, naming the field', async () => {
    const registry = new ModelRegistry(dir, { clock: new BacktestClock(0) });
    await expect(registry.save({ ...entry(), metrcs: {} } as never)).rejects.toThrow(/entry\.metrcs: unknown option; did you mean "metrics"\?/);
    await expect(registry.save(entry({ dataHash: 'abc' }))).rejects.toThrow(/entry\.dataHash: must be sha256:/);
    await expect(registry.save(entry({ features: [] }))).rejects.toThrow(ValidationError);
    await expect(registry.save(entry({ metrics: { rmse: Number.NaN } }))).rejects.toThrow(/entry\.metrics\.rmse: .*NaN/);
    await expect(registry.save(entry({ trainingWindow: { start: 5, end: 1, rows: 2 } }))).rejects.toThrow(/trainingWindow\.end: must be >= start/);
    await expect(registry.save(entry({ files: { '../escape.bin': 'x' } }))).rejects.toThrow(/files\.\.\.\/escape\.bin: must not contain empty, \. or \.\. segments/);
    await expect(registry.save(entry({ files: { 'metadata.json': 'x' } }))).rejects.toThrow(/written by the registry itself/);
    await expect(registry.save(entry({ parent: 'v0007' }))).rejects.toThrow(/entry\.parent: v0007 is not a version of/);
    expect(() => new ModelRegistry(dir, { clok: new BacktestClock(0) } as never)).toThrow(/options\.clok: unknown option; did you mean "clock"\?/);
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});

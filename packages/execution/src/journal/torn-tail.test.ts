import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it, afterAll } from 'vitest';
import { FileJournal } from './file-journal';
import { JournalCorruptionError } from './journal-errors';
import { everyKind, fillEntry } from './__fixtures__/journal-entries';
import { canon, replayAll, segmentFiles, tempDir, removeTempDirs } from './__fixtures__/journal-test-kit';

/** A closed journal holding `entries`, its segment's bytes and where its last frame starts. */
async function written(entries: readonly Parameters<FileJournal['append']>[0][]): Promise<{ bytes: Buffer; lastFrameAt: number; name: string }> {
  const dir = tempDir('source');
  const j = await FileJournal.open({ dir, fsync: 'never' });
  for (const e of entries.slice(0, -1)) await j.append(e);
  await j.flush();
  const lastFrameAt = fs.statSync(segmentFiles(dir)[0]!).size;
  await j.append(entries[entries.length - 1]!);
  await j.close();
  const file = segmentFiles(dir)[0]!;
  return { bytes: fs.readFileSync(file), lastFrameAt, name: path.basename(file) };
}

afterAll(removeTempDirs);

describe('FileJournal torn tails', () => {
  it('recovers a file cut at every byte offset of its last frame: exactly the complete records remain, and the next append works', async () => {
    const entries = [...everyKind.slice(0, 4), fillEntry(99)];
    const { bytes, lastFrameAt, name } = await written(entries);
    const complete = entries.slice(0, -1).map((e, i) => canon({ seq: i + 1, ...e }));
    expect(bytes.length - lastFrameAt).toBeGreaterThan(300);
    const dir = tempDir('cut');
    const file = path.join(dir, name);
    for (let cut = lastFrameAt; cut < bytes.length; cut++) {
      fs.writeFileSync(file, bytes.subarray(0, cut));
      const j = await FileJournal.open({ dir, fsync: 'never' });
      try {
        expect(j.recovery.lastSeq).toBe(entries.length - 1);
        if (cut === lastFrameAt) expect(j.recovery.tornTail).toBeUndefined();
        else expect(j.recovery.tornTail).toMatchObject({ file, offset: lastFrameAt, bytes: cut - lastFrameAt, truncated: true });
        expect(fs.statSync(file).size).toBe(lastFrameAt);
        expect((await replayAll(j)).map(canon)).toStrictEqual(complete);
        expect(await j.append(entries[entries.length - 1]!)).toBe(entries.length);
      } finally {
        await j.close();
      }
      // The repaired file is byte for byte the file that was never cut.
      expect(fs.readFileSync(file).equals(bytes)).toBe(true);
    }
  });

  it('reports a torn tail without touching it when opened read-only', async () => {
    const { bytes, lastFrameAt, name } = await written([fillEntry(1), fillEntry(2), fillEntry(3)]);
    const dir = tempDir('ro');
    const file = path.join(dir, name);
    fs.writeFileSync(file, bytes.subarray(0, lastFrameAt + 30));
    const j = await FileJournal.open({ dir, readOnly: true });
    expect(j.recovery.tornTail).toMatchObject({ offset: lastFrameAt, bytes: 30, truncated: false });
    expect((await replayAll(j)).map((r) => r.seq)).toEqual([1, 2]);
    expect(fs.statSync(file).size).toBe(lastFrameAt + 30);
  });

  it('truncates a zero-filled tail (a file extended but not written before a power cut)', async () => {
    const { bytes, name } = await written([fillEntry(1), fillEntry(2)]);
    const dir = tempDir('zeros');
    const file = path.join(dir, name);
    fs.writeFileSync(file, Buffer.concat([bytes, Buffer.alloc(4096)]));
    const j = await FileJournal.open({ dir });
    expect(j.recovery).toMatchObject({ lastSeq: 2, tornTail: { offset: bytes.length, bytes: 4096, reason: 'frame header checksum mismatch' } });
    await j.close();
  });

  it('repairs a segment whose header was cut short while it was created, and refuses a damaged header with data after it', async () => {
    const dir = tempDir('roll-crash');
    const j = await FileJournal.open({ dir, segmentBytes: 1024, fsync: 'never' });
    for (let i = 1; i <= 8; i++) await j.append(fillEntry(i));
    await j.close();
    const segs = segmentFiles(dir);
    const last = segs[segs.length - 1]!;
    const firstOfLast = Number(/seg-(\d+)/.exec(last)![1]);
    // Remove the last segment's records: it is as if the roll had crashed after 10 header bytes.
    fs.writeFileSync(last, fs.readFileSync(last).subarray(0, 10));
    const again = await FileJournal.open({ dir, segmentBytes: 1024 });
    expect(again.recovery).toMatchObject({ lastSeq: firstOfLast - 1, tornTail: { file: last, offset: 0, bytes: 10, reason: 'incomplete segment header' } });
    expect(await again.append(fillEntry(100))).toBe(firstOfLast);
    await again.close();
    const b = fs.readFileSync(last);
    b[3]! ^= 0xff;
    fs.writeFileSync(last, b);
    await expect(FileJournal.open({ dir })).rejects.toThrow(JournalCorruptionError);
    await expect(FileJournal.open({ dir })).rejects.toThrow(`journal file ${last} is corrupt at byte offset 0: bad magic`);
  });

  it('refuses a torn frame in a sealed segment (sealed segments are synced before the next one starts)', async () => {
    const dir = tempDir('sealed');
    const j = await FileJournal.open({ dir, segmentBytes: 1024, fsync: 'never' });
    for (let i = 1; i <= 8; i++) await j.append(fillEntry(i));
    await j.close();
    const first = segmentFiles(dir)[0]!;
    const b = fs.readFileSync(first);
    fs.writeFileSync(first, b.subarray(0, b.length - 7));
    const again = await FileJournal.open({ dir });
    await expect(replayAll(again)).rejects.toThrow(/incomplete frame/);
    await again.close();
  });
});

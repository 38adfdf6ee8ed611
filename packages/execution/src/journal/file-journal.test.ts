import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it, afterAll } from 'vitest';
import { Decimal, ValidationError } from '@rxtrade/core';
import { FileJournal } from './file-journal';
import { JournalCorruptionError, JournalLockedError, JournalWriteError } from './journal-errors';
import { nodeJournalFs, type JournalFs } from './journal-fs';
import { FRAME_HEADER_BYTES, SEGMENT_HEADER_BYTES } from './frame';
import { everyKind, fillEntry, limitOrder } from './__fixtures__/journal-entries';
import { canon, countingFs, replayAll, segmentFiles, tempDir, removeTempDirs } from './__fixtures__/journal-test-kit';

const open: FileJournal[] = [];
async function openJournal(...args: Parameters<typeof FileJournal.open>): Promise<FileJournal> {
  const j = await FileJournal.open(...args);
  open.push(j);
  return j;
}
afterEach(async () => {
  for (const j of open.splice(0)) await j.close().catch(() => undefined);
});

afterAll(removeTempDirs);

describe('FileJournal records', () => {
  it('round-trips every record kind with Decimals digit for digit', async () => {
    const dir = tempDir('kinds');
    const j = await openJournal({ dir });
    const seqs: number[] = [];
    for (const e of everyKind) seqs.push(await j.append(e));
    expect(seqs).toEqual(everyKind.map((_, i) => i + 1));
    await j.close();

    const again = await openJournal({ dir });
    const records = await replayAll(again);
    expect(records.map((r) => canon(r))).toStrictEqual(everyKind.map((e, i) => canon({ seq: i + 1, ...e })));
    const submit = records[1]!;
    if (submit.kind !== 'command' || submit.payload.type !== 'SubmitOrder') throw new Error('expected a SubmitOrder');
    expect(submit.payload.quantity).toBeInstanceOf(Decimal);
    expect(submit.payload.quantity.toString()).toBe('123456789.123456789012345678');
    expect(submit.payload.price?.toString()).toBe('0.1');
    expect(again.recovery).toMatchObject({ lastSeq: everyKind.length, firstSeq: 1, tornTail: undefined });
  });

  it('refuses an entry that could not be read back, naming the field, and writes nothing', async () => {
    const j = await openJournal({ dir: tempDir('bad') });
    const bad = { ts: 1, kind: 'command', payload: { ...limitOrder, quantity: 'abc' } } as never;
    await expect(j.append(bad)).rejects.toThrow(ValidationError);
    await expect(j.append(bad)).rejects.toThrow(/entry\.payload\.quantity/);
    await expect(j.append({ ts: 1, kind: 'marketData', payload: { type: 'Trade', instrumentId: 'X', ts: 1, price: Number.NaN, size: 1, aggressor: 'NONE', tradeId: 't' } } as never)).rejects.toThrow(/price/);
    expect(await j.append(fillEntry(1))).toBe(1);
    expect(j.lastSeq).toBe(1);
    const small = await openJournal({ dir: tempDir('small'), maxRecordBytes: 100 });
    await expect(small.append(fillEntry(1))).rejects.toThrow(/entry: encodes to \d+ bytes, above maxRecordBytes 100/);
    expect(small.lastSeq).toBe(0);
  });

  it('rejects unknown config keys and misplaced options', async () => {
    await expect(FileJournal.open({ dir: tempDir('cfg'), fsnyc: 'always' } as never)).rejects.toThrow(/journal\.fsnyc: unknown option; did you mean "fsync"/);
    await expect(FileJournal.open({ dir: tempDir('cfg'), fsync: 'always', batchWindowMs: 5 })).rejects.toThrow(/batchWindowMs: only applies to fsync 'batch'/);
    await expect(FileJournal.open({ dir: tempDir('cfg'), fsync: 'sometimes' as never })).rejects.toThrow(/journal\.fsync/);
  });

  it('replays from a sequence number across rolled segments, and continues numbering after reopen', async () => {
    const dir = tempDir('roll');
    const j = await openJournal({ dir, segmentBytes: 2048, fsync: 'never' });
    for (let i = 1; i <= 60; i++) await j.append(fillEntry(i));
    await j.close();
    expect(segmentFiles(dir).length).toBeGreaterThan(5);
    for (const file of segmentFiles(dir)) expect(fs.statSync(file).size).toBeLessThanOrEqual(2048);

    const again = await openJournal({ dir, segmentBytes: 2048 });
    expect(again.recovery.lastSeq).toBe(60);
    expect((await replayAll(again, 37)).map((r) => r.seq)).toEqual(Array.from({ length: 24 }, (_, i) => 37 + i));
    expect(await again.append(fillEntry(61))).toBe(61);
    const all = await replayAll(again);
    expect(all.map((r) => r.seq)).toEqual(Array.from({ length: 61 }, (_, i) => i + 1));
    expect(all.map((r) => (r.kind === 'orderEvent' && r.payload.type === 'OrderFilled' ? r.payload.tradeId : ''))).toEqual(Array.from({ length: 61 }, (_, i) => `T-${i + 1}`));
  });

  it('replays through a bounded buffer: reads of at most 1 MiB, whatever the journal size', async () => {
    const dir = tempDir('stream');
    let maxRead = 0;
    let reads = 0;
    const watching: JournalFs = { ...nodeJournalFs, read: (fd, b, o, l, p) => ((maxRead = Math.max(maxRead, l)), reads++, nodeJournalFs.read(fd, b, o, l, p)) };
    const j = await openJournal({ dir, fsync: 'never', fs: watching });
    for (let i = 1; i <= 6000; i++) void j.append(fillEntry(i));
    await j.flush();
    expect(fs.statSync(segmentFiles(dir)[0]!).size).toBeGreaterThan(2 * 1024 * 1024);
    reads = 0;
    let n = 0;
    for await (const r of j.replay()) {
      n++;
      expect(r.seq).toBe(n);
    }
    expect(n).toBe(6000);
    expect(maxRead).toBeLessThanOrEqual(1024 * 1024);
    expect(reads).toBeGreaterThanOrEqual(3);
  });

  it('fails a bit flip in a middle frame with the file name and the frame offset, on open and on replay', async () => {
    const dir = tempDir('flip');
    const j = await openJournal({ dir });
    const offsets: number[] = [];
    let size = SEGMENT_HEADER_BYTES;
    for (let i = 1; i <= 10; i++) {
      offsets.push(size);
      await j.append(fillEntry(i));
      size = fs.statSync(segmentFiles(dir)[0]!).size;
    }
    await j.close();
    const file = segmentFiles(dir)[0]!;
    const bytes = fs.readFileSync(file);

    // A flipped bit in the body of frame 5, then in the length field of frame 5.
    for (const at of [offsets[4]! + FRAME_HEADER_BYTES + 17, offsets[4]! + 1]) {
      const damaged = Buffer.from(bytes);
      damaged[at]! ^= 0x08;
      fs.writeFileSync(file, damaged);
      const err = await FileJournal.open({ dir }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(JournalCorruptionError);
      expect(err).toMatchObject({ file, offset: offsets[4] });
      expect((err as Error).message).toContain(`${file} is corrupt at byte offset ${offsets[4]}`);
      expect(fs.readFileSync(file).length).toBe(bytes.length); // nothing was truncated
    }

    // In a sealed (older) segment the damage is found by replay.
    const dir2 = tempDir('flip-sealed');
    const k = await openJournal({ dir: dir2, segmentBytes: 1024, fsync: 'never' });
    for (let i = 1; i <= 20; i++) await k.append(fillEntry(i));
    await k.close();
    const first = segmentFiles(dir2)[0]!;
    const b2 = fs.readFileSync(first);
    b2[SEGMENT_HEADER_BYTES + FRAME_HEADER_BYTES + 3]! ^= 0x01;
    fs.writeFileSync(first, b2);
    const reopened = await openJournal({ dir: dir2 });
    await expect(replayAll(reopened)).rejects.toThrow(`journal file ${first} is corrupt at byte offset ${SEGMENT_HEADER_BYTES}: frame body checksum mismatch`);
  });

  it('lets read-only readers follow a journal while its writer appends', async () => {
    const dir = tempDir('follow');
    const writer = await openJournal({ dir, fsync: 'never', segmentBytes: 64 * 1024 });
    let writing = true;
    const written = (async () => {
      for (let i = 1; i <= 40; i++) await Promise.all(Array.from({ length: 100 }, (_, k) => writer.append(fillEntry((i - 1) * 100 + k + 1))));
      writing = false;
    })();
    let seen = 0;
    let reads = 0;
    while (writing || reads === 0) {
      const reader = await FileJournal.open({ dir, readOnly: true });
      let expected = 1;
      for await (const r of reader.replay()) expect(r.seq).toBe(expected++);
      expect(expected - 1).toBeGreaterThanOrEqual(seen);
      seen = expected - 1;
      reads++;
    }
    await written;
    expect(reads).toBeGreaterThan(1);
    expect(writer.lastSeq).toBe(4000);
  });

  it('refuses a journal whose records do not follow on (a missing segment)', async () => {
    const dir = tempDir('gap');
    const j = await openJournal({ dir, segmentBytes: 1024, fsync: 'never' });
    for (let i = 1; i <= 20; i++) await j.append(fillEntry(i));
    await j.close();
    const segs = segmentFiles(dir);
    fs.unlinkSync(segs[1]!);
    const again = await openJournal({ dir });
    await expect(replayAll(again)).rejects.toThrow(/segment starts at record \d+ but the previous one ended at \d+/);
    fs.unlinkSync(segs[0]!);
    await again.close();
    await expect(FileJournal.open({ dir })).rejects.toThrow(/records are missing/);
  });
});

describe('FileJournal durability', () => {
  it("groups 1,000 concurrent 'batch' appends into far fewer fsyncs, in order, each resolved after its sync", async () => {
    const dir = tempDir('batch');
    const { fs: counting, counts } = countingFs();
    const order: number[] = [];
    let syncedUpTo = 0;
    let writtenUpTo = 0;
    const syncing: JournalFs = {
      ...counting,
      write: async (fd, b, o, l, p) => {
        // The buffer is whole frames: note the highest sequence number it carries.
        const buf = Buffer.from(b.buffer, b.byteOffset + o, l);
        for (let at = 0; at + FRAME_HEADER_BYTES <= buf.length; at += FRAME_HEADER_BYTES + buf.readUInt32LE(at)) writtenUpTo = Math.max(writtenUpTo, Number(buf.readBigUInt64LE(at + 4)));
        return counting.write(fd, b, o, l, p);
      },
      fdatasync: async (fd) => {
        const covered = writtenUpTo; // what was written before this sync started is durable when it ends
        await counting.fdatasync(fd);
        syncedUpTo = Math.max(syncedUpTo, covered);
      },
    };
    const j = await openJournal({ dir, fsync: 'batch', fs: syncing });
    const before = counts.fdatasync;
    const acks = await Promise.all(
      Array.from({ length: 1000 }, (_, i) =>
        j.append(fillEntry(i + 1)).then((seq) => {
          expect(seq).toBeLessThanOrEqual(syncedUpTo); // resolved only after a sync that covered it
          order.push(seq);
          return seq;
        }),
      ),
    );
    expect(acks).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
    expect(order).toEqual(acks);
    const syncs = counts.fdatasync - before;
    expect(syncs).toBeGreaterThanOrEqual(1);
    expect(syncs).toBeLessThanOrEqual(10);
    expect((await replayAll(j)).map((r) => r.seq)).toEqual(acks);
  });

  it("syncs once per record with 'always', and never per record with 'never'", async () => {
    for (const [policy, expected] of [['always', 50], ['never', 0]] as const) {
      const { fs: counting, counts } = countingFs();
      const j = await openJournal({ dir: tempDir(policy), fsync: policy, fs: counting });
      const before = counts.fdatasync;
      await Promise.all(Array.from({ length: 50 }, (_, i) => j.append(fillEntry(i + 1))));
      expect(counts.fdatasync - before).toBe(expected);
      await j.flush();
      expect(counts.fdatasync - before).toBe(expected + 1);
    }
  });

  it("writes non-durable records in their place without a sync of their own; the next durable record's sync covers them", async () => {
    for (const policy of ['always', 'batch'] as const) {
      const dir = tempDir(`nondurable-${policy}`);
      const { fs: counting, counts } = countingFs();
      let written = 0;
      let synced = 0;
      const tracking: JournalFs = {
        ...counting,
        write: async (fd, b, o, l, p) => {
          const n = await counting.write(fd, b, o, l, p);
          written = Math.max(written, p + n);
          return n;
        },
        fdatasync: async (fd) => {
          const covered = written;
          await counting.fdatasync(fd);
          synced = Math.max(synced, covered);
        },
      };
      const j = await openJournal({ dir, fsync: policy, fs: tracking });
      const before = counts.fdatasync;
      // Ten market records, then a durable one, then five more market records, all in one turn.
      const seqs = await Promise.all([
        ...Array.from({ length: 10 }, (_, i) => j.append(fillEntry(i + 1), { durable: false })),
        j.append(fillEntry(11)).then((seq) => {
          expect(synced).toBe(written); // resolved after a sync of everything written so far
          return seq;
        }),
        ...Array.from({ length: 5 }, (_, i) => j.append(fillEntry(i + 12), { durable: false })),
      ]);
      expect(seqs).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
      // One sync for the durable record (it covers the ten before it); none of its own for the five after
      // it: with 'always' they are written after that sync and wait for the next one, with 'batch' they
      // are in the durable record's group and its one sync.
      expect(counts.fdatasync - before).toBe(1);
      if (policy === 'always') expect(synced).toBeLessThan(written);
      await j.flush();
      expect(synced).toBe(written);
      expect((await replayAll(j)).map((r) => r.seq)).toEqual(seqs);
    }
  });

  it('waits batchWindowMs for a group and then writes it with one sync', async () => {
    const { fs: counting, counts } = countingFs();
    const j = await openJournal({ dir: tempDir('window'), fsync: 'batch', batchWindowMs: 30, fs: counting });
    const before = counts.fdatasync;
    const first = j.append(fillEntry(1));
    await new Promise((r) => setTimeout(r, 10));
    const second = j.append(fillEntry(2));
    expect(await Promise.all([first, second])).toEqual([1, 2]);
    expect(counts.fdatasync - before).toBe(1);
  });

  it('refuses every append after a failed sync, and reopens cleanly', async () => {
    const dir = tempDir('eio');
    let fail = false;
    const flaky: JournalFs = { ...nodeJournalFs, fdatasync: (fd) => (fail ? Promise.reject(Object.assign(new Error('EIO: i/o error'), { code: 'EIO' })) : nodeJournalFs.fdatasync(fd)) };
    const j = await openJournal({ dir, fs: flaky });
    expect(await j.append(fillEntry(1))).toBe(1);
    fail = true;
    await expect(j.append(fillEntry(2))).rejects.toThrow(JournalWriteError);
    fail = false;
    await expect(j.append(fillEntry(3))).rejects.toThrow(/accepts no more appends/);
    await j.close();
    const again = await openJournal({ dir });
    expect(again.recovery.lastSeq).toBeGreaterThanOrEqual(1); // record 2 was written before its sync failed
    expect(await again.append(fillEntry(4))).toBe(again.recovery.lastSeq + 1);
  });
});

describe('FileJournal snapshots', () => {
  it('keeps the previous snapshot when a crash comes between the temporary write and the rename', async () => {
    const dir = tempDir('snap');
    let crashOnRename = false;
    const crashing: JournalFs = { ...nodeJournalFs, rename: (a, b) => (crashOnRename ? Promise.reject(new Error('killed before rename')) : nodeJournalFs.rename(a, b)) };
    const j = await openJournal({ dir, fs: crashing });
    for (let i = 1; i <= 5; i++) await j.append(fillEntry(i));
    await j.writeSnapshot(3, { cash: '100.1', positions: { BTC: '0.1' } });
    for (let i = 6; i <= 8; i++) await j.append(fillEntry(i));
    crashOnRename = true;
    await expect(j.writeSnapshot(8, { cash: '0', positions: {} })).rejects.toThrow(/killed before rename/);
    expect(fs.readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toHaveLength(1); // the temporary file is on disk
    await j.close();

    const again = await openJournal({ dir });
    expect(again.recovery.removedTempFiles).toHaveLength(1);
    expect(await again.latestSnapshot()).toEqual({ seq: 3, state: { cash: '100.1', positions: { BTC: '0.1' } } });
    expect((await replayAll(again, 4)).map((r) => r.seq)).toEqual([4, 5, 6, 7, 8]);
  });

  it('reports a damaged snapshot instead of falling back silently', async () => {
    const dir = tempDir('snap-bad');
    const j = await openJournal({ dir });
    await j.append(fillEntry(1));
    await j.writeSnapshot(1, { a: 1 });
    const file = path.join(dir, fs.readdirSync(dir).find((n) => n.endsWith('.rxs'))!);
    const b = fs.readFileSync(file);
    b[b.length - 2]! ^= 0x20;
    fs.writeFileSync(file, b);
    await expect(j.latestSnapshot()).rejects.toThrow(`journal file ${file} is corrupt at byte offset 32: snapshot body checksum mismatch`);
    await expect(j.writeSnapshot(2, {})).rejects.toThrow(/seq: must be an integer in \[1, 1\]/);
  });

  it('prunes the segments a snapshot covers and older snapshots; replay before them is refused', async () => {
    const dir = tempDir('prune');
    const j = await openJournal({ dir, segmentBytes: 1024, fsync: 'never' });
    for (let i = 1; i <= 30; i++) await j.append(fillEntry(i));
    await j.writeSnapshot(10, { upTo: 10 });
    await j.writeSnapshot(22, { upTo: 22 });
    const before = segmentFiles(dir).map((f) => path.basename(f));
    const result = await j.prune();
    expect(result.removedSnapshots).toEqual(['snap-00000000000000000010.rxs']);
    expect(result.removedSegments.length).toBeGreaterThan(0);
    const firstKept = Number(/seg-(\d+)/.exec(segmentFiles(dir).map((f) => path.basename(f))[0]!)![1]);
    expect(firstKept).toBeLessThanOrEqual(23);
    expect(result.firstSeq).toBe(firstKept);
    expect(before.length - segmentFiles(dir).length).toBe(result.removedSegments.length);
    await expect(replayAll(j, 1)).rejects.toThrow(/records before \d+ were pruned/);
    expect((await replayAll(j, 23)).map((r) => r.seq)).toEqual(Array.from({ length: 8 }, (_, i) => 23 + i));
    await j.close();

    const again = await openJournal({ dir, segmentBytes: 1024 });
    expect(again.recovery).toMatchObject({ lastSeq: 30, firstSeq: firstKept, snapshotSeq: 22 });
    expect(await again.append(fillEntry(31))).toBe(31);
  });
});

describe('FileJournal lock', () => {
  it('refuses a second writer with a clear error, and lets it in after close', async () => {
    const dir = tempDir('lock');
    const j = await openJournal({ dir });
    const err = await FileJournal.open({ dir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JournalLockedError);
    expect((err as Error).message).toContain(`journal is locked by process ${process.pid} on ${os.hostname()}`);
    expect((err as Error).message).toContain('only one writer may open a journal');
    // A read-only reader takes no lock.
    const reader = await openJournal({ dir, readOnly: true });
    await expect(reader.append(fillEntry(1))).rejects.toThrow(/read-only/);
    await j.close();
    const next = await openJournal({ dir });
    expect(next.recovery.lockTakenOverFrom).toBeUndefined();
  });

  it('takes over a stale lock left by a dead process', async () => {
    const dir = tempDir('stale');
    const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const deadPid = Number(child.stdout);
    expect(deadPid).toBeGreaterThan(0);
    fs.writeFileSync(path.join(dir, 'journal.lock'), JSON.stringify({ pid: deadPid, hostname: os.hostname(), acquiredAt: '2024-01-01T00:00:00.000Z' }));
    const j = await openJournal({ dir });
    expect(j.recovery.lockTakenOverFrom).toBe(deadPid);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'journal.lock'), 'utf8'))).toMatchObject({ pid: process.pid });
    await j.close();
    expect(fs.existsSync(path.join(dir, 'journal.lock'))).toBe(false);
    expect(fs.readdirSync(dir).filter((n) => n.startsWith('journal.lock'))).toEqual([]);
  });

  it('removes private lock files that a process killed while taking the lock left behind', async () => {
    const dir = tempDir('leftovers');
    const dead = Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
    fs.writeFileSync(path.join(dir, `journal.lock.${dead}.a1b2c3.new`), '{}');
    fs.writeFileSync(path.join(dir, `journal.lock.${dead}.a1b2c3.stale`), '{}');
    const j = await openJournal({ dir });
    expect(fs.readdirSync(dir).filter((n) => n.startsWith('journal.lock')).sort()).toEqual(['journal.lock']);
    await j.close();
  });

  it('treats a lock held from another host as live', async () => {
    const dir = tempDir('host');
    fs.writeFileSync(path.join(dir, 'journal.lock'), JSON.stringify({ pid: 1, hostname: `${os.hostname()}-other`, acquiredAt: 'x' }));
    await expect(FileJournal.open({ dir })).rejects.toThrow(JournalLockedError);
  });
});

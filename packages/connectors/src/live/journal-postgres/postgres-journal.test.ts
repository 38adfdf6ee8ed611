/**
 * PostgresJournal against a real server (a throwaway cluster of this file, password authentication):
 * records and Decimals round trip through the execution journal's codec, group commit (one INSERT
 * transaction per group, counted by the server's own transaction ids), durability as another session
 * sees it, the advisory lock, corruption found on replay and open, paging, snapshots and pruning, a
 * commit whose server process is killed mid-way, and configs (strict, the password in no message).
 * Skipped when the PostgreSQL binaries are missing, unless RXTRADE_REQUIRE_SERVICES=1.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { inspect } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Decimal, ValidationError, clientOrderId, instrumentId, parseWith, strategyId, tradeId, venueOrderId } from '@rxtrade/core';
import { replaySession, type ReplayConfig } from '@rxtrade/backtest';
import { FileJournal, JournalCorruptionError, JournalLockedError, JournalWriteError, type JournalEntry } from '@rxtrade/execution';
import { btc, buyThenSell, identicalSession, writeLiveSession } from '../../../../backtest/src/replay/__fixtures__/replay-session-fixture';
import { skipWithoutPostgres, startPostgres, type TestPostgres } from '../../../../../tooling/test-kit/postgres';
import { NodeJournalConfigSchema } from './node-journal';
import { PostgresJournal, PostgresJournalConfigSchema } from './postgres-journal';

const { skip, reason } = skipWithoutPostgres();
const PASSWORD = 'Pg-s3cret-Zq81';

const marker = (n: number): JournalEntry => ({ ts: n, kind: 'marker', payload: { type: 'NodeStarted', nodeId: `run-${n}` } });
const fill = (n: number, qty: string): JournalEntry => ({
  ts: n,
  kind: 'orderEvent',
  payload: {
    type: 'OrderFilled', tradeId: tradeId(`T-${n}`), clientOrderId: clientOrderId(`O-${n}`), venueOrderId: venueOrderId(`V-${n}`), strategyId: strategyId('s'),
    instrumentId: instrumentId('BTCUSDT.BINANCE'), side: 'BUY', quantity: new Decimal(qty), price: new Decimal('42000.123456789012345678'),
    commission: new Decimal('0.0000123456789'), commissionCurrency: 'BTC', liquiditySide: 'MAKER', ts: n, tsInit: n,
  },
});

describe.skipIf(skip)(`PostgresJournal on a real server${skip ? ` (skipped: ${reason})` : ''}`, () => {
  let server: TestPostgres;
  let admin: pg.Client;
  let n = 0;
  /** A fresh journal name per test: the tables are shared, as on a team's server. */
  const fresh = (): string => `journal-${++n}`;
  const open = (name: string, extra: Partial<Parameters<typeof PostgresJournal.open>[0]> = {}): Promise<PostgresJournal> =>
    PostgresJournal.open({ connectionString: server.connectionString, name, ...extra });
  const rows = async (name: string, table = 'journal_records'): Promise<number[]> =>
    (await admin.query<{ seq: string }>(`SELECT seq FROM rxtrade.${table} WHERE journal = $1 ORDER BY seq`, [name])).rows.map((r) => Number(r.seq));

  beforeAll(async () => {
    server = await startPostgres({ password: PASSWORD });
    admin = new pg.Client({ connectionString: server.connectionString });
    admin.on('error', () => undefined); // a killed server process ends every session
    await admin.connect();
  }, 30_000);
  afterAll(async () => {
    await admin?.end().catch(() => undefined);
    await server?.stop();
  });

  it('numbers records 1, 2, 3 … and replays them through the journal codec, Decimals exact', async () => {
    const name = fresh();
    const journal = await open(name);
    expect(journal.lastSeq).toBe(0);
    const entries = [marker(1), fill(2, '123456789.123456789012345678'), { ts: 3, kind: 'marketData', payload: { type: 'Bar', instrumentId: instrumentId('BTCUSDT.BINANCE'), ts: 3, open: 1, high: 2, low: 0.5, close: 1.5, volume: 10 } } as JournalEntry];
    const seqs: number[] = [];
    for (const e of entries) seqs.push(await journal.append(e));
    expect(seqs).toEqual([1, 2, 3]);
    const back = [];
    for await (const r of journal.replay()) back.push(r);
    expect(back.map((r) => r.seq)).toEqual([1, 2, 3]);
    expect(back[0]).toEqual({ seq: 1, ...entries[0] });
    const f = back[1]!;
    expect(f.kind === 'orderEvent' && f.payload.type === 'OrderFilled' && f.payload.quantity.toString()).toBe('123456789.123456789012345678');
    expect(f.kind === 'orderEvent' && f.payload.type === 'OrderFilled' && Decimal.isDecimal(f.payload.commission)).toBe(true);
    // Stored as the wire form: the payload's JSON, Decimals as strings, queryable by the team.
    const stored = await admin.query<{ q: string; kind: string; ts: string }>(`SELECT payload->>'quantity' AS q, kind, ts FROM rxtrade.journal_records WHERE journal = $1 AND seq = 2`, [name]);
    expect(stored.rows[0]).toEqual({ q: '123456789.123456789012345678', kind: 'orderEvent', ts: '2' });
    await expect(journal.append({ ts: 4, kind: 'marker', payload: { type: 'NodeStarted' } } as unknown as JournalEntry)).rejects.toThrow(/entry\.payload\.nodeId/);
    expect(journal.lastSeq).toBe(3); // a refused entry takes no number
    await journal.close();
    const again = await open(name);
    expect(again.lastSeq).toBe(3);
    expect(await again.append(marker(4))).toBe(4);
    await again.close();
  });

  it('commits the appends queued during a commit as one multi-row INSERT, one transaction each', async () => {
    const name = fresh();
    const journal = await open(name);
    const seqs = await Promise.all(Array.from({ length: 300 }, (_, i) => journal.append(marker(i + 1))));
    expect(seqs).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    // The first append's group, then everything that queued while it committed.
    expect(journal.commitCount).toBeGreaterThanOrEqual(1);
    expect(journal.commitCount).toBeLessThanOrEqual(3);
    // The server's view: rows written by as many transactions as the journal counted commits.
    const xacts = await admin.query<{ n: string }>(`SELECT count(DISTINCT xmin::text) AS n FROM rxtrade.journal_records WHERE journal = $1`, [name]);
    expect(Number(xacts.rows[0]!.n)).toBe(journal.commitCount);
    // One append at a time: one commit each.
    const before = journal.commitCount;
    for (let i = 301; i <= 305; i++) await journal.append(marker(i));
    expect(journal.commitCount - before).toBe(5);
    await journal.close();
  });

  it('a resolved append is committed: another session sees it; non-durable appends keep their place', async () => {
    const name = fresh();
    const journal = await open(name);
    await journal.append(marker(1));
    expect(await rows(name)).toEqual([1]);
    const md = journal.append(marker(2), { durable: false });
    const durable = journal.append(marker(3));
    const md2 = journal.append(marker(4), { durable: false });
    expect(await Promise.all([md, durable, md2])).toEqual([2, 3, 4]);
    expect(await rows(name)).toEqual([1, 2, 3, 4]);
    // A group of non-durable records alone: committed asynchronously, visible once resolved; flush makes it durable.
    expect(await journal.append(marker(5), { durable: false })).toBe(5);
    expect(await rows(name)).toEqual([1, 2, 3, 4, 5]);
    await journal.flush();
    await journal.close();
  });

  it('lets one writer open a journal name: a second gets JournalLockedError naming the journal and the holder', async () => {
    const name = fresh();
    const first = await open(name);
    const holder = (await admin.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE application_name = 'rxtrade-journal' AND pid <> pg_backend_pid() ORDER BY backend_start DESC LIMIT 1`)).rows[0]!.pid;
    const error = await open(name).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JournalLockedError);
    expect((error as Error).message).toContain(`journal "${name}"`);
    expect((error as Error).message).toContain(`backend process ${holder}`);
    expect((error as Error).message).not.toContain(PASSWORD);
    // Another name is another journal; a reader takes no lock.
    const other = await open(fresh());
    const reader = await open(name, { readOnly: true });
    await first.append(marker(1));
    // A waiting opener gets the lock once the holder closes.
    const waiting = open(name, { lockWaitMs: 5_000 });
    await new Promise((r) => setTimeout(r, 100));
    await first.close();
    const second = await waiting;
    expect(second.lastSeq).toBe(1);
    await Promise.all([second.close(), other.close(), reader.close()]);
    await expect(reader.append(marker(9))).rejects.toThrow(/closed|read-only/);
  });

  it('reports a gap, a record that does not decode, and missing records as JournalCorruptionError', async () => {
    const name = fresh();
    const journal = await open(name);
    for (let i = 1; i <= 6; i++) await journal.append(marker(i));
    await journal.close();
    await admin.query(`DELETE FROM rxtrade.journal_records WHERE journal = $1 AND seq = 4`, [name]);
    const reader = await open(name, { readOnly: true });
    const seen: number[] = [];
    const error = await (async () => {
      for await (const r of reader.replay()) seen.push(r.seq);
    })().catch((e: unknown) => e);
    expect(seen).toEqual([1, 2, 3]);
    expect(error).toBeInstanceOf(JournalCorruptionError);
    expect((error as JournalCorruptionError).offset).toBe(4);
    expect((error as Error).message).toMatch(new RegExp(`journal "${name}" .* is corrupt at record 4: record 5 where 4 was expected`));
    await reader.close();

    await admin.query(`INSERT INTO rxtrade.journal_records (journal, seq, ts, kind, payload) VALUES ($1, 4, 4, 'marker', '{"type":"NodeStarted"}')`, [name]);
    const reader2 = await open(name, { readOnly: true });
    await expect((async () => { for await (const _ of reader2.replay(3)) void _; })()).rejects.toThrow(/corrupt at record 4: record 4 does not decode: record\.payload\.nodeId/);
    await reader2.close();

    // The first records gone with no snapshot covering them: refused at open.
    await admin.query(`DELETE FROM rxtrade.journal_records WHERE journal = $1 AND seq <= 2`, [name]);
    await expect(open(name)).rejects.toThrow(/corrupt at record 1: the records start at 3 but there is no snapshot: records are missing/);
  });

  it('replays page by page (keyset pagination) from any record', async () => {
    const name = fresh();
    const journal = await open(name, { replayPageSize: 7 });
    await Promise.all(Array.from({ length: 100 }, (_, i) => journal.append(fill(i + 1, `0.${i + 1}`))));
    const original = pg.Client.prototype.query;
    let pages = 0;
    pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
      const q = args[0] as { text?: string } | string;
      if (typeof q === 'object' && q.text?.startsWith('SELECT seq, ts, kind')) pages++;
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof original;
    try {
      const seqs: number[] = [];
      for await (const r of journal.replay()) seqs.push(r.seq);
      expect(seqs).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
      expect(pages).toBe(15); // ceil(100 / 7)
      pages = 0;
      const tail: string[] = [];
      for await (const r of journal.replay(95)) if (r.kind === 'orderEvent' && r.payload.type === 'OrderFilled') tail.push(r.payload.quantity.toString());
      expect(tail).toEqual(['0.95', '0.96', '0.97', '0.98', '0.99', '0.1']);
      expect(pages).toBe(1);
    } finally {
      pg.Client.prototype.query = original;
    }
    await journal.close();
  });

  it('writes snapshots in a transaction, never ahead of the records, and prunes what they cover', async () => {
    const name = fresh();
    const journal = await open(name);
    expect(await journal.latestSnapshot()).toBeUndefined();
    for (let i = 1; i <= 10; i++) void journal.append(marker(i));
    await expect(journal.writeSnapshot(11, {})).rejects.toThrow(/seq: must be an integer in \[1, 10\]/);
    await journal.writeSnapshot(10, { position: '1.5' }); // waits for the ten pending appends first
    expect(await rows(name)).toHaveLength(10);
    await journal.writeSnapshot(5, { position: 'older' });
    expect(await journal.latestSnapshot()).toEqual({ seq: 10, state: { position: '1.5' } });
    expect(await journal.prune()).toEqual({ removedRecords: 10, removedSnapshots: 1, firstSeq: 11 });
    await expect((async () => { for await (const _ of journal.replay(3)) void _; })()).rejects.toThrow(/records before 11 were pruned/);
    expect(await journal.append(marker(11))).toBe(11);
    await journal.close();
    const again = await open(name);
    expect([again.firstSeq, again.lastSeq]).toEqual([11, 11]);
    const after: number[] = [];
    for await (const r of again.replay(((await again.latestSnapshot())?.seq ?? 0) + 1)) after.push(r.seq);
    expect(after).toEqual([11]);
    await again.close();
    // A snapshot that claims records the table does not have is corruption at open.
    await admin.query(`INSERT INTO rxtrade.journal_snapshots (journal, seq, state) VALUES ($1, 20, '{}')`, [name]);
    await expect(open(name)).rejects.toThrow(/the records end at 11 but a snapshot includes records up to 20/);
  });

  it('fails every pending append and the journal when its server process is killed during a commit; reopened, the group is all there or none', async () => {
    const name = fresh();
    const journal = await open(name);
    for (let i = 1; i <= 3; i++) await journal.append(marker(i));
    const backend = (await admin.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE application_name = 'rxtrade-journal' AND pid <> pg_backend_pid()`)).rows[0]!.pid;
    // Hold the table so that the next INSERT waits inside the server, then kill the process running it.
    const blocker = new pg.Client({ connectionString: server.connectionString });
    await blocker.connect();
    blocker.on('error', () => undefined);
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE rxtrade.journal_records IN ACCESS EXCLUSIVE MODE');
    const pending = [journal.append(marker(4)), journal.append(marker(5))];
    const settled = Promise.allSettled(pending);
    for (let i = 0; i < 100; i++) {
      const waiting = await admin.query(`SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND wait_event_type = 'Lock'`, [backend]);
      if (waiting.rows.length > 0) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    const later = journal.append(marker(6));
    process.kill(backend, 'SIGKILL'); // the server restarts every session after a backend crash
    const results = [...(await settled), ...(await Promise.allSettled([later]))];
    for (const r of results) {
      expect(r.status).toBe('rejected');
      expect((r as PromiseRejectedResult).reason).toBeInstanceOf(JournalWriteError);
    }
    expect(((results[0] as PromiseRejectedResult).reason as Error).message).toMatch(/storing records 4\.\.[56] failed .*either all there or none/);
    await expect(journal.append(marker(7))).rejects.toBeInstanceOf(JournalWriteError);
    await journal.close();
    await blocker.end().catch(() => undefined);
    // The server recovers; the journal opens again at what was committed.
    let again: PostgresJournal | undefined;
    for (let i = 0; i < 100 && again === undefined; i++) {
      again = await open(name).catch(() => undefined);
      if (again === undefined) await new Promise((r) => setTimeout(r, 50));
    }
    expect(again).toBeDefined();
    const seqs: number[] = [];
    for await (const r of again!.replay()) seqs.push(r.seq);
    expect([[1, 2, 3], [1, 2, 3, 4, 5], [1, 2, 3, 4, 5, 6]]).toContainEqual(seqs);
    expect(again!.lastSeq).toBe(seqs.length);
    await again!.close();
    await admin.end().catch(() => undefined);
    admin = new pg.Client({ connectionString: server.connectionString });
    admin.on('error', () => undefined);
    await admin.connect();
  }, 20_000);

  it('replays a recorded session from PostgreSQL with the same result as from its file journal', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rxtrade-pg-replay-'));
    try {
      const late = [identicalSession[0]!, { ...identicalSession[1]!, fills: [{ ...identicalSession[1]!.fills[0]!, price: '103.5', commission: '0.3' }] }];
      await writeLiveSession(dir, late);
      const name = fresh();
      const writer = await open(name);
      const file = await FileJournal.open({ dir, readOnly: true });
      for await (const { seq: _seq, ...entry } of file.replay()) await writer.append(entry as JournalEntry);
      await Promise.all([file.close(), writer.close()]);
      const config: ReplayConfig = { instruments: [btc], ledger: { startingCash: 10_000 }, venue: { commission: 0.001 } };
      const reader = await open(name, { readOnly: true });
      const fromPostgres = await replaySession(reader, buyThenSell(2), config);
      await reader.close();
      const fromFile = await replaySession(dir, buyThenSell(2), config);
      expect(fromPostgres.summary).toEqual(fromFile.summary);
      expect(fromPostgres.summary.journalRecords).toBe(15);
      // 2 sold at 103.5 instead of 104 and 0.092 more commission: live did 1.092 worse.
      expect(fromPostgres.livePnl.toString()).toBe('4.498');
      expect(fromPostgres.totals.slippage.toString()).toBe(fromFile.totals.slippage.toString());
      expect(fromPostgres.totals.fees.toString()).toBe(fromFile.totals.fees.toString());
      expect(JSON.stringify(fromPostgres.rows)).toBe(JSON.stringify(fromFile.rows));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('never shows the password: wrong password, refused connection, a bad URL, inspected errors', async () => {
    const wrong = 'Wr0ng-Secret-77';
    const errors: unknown[] = [];
    errors.push(await PostgresJournal.open({ connectionString: server.connectionString.replace(encodeURIComponent(PASSWORD), wrong), name: 'x' }).catch((e: unknown) => e));
    errors.push(await PostgresJournal.open({ client: { host: '127.0.0.1', port: server.port, user: 'rxtrade', password: wrong, database: 'postgres' }, name: 'x' }).catch((e: unknown) => e));
    errors.push(await PostgresJournal.open({ connectionString: `postgres://rxtrade:${PASSWORD}@127.0.0.1:1/postgres`, name: 'x' }).catch((e: unknown) => e));
    errors.push(await PostgresJournal.open({ connectionString: `postgres://rxtrade:${PASSWORD}@[not a host/postgres`, name: 'x' }).catch((e: unknown) => e));
    expect((errors[0] as Error).message).toMatch(/journal "x" \(postgres:\/\/rxtrade@127\.0\.0\.1:\d+\/postgres rxtrade\.journal_records\): could not connect: password authentication failed for user "rxtrade"/);
    expect((errors[2] as Error).message).toMatch(/could not connect: .*ECONNREFUSED/);
    for (const e of errors) {
      expect(e).toBeInstanceOf(Error);
      const text = `${String(e)}\n${inspect(e, { depth: 10 })}\n${JSON.stringify(e)}`;
      for (const secret of [wrong, PASSWORD, encodeURIComponent(PASSWORD)]) expect(text).not.toContain(secret);
    }
  });
});

describe('PostgresJournal configuration', () => {
  it('is strict and names the field', () => {
    expect(() => parseWith(PostgresJournalConfigSchema, { connectionString: 'postgres://h/db', name: 'n', pasword: 'x' }, 'journal.postgres')).toThrow(/journal\.postgres\.pasword: unknown option/);
    expect(() => parseWith(PostgresJournalConfigSchema, { name: 'n' }, 'journal.postgres')).toThrow(/journal\.postgres\.connectionString: give exactly one of connectionString and client/);
    expect(() => parseWith(PostgresJournalConfigSchema, { connectionString: 'postgres://h/db', client: { host: 'h' }, name: 'n' }, 'journal.postgres')).toThrow(/journal\.postgres\.client: give exactly one/);
    expect(() => parseWith(PostgresJournalConfigSchema, { client: { host: 'h', passwrd: 'x' }, name: 'n' }, 'journal.postgres')).toThrow(/journal\.postgres\.client\.passwrd: unknown option/);
    expect(() => parseWith(PostgresJournalConfigSchema, { connectionString: 'postgres://h/db', name: 'n', schema: 'Bad-Schema"; DROP' }, 'journal.postgres')).toThrow(/journal\.postgres\.schema: must be a lower-case SQL identifier/);
    expect(() => parseWith(PostgresJournalConfigSchema, { connectionString: 'postgres://h/db', name: '' }, 'journal.postgres')).toThrow(/journal\.postgres\.name/);
    expect(parseWith(PostgresJournalConfigSchema, { connectionString: 'postgres://h/db', name: 'n' })).toMatchObject({ schema: 'rxtrade', tablePrefix: 'journal_', lockWaitMs: 0, replayPageSize: 1000, readOnly: false });
  });

  it('keeps the password out of validation errors', async () => {
    const e = await PostgresJournal.open({ client: { host: 'h', password: PASSWORD, port: 99_999 }, name: 'n' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ValidationError);
    expect((e as Error).message).toMatch(/journal\.postgres\.client\.port/);
    expect(`${String(e)} ${inspect(e, { depth: 10 })}`).not.toContain(PASSWORD);
  });

  it('the node takes a file journal or a PostgreSQL one, never both, and names the field', () => {
    const pgConfig = { connectionString: 'postgres://h/db', name: 'node-1' };
    expect(parseWith(NodeJournalConfigSchema, { dir: 'var/j' }, 'journal')).toEqual({ dir: 'var/j', fsync: 'always', recordMarketData: true, snapshotEvery: 10_000 });
    expect(parseWith(NodeJournalConfigSchema, { postgres: pgConfig, snapshotEvery: 500 }, 'journal')).toMatchObject({ postgres: { name: 'node-1', schema: 'rxtrade' }, snapshotEvery: 500, recordMarketData: true });
    expect(() => parseWith(NodeJournalConfigSchema, { dir: 'var/j', postgres: pgConfig }, 'journal')).toThrow(/journal\.postgres: give exactly one of dir \(a file journal\) and postgres/);
    expect(() => parseWith(NodeJournalConfigSchema, {}, 'journal')).toThrow(/journal\.dir: give exactly one of dir/);
    expect(() => parseWith(NodeJournalConfigSchema, { postgres: pgConfig, fsync: 'never' }, 'journal')).toThrow(/journal\.fsync: applies to a file journal \(dir\), not to postgres/);
    expect(() => parseWith(NodeJournalConfigSchema, { postgres: { ...pgConfig, readOnly: true } }, 'journal')).toThrow(/journal\.postgres\.readOnly: must be false/);
    expect(() => parseWith(NodeJournalConfigSchema, { postgres: { ...pgConfig, nam: 'x' } }, 'journal')).toThrow(/journal\.postgres\.nam: unknown option/);
    expect(() => parseWith(NodeJournalConfigSchema, { postgress: pgConfig }, 'journal')).toThrow(/journal\.postgress: unknown option; did you mean "postgres"\?/);
  });
});

/**
 * The single-writer lock of a journal directory: a file `journal.lock` holding the writer's PID and
 * host. It is created atomically (written under a private name, then hard-linked into place, which fails
 * when the lock exists), so a lock file is never seen half-written. A lock whose process is gone (a node
 * that crashed) is taken over by one process at a time: the taker holds a takeover mutex (the file
 * `journal.lock.takeover`, hard-linked into place with its owner inside like the lock), reads the lock again under it, and
 * deletes it only if it is still the dead process's lock; then it takes the lock like any process, by the
 * hard link. A fresh lock is never moved or deleted by another process, so a process that took the lock
 * keeps it. A takeover interrupted by a crash leaves the mutex behind, holding the dead taker: it is
 * removed the same way, under a mutex named after that taker, only while it is still the dead taker's.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { StateError } from '@rxtrade/core';
import { JournalLockedError } from './journal-errors';

export const LOCK_FILE = 'journal.lock';

interface LockOwner {
  readonly pid: number;
  readonly hostname: string;
  readonly acquiredAt: string;
  /** Random, so that two owners with one PID (reused) differ. */
  readonly token: string;
}

/** A held lock. */
export interface JournalLock {
  readonly file: string;
  /** PID of the dead process whose lock was taken over, if any. */
  readonly takenOverFrom: number | undefined;
  release(): void;
}

function readOwner(file: string): LockOwner | undefined | 'unreadable' {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'EISDIR') return 'unreadable';
    throw e;
  }
  try {
    const o = JSON.parse(text) as Partial<LockOwner>;
    if (typeof o.pid === 'number' && Number.isInteger(o.pid) && typeof o.hostname === 'string') {
      return { pid: o.pid, hostname: o.hostname, acquiredAt: String(o.acquiredAt), token: typeof o.token === 'string' && /^[0-9a-f]{1,32}$/.test(o.token) ? o.token : '0' };
    }
  } catch {
    // reported below
  }
  return 'unreadable';
}

/** Whether the lock's owner may still be running: a process on another host is assumed alive. */
function ownerAlive(o: LockOwner): boolean {
  if (o.hostname !== os.hostname()) return true;
  if (o.pid === process.pid) return true; // this process already has the journal open
  try {
    process.kill(o.pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function tryUnlink(file: string): void {
  try {
    fs.unlinkSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}

const sameOwner = (a: LockOwner, b: LockOwner): boolean => a.pid === b.pid && a.hostname === b.hostname && a.acquiredAt === b.acquiredAt && a.token === b.token;

/** Waits `ms` without returning to the event loop (lock contention lasts microseconds to milliseconds). */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** How many nested takeovers (a taker that died while breaking the mutex of a taker that died, ...) are followed. */
const MAX_TAKEOVER_DEPTH = 8;

/**
 * Enters the takeover mutex `mutex` (a file, hard-linked from `staging`, which holds `mine`): true when
 * this process holds it, false when a live process does (look again later). A mutex left by a taker that
 * died is itself taken over the same way, under a mutex named after that dead taker, so that only one
 * process removes it, and only while it is still the dead taker's.
 */
function enterTakeover(mutex: string, staging: string, depth: number): boolean {
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      fs.linkSync(staging, mutex);
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const holder = readOwner(mutex);
    if (holder === undefined) continue; // left meanwhile
    if (holder === 'unreadable') throw new StateError(`the journal lock's takeover mutex ${mutex} is unreadable; if no node uses this journal, delete it`);
    if (ownerAlive(holder)) return false;
    if (depth >= MAX_TAKEOVER_DEPTH) throw new StateError(`could not recover the journal lock's takeover mutex ${mutex}: its takers keep dying; if no node uses this journal, delete the journal.lock.takeover files`);
    // The taker died inside: remove its mutex under a mutex of its own, only if it is still that taker's.
    const inner = `${mutex}.${holder.pid}-${holder.token}`;
    if (!enterTakeover(inner, staging, depth + 1)) return false;
    try {
      const current = readOwner(mutex);
      if (current !== undefined && current !== 'unreadable' && sameOwner(current, holder)) tryUnlink(mutex);
    } finally {
      tryUnlink(inner);
    }
  }
  return false;
}

/**
 * Takes the lock of `dir` or throws {@link JournalLockedError} when a live process holds it.
 *
 * @example
 * ```ts
 * const lock = acquireJournalLock(dir);
 * try { ... } finally { lock.release(); }
 * ```
 */
export function acquireJournalLock(dir: string): JournalLock {
  const file = path.join(dir, LOCK_FILE);
  const token = randomBytes(6).toString('hex');
  const mine: LockOwner = { pid: process.pid, hostname: os.hostname(), acquiredAt: new Date().toISOString(), token };
  const staging = `${file}.${process.pid}.${token}.new`;
  fs.writeFileSync(staging, JSON.stringify(mine));
  const mutex = `${file}.takeover`;
  let takenOverFrom: number | undefined;
  try {
    for (let attempt = 0; attempt < 200; attempt++) {
      try {
        fs.linkSync(staging, file);
        removeLeftovers(dir, staging);
        return { file, takenOverFrom, release: () => releaseLock(file, mine) };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const owner = readOwner(file);
      if (owner === undefined) continue; // released meanwhile
      if (owner === 'unreadable') throw new StateError(`journal lock file ${file} is unreadable; if no node uses this journal, delete it`);
      if (ownerAlive(owner)) throw new JournalLockedError(file, owner.pid, owner.hostname);
      // Stale: delete it under the takeover mutex, only if it is still the dead process's lock.
      if (!enterTakeover(mutex, staging, 0)) {
        pause(2); // another process is taking it over: look again
        continue;
      }
      try {
        const current = readOwner(file);
        if (current !== undefined && current !== 'unreadable' && sameOwner(current, owner)) {
          tryUnlink(file);
          takenOverFrom = owner.pid;
        }
      } finally {
        tryUnlink(mutex);
      }
    }
    throw new StateError(`could not take the journal lock ${file}: other processes keep contending for it`);
  } finally {
    tryUnlink(staging);
  }
}

/**
 * Deletes what dead processes left behind: private lock files (`journal.lock.<pid>.<token>.new`, and
 * `.stale` of earlier versions), and takeover mutexes whose taker died (each taken over and released, so
 * that a live taker's mutex is never removed).
 */
function removeLeftovers(dir: string, staging: string): void {
  for (const name of fs.readdirSync(dir)) {
    const m = /^journal\.lock\.(\d+)\.[0-9a-f]+\.(new|stale)$/.exec(name);
    if (m && Number(m[1]) !== process.pid && !ownerAlive({ pid: Number(m[1]), hostname: os.hostname(), acquiredAt: '', token: '' })) tryUnlink(path.join(dir, name));
  }
  for (const name of fs.readdirSync(dir)) {
    if (!/^journal\.lock\.takeover(\.\d+-[0-9a-f]+)*$/.test(name)) continue;
    const mutex = path.join(dir, name);
    const holder = readOwner(mutex);
    if (holder !== undefined && holder !== 'unreadable' && !ownerAlive(holder) && enterTakeover(mutex, staging, 0)) tryUnlink(mutex);
  }
}

function releaseLock(file: string, mine: LockOwner): void {
  const owner = readOwner(file);
  if (owner !== undefined && owner !== 'unreadable' && sameOwner(owner, mine)) tryUnlink(file);
}

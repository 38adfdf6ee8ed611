/**
 * The single-writer lock of a journal directory: a file `journal.lock` holding the writer's PID and
 * host. It is created atomically (written under a private name, then hard-linked into place, which fails
 * when the lock exists), so a lock file is never seen half-written. A lock whose process is gone (a node
 * that crashed) is taken over by one process at a time: the taker holds a takeover mutex (the directory
 * `journal.lock.takeover`, created atomically, with its owner inside), reads the lock again under it, and
 * deletes it only if it is still the dead process's lock; then it takes the lock like any process, by the
 * hard link. A fresh lock is never moved or deleted by another process, so a process that took the lock
 * keeps it. A takeover interrupted by a crash leaves the mutex behind: that is an error naming the folder
 * to delete, never a guess.
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
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  try {
    const o = JSON.parse(text) as Partial<LockOwner>;
    if (typeof o.pid === 'number' && Number.isInteger(o.pid) && typeof o.hostname === 'string') return { pid: o.pid, hostname: o.hostname, acquiredAt: String(o.acquiredAt) };
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

const sameOwner = (a: LockOwner, b: LockOwner): boolean => a.pid === b.pid && a.hostname === b.hostname && a.acquiredAt === b.acquiredAt;

/** Waits `ms` without returning to the event loop (lock contention lasts microseconds to milliseconds). */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** How long a takeover mutex without an owner file may be young before it counts as abandoned. */
const MUTEX_OWNERLESS_MS = 10_000;

/**
 * Enters the takeover mutex `mutex`: true when this process holds it, false when a live process does (look
 * again later). A mutex whose holder is dead is a takeover interrupted by a crash: a `StateError`.
 */
function enterTakeover(mutex: string, mine: LockOwner): boolean {
  try {
    fs.mkdirSync(mutex);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    const holder = readOwner(path.join(mutex, 'owner'));
    if (holder === undefined || holder === 'unreadable') {
      const age = (() => {
        try {
          return Date.now() - fs.statSync(mutex).mtimeMs;
        } catch {
          return 0; // left meanwhile
        }
      })();
      if (age < MUTEX_OWNERLESS_MS) return false; // being entered right now
      throw new StateError(`a takeover of the journal lock was interrupted (${mutex} has no owner); if no node uses this journal, delete that folder`);
    }
    if (ownerAlive(holder)) return false;
    throw new StateError(`a takeover of the journal lock by process ${holder.pid} was interrupted by its end; if no node uses this journal, delete ${mutex}`);
  }
  fs.writeFileSync(path.join(mutex, 'owner'), JSON.stringify(mine));
  return true;
}

function leaveTakeover(mutex: string): void {
  fs.rmSync(mutex, { recursive: true, force: true });
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
  const mine: LockOwner = { pid: process.pid, hostname: os.hostname(), acquiredAt: new Date().toISOString() };
  const staging = `${file}.${process.pid}.${token}.new`;
  fs.writeFileSync(staging, JSON.stringify(mine));
  const mutex = `${file}.takeover`;
  let takenOverFrom: number | undefined;
  try {
    for (let attempt = 0; attempt < 200; attempt++) {
      try {
        fs.linkSync(staging, file);
        removeLeftovers(dir);
        return { file, takenOverFrom, release: () => releaseLock(file, mine) };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const owner = readOwner(file);
      if (owner === undefined) continue; // released meanwhile
      if (owner === 'unreadable') throw new StateError(`journal lock file ${file} is unreadable; if no node uses this journal, delete it`);
      if (ownerAlive(owner)) throw new JournalLockedError(file, owner.pid, owner.hostname);
      // Stale: delete it under the takeover mutex, only if it is still the dead process's lock.
      if (!enterTakeover(mutex, mine)) {
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
        leaveTakeover(mutex);
      }
    }
    throw new StateError(`could not take the journal lock ${file}: other processes keep contending for it`);
  } finally {
    tryUnlink(staging);
  }
}

/** Deletes private lock files (`journal.lock.<pid>.<token>.new`, and `.stale` of earlier versions) that dead processes left behind. */
function removeLeftovers(dir: string): void {
  for (const name of fs.readdirSync(dir)) {
    const m = /^journal\.lock\.(\d+)\.[0-9a-f]+\.(new|stale)$/.exec(name);
    if (m && Number(m[1]) !== process.pid && !ownerAlive({ pid: Number(m[1]), hostname: os.hostname(), acquiredAt: '' })) tryUnlink(path.join(dir, name));
  }
}

function releaseLock(file: string, mine: LockOwner): void {
  const owner = readOwner(file);
  if (owner !== undefined && owner !== 'unreadable' && owner.pid === mine.pid && owner.acquiredAt === mine.acquiredAt) tryUnlink(file);
}

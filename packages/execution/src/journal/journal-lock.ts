/**
 * The single-writer lock of a journal directory: a file `journal.lock` holding the writer's PID and
 * host. It is created atomically (written under a private name, then hard-linked into place, which fails
 * when the lock exists), so a lock file is never seen half-written. A lock whose process is gone (a node
 * that crashed) is taken over: it is first renamed to a private name, so of two processes taking it over
 * at once only one gets it, and it is deleted only after that private copy is seen to name a dead process.
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
  let takenOverFrom: number | undefined;
  try {
    for (let attempt = 0; attempt < 5; attempt++) {
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
      // Stale: claim it under a private name, then look at what was actually claimed.
      const claim = `${file}.${process.pid}.${token}.stale`;
      try {
        fs.renameSync(file, claim);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue; // someone else claimed it first
        throw e;
      }
      const claimed = readOwner(claim);
      if (claimed !== undefined && claimed !== 'unreadable' && ownerAlive(claimed)) {
        // A competitor's fresh lock was renamed away: put it back and give up.
        try {
          fs.linkSync(claim, file);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        }
        tryUnlink(claim);
        throw new JournalLockedError(file, claimed.pid, claimed.hostname);
      }
      tryUnlink(claim);
      if (claimed !== undefined && claimed !== 'unreadable') takenOverFrom = claimed.pid;
    }
    throw new StateError(`could not take the journal lock ${file}: other processes keep contending for it`);
  } finally {
    tryUnlink(staging);
  }
}

/** Deletes private lock files (`journal.lock.<pid>.<token>.new|.stale`) that dead processes left behind. */
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

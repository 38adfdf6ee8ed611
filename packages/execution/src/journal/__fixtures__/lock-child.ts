/**
 * A contender of the lock race test: waits until LOCK_START_AT (epoch ms) so that every contender
 * tries at the same moment, tries to take the lock of LOCK_DIR, prints `GOT` or `LOCKED <pid>`, and
 * then holds whatever it got until it is killed.
 */
import { acquireJournalLock } from '../journal-lock';
import { JournalLockedError } from '../journal-errors';

const dir = process.env['LOCK_DIR']!;
const startAt = Number(process.env['LOCK_START_AT']);
while (Date.now() < startAt) {
  // spin: a timer would add its own jitter
}
try {
  acquireJournalLock(dir);
  process.stdout.write('GOT\n');
} catch (e) {
  process.stdout.write(e instanceof JournalLockedError ? `LOCKED ${e.pid}\n` : `ERROR ${(e as Error).message}\n`);
}
setInterval(() => undefined, 60_000);

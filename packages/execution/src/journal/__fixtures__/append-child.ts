/**
 * The process the SIGKILL test kills: it opens the journal in JOURNAL_DIR (recovering whatever the
 * previous victim left), prints `READY <lastSeq>`, then appends fill records as fast as it can with
 * fsync 'always' and prints each acknowledged sequence number. With JOURNAL_HALF_WRITE_AFTER=k, the
 * (k+1)-th frame write stops after half of its bytes, prints `HALF`, and waits to be killed.
 */
import { FileJournal } from '../file-journal';
import { nodeJournalFs, type JournalFs } from '../journal-fs';
import { SEGMENT_HEADER_BYTES } from '../frame';
import { fillEntry } from './journal-entries';

const dir = process.env['JOURNAL_DIR'];
if (!dir) throw new Error('JOURNAL_DIR is not set');
const halfAfter = process.env['JOURNAL_HALF_WRITE_AFTER'] === undefined ? undefined : Number(process.env['JOURNAL_HALF_WRITE_AFTER']);

let opened = false;
let frameWrites = 0;
const fs: JournalFs =
  halfAfter === undefined
    ? nodeJournalFs
    : {
        ...nodeJournalFs,
        write: async (fd, buffer, offset, length, position) => {
          if (opened && length > SEGMENT_HEADER_BYTES && ++frameWrites > halfAfter) {
            await nodeJournalFs.write(fd, buffer, offset, Math.floor(length / 2), position);
            process.stdout.write('HALF\n');
            await new Promise(() => setInterval(() => undefined, 60_000));
          }
          return nodeJournalFs.write(fd, buffer, offset, length, position);
        },
      };

const journal = await FileJournal.open({ dir, fsync: 'always', segmentBytes: 16 * 1024, fs });
opened = true;
process.stdout.write(`READY ${journal.lastSeq}\n`);
for (;;) {
  const seq = await journal.append(fillEntry(journal.lastSeq + 1));
  process.stdout.write(`${seq}\n`); // stdout to a pipe is synchronous on Linux: printed means the parent gets it
}

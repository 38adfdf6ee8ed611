/**
 * The child process of the recorder's crash test: records events `from` to `total` of a seeded session
 * into a Parquet catalog through a CatalogRecorder with a spool, printing `A <i>` once event i is
 * recorded (on the spool) and `W` when a catalog write starts, so that the test can kill it anywhere,
 * in the middle of a write included. A rotation every 150 events or 30 ms; a pause of 4 ms every 40
 * events lets the writes run while recording goes on.
 *
 * argv: <catalog dir> <spool dir> <from> <total> <seed> <fsync>
 */
import type { MarketData } from '@rxtrade/core';
import { ParquetCatalog } from '../../parquet-catalog';
import { CatalogRecorder } from '../catalog-recorder';
import type { SpoolFsync } from '../recorder-config';
import { session } from './recorder-kit';

const [catalogDir, spoolDir, fromArg, totalArg, seedArg, fsync] = process.argv.slice(2) as [string, string, string, string, string, SpoolFsync];
const events = session(Number(totalArg), Number(seedArg));
const catalog = await ParquetCatalog.open(catalogDir, { threads: 1 });
const write = catalog.write.bind(catalog);
catalog.write = ((data: Iterable<MarketData>, options?: Parameters<typeof write>[1]) => {
  process.stdout.write('W\n');
  return write(data, options);
}) as typeof catalog.write;
const recorder = new CatalogRecorder(catalog, { rotation: { maxEvents: 150, maxAgeMs: 30 }, spool: { dir: spoolDir, fsync } });
recorder.on('error', (e) => process.stdout.write(`E ${e.message}\n`));
const recovered = await recorder.start();
process.stdout.write(`R ${JSON.stringify(recovered)}\n`);
for (let i = Number(fromArg); i < events.length; i++) {
  recorder.record(events[i]!);
  process.stdout.write(`A ${i}\n`);
  if (i % 40 === 39) await new Promise((r) => setTimeout(r, 4));
}
const stats = await recorder.stop();
catalog.close();
process.stdout.write(`D ${JSON.stringify(stats)}\n`);

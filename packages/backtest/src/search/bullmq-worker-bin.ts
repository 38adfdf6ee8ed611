/**
 * Executable entry of a sweep worker process: `node dist/bullmq-worker-bin.js --redis redis://host:6379
 * [--queue rxtrade-sweep] [--concurrency 1] [--log-jobs]`, or from source
 * `node --conditions=@rxtrade/source --import tsx src/search/bullmq-worker-bin.ts …`. The arguments are
 * those of {@link runBullmqWorkerCli}.
 */
import { runBullmqWorkerCli } from './bullmq-worker-cli';

runBullmqWorkerCli(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? `${error.name}: ${error.message}` : error);
  process.exit(1);
});

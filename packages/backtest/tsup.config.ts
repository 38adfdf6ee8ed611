import { packageConfig } from '../../tooling/tsup';

// The library, the `rxtrade` command line (bin), the worker-thread entry that WorkerThreadExecutor
// loads from dist/ beside index.js, and the stand-alone BullMQ worker (`node dist/bullmq-worker-bin.js`).
export default packageConfig({
  entry: {
    index: 'src/index.ts',
    cli: 'src/cli.ts',
    'worker-thread-entry': 'src/search/worker-thread-entry.ts',
    'bullmq-worker-bin': 'src/search/bullmq-worker-bin.ts',
  },
});

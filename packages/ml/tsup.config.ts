import { packageConfig } from '../../tooling/tsup';

// The library, `@rxtrade/ml/tfjs` (what TensorFlow.js types: TfjsModel and the CNN+LSTM), and the
// worker-thread entry that the CNN+LSTM's trainer loads from dist/ beside tfjs.js when it trains on several threads.
export default packageConfig({ entry: { index: 'src/index.ts', tfjs: 'src/tfjs.ts', 'cnn-lstm-train-worker': 'src/cnn-lstm/train-worker.ts' } });

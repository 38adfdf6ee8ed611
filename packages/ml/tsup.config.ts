import { packageConfig } from '../../tooling/tsup';

// The library, and `@rxtrade/ml/tfjs` (what TensorFlow.js types: TfjsModel and the CNN+LSTM).
export default packageConfig({ entry: { index: 'src/index.ts', tfjs: 'src/tfjs.ts' } });

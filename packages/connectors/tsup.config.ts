import { packageConfig } from '../../tooling/tsup';

// The library and `@rxtrade/connectors/testing` (the venue conformance suite).
export default packageConfig({ entry: { index: 'src/index.ts', testing: 'src/testing/index.ts' } });

import { packageConfig } from '../../tooling/tsup';

// The library, `@rxtrade/connectors/testing` (the venue conformance suite) and
// `@rxtrade/connectors/cli` (the `rxtrade data` commands, loaded by the `rxtrade` command).
export default packageConfig({ entry: { index: 'src/index.ts', testing: 'src/testing/index.ts', cli: 'src/cli/index.ts' } });

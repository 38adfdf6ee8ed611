import { packageProject } from '../../tooling/vitest.shared';

export default packageProject();

// Tests of the repository's tooling (the doc checker): `npx vitest run --root tooling`.
import { defineConfig } from 'vitest/config';

export default defineConfig({ test: { include: ['*.test.ts'] } });

// Tests of the repository's tooling (the doc checker); part of the root run, or alone with
// `npx vitest run --project tooling`.
import { defineProject } from 'vitest/config';

export default defineProject({ test: { name: 'tooling', include: ['*.test.ts'], testTimeout: 60_000 } });

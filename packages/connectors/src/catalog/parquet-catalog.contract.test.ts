/**
 * The shared catalog suite (`catalog-contract.ts`) on the Parquet catalog: the same results the
 * PostgreSQL catalog gives for the same writes and queries.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe } from 'vitest';
import { catalogContract } from './catalog-contract';
import { ParquetCatalog } from './parquet-catalog';

describe('ParquetCatalog: the shared catalog suite', () => {
  catalogContract(() => ParquetCatalog.open(mkdtempSync(join(tmpdir(), 'catalog-contract-')), { threads: 1 }));
});

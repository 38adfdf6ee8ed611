/**
 * `rxtrade data ...`: the market-data catalog commands live in `@rxtrade/connectors` (beside the catalog),
 * which this package does not depend on. They are loaded at run time from `@rxtrade/connectors/cli`,
 * looked for in the user's project (the `node_modules` of the current folder and the folders above it),
 * then from this package's folder up, then beside this package (`node_modules/@rxtrade/connectors` next
 * to `node_modules/@rxtrade/backtest`, or `packages/connectors` in a workspace checkout). Without it, the command
 * says in one line how to install it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { UsageError, type CliIo } from './cli-io';

/** What `@rxtrade/connectors/cli` exports for the `rxtrade` command. */
interface ConnectorsCli {
  dataMain(args: readonly string[], io: CliIo): Promise<number>;
}

/** The package, its entry for `rxtrade data` and where it was found. */
export interface ConnectorsCliLocation {
  /** The folder of `@rxtrade/connectors`. */
  readonly packageDir: string;
  /** The file of `@rxtrade/connectors/cli` that this process imports; undefined when there is none. */
  readonly entry: string | undefined;
  /** Why there is no entry: no `./cli` export (an older version), or its file is missing (not built). */
  readonly missing?: string;
}

/** This module's URL in ESM, or its file in a CommonJS build (where `import.meta` is empty). */
function currentModuleUrl(): string {
  return typeof __filename === 'string' ? pathToFileURL(__filename).href : import.meta.url;
}

/** `node_modules/@rxtrade/connectors` in `dir` or the nearest folder above it, as Node looks for a package. */
function installedIn(dir: string): string | undefined {
  for (let d = dir; ; d = dirname(d)) {
    const pkg = join(d, 'node_modules', '@rxtrade', 'connectors');
    if (existsSync(join(pkg, 'package.json'))) return pkg;
    if (dirname(d) === d) return undefined;
  }
}

/**
 * Finds `@rxtrade/connectors/cli` from each folder of `from` in turn (its `node_modules`, then those of
 * the folders above it): the first that has the package wins. With `source` (this package runs from its
 * TypeScript sources), the package's `@rxtrade/source` entry is taken when it has one. `workspace` is a
 * last package folder to look in (the folder beside `@rxtrade/backtest`).
 *
 * @example
 * ```ts
 * const found = findConnectorsCli([process.cwd()], { source: false });
 * if (found?.entry) await import(pathToFileURL(found.entry).href);
 * ```
 */
export function findConnectorsCli(from: readonly string[], options: { source: boolean; workspace?: string }): ConnectorsCliLocation | undefined {
  const dirs = from.map(installedIn).filter((d): d is string => d !== undefined);
  if (options.workspace !== undefined) dirs.push(options.workspace);
  for (const dir of dirs) {
    let manifest: { name?: unknown; exports?: Record<string, unknown> };
    try {
      manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    } catch {
      continue;
    }
    if (manifest.name !== '@rxtrade/connectors') continue;
    const cli = manifest.exports?.['./cli'] as { '@rxtrade/source'?: string; import?: { default?: string } | string } | undefined;
    if (cli === undefined) return { packageDir: dir, entry: undefined, missing: 'has no data commands (no "./cli" export): update it (npm install @rxtrade/connectors@latest)' };
    const esm = typeof cli.import === 'string' ? cli.import : cli.import?.default;
    const candidates = [options.source ? cli['@rxtrade/source'] : undefined, esm].filter((p): p is string => typeof p === 'string');
    for (const rel of candidates) {
      const entry = join(dir, rel);
      if (existsSync(entry)) return { packageDir: dir, entry };
    }
    return { packageDir: dir, entry: undefined, missing: `has no ${candidates.join(' nor ')}: build it (pnpm --filter @rxtrade/connectors build)` };
  }
  return undefined;
}

/**
 * Runs `rxtrade data <args>` through `@rxtrade/connectors/cli`; resolves with its exit code.
 *
 * @example
 * ```ts
 * const code = await runDataCommand(['list', '--catalog', 'data/catalog'], processIo());
 * ```
 */
export async function runDataCommand(args: readonly string[], io: CliIo): Promise<number> {
  const here = currentModuleUrl();
  const source = here.endsWith('.ts');
  const hereDir = dirname(fileURLToPath(here));
  // This file is <package>/src/cli/data-dispatch.ts or <package>/dist/cli.js. Beside the package is where a
  // flat node_modules/@rxtrade/ or the workspace's packages/ folder holds @rxtrade/connectors.
  const packageDir = source ? join(hereDir, '..', '..') : join(hereDir, '..');
  const sibling = join(packageDir, '..', 'connectors');
  const found = findConnectorsCli([process.cwd(), hereDir], { source, workspace: sibling });
  if (found === undefined) throw new UsageError('the data commands need @rxtrade/connectors: install it in your project (npm install @rxtrade/connectors)');
  if (found.entry === undefined) throw new UsageError(`the @rxtrade/connectors in ${found.packageDir} ${found.missing}`);
  const module = (await import(pathToFileURL(found.entry).href)) as Partial<ConnectorsCli>;
  if (typeof module.dataMain !== 'function') throw new UsageError(`${found.entry} does not export dataMain: update @rxtrade/connectors`);
  return module.dataMain(args, io);
}

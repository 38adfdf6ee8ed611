/**
 * Reads a JSON config file for the CLI and validates it with a zod schema: a missing file, bad JSON or
 * a bad field fails with a `ValidationError` whose message starts with the file name and names the
 * field (`run.json: run.ledger.startingCash: must be a number >= 0`).
 */
import { readFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, resolve } from 'node:path';
import type { z } from 'zod';
import { parseWith, ValidationError } from '@rxtrade/core';

/**
 * Reads, parses and validates a JSON file; returns the parsed value, the raw JSON and the file's directory.
 *
 * @example
 * ```ts
 * const { value, dir } = readConfigFile('configs/run.json', BacktestFileConfigSchema);
 * ```
 */
export function readConfigFile<S extends z.ZodType>(path: string, schema: S): { value: z.output<S>; raw: unknown; dir: string; path: string } {
  const file = resolve(path);
  const source = basename(file);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ValidationError([{ path: [], message: `cannot read ${file}: ${readFailure(e)}` }], { source });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ValidationError([{ path: [], message: `not valid JSON: ${(e as Error).message}` }], { source });
  }
  return { value: parseWith(schema, json, undefined, { source }), raw: json, dir: dirname(file), path: file };
}

/**
 * Why a file could not be read, in words, with the system's code to search for.
 *
 * @example
 * ```ts
 * try { readFileSync('missing.json', 'utf8'); } catch (e) { readFailure(e); } // 'no such file (ENOENT)'
 * ```
 */
export function readFailure(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  const words: Record<string, string> = { ENOENT: 'no such file', EISDIR: 'it is a directory', EACCES: 'permission denied', ENOTDIR: 'a parent is not a directory' };
  return code === undefined ? (e as Error).message : words[code] ? `${words[code]} (${code})` : code;
}

/**
 * Resolves a module specifier from a config file: `./` and `../` paths are relative to the file's
 * directory, absolute paths and package names are kept.
 *
 * @example
 * ```ts
 * resolveModule('../src/definition.ts', '/repo/examples/sma-crossover/configs') // '/repo/examples/sma-crossover/src/definition.ts'
 * ```
 */
export function resolveModule(specifier: string, dir: string): string {
  if (specifier.startsWith('./') || specifier.startsWith('../')) return resolve(dir, specifier);
  return specifier;
}

/**
 * Resolves a path from a config file against the file's directory (absolute paths are kept).
 *
 * @example
 * ```ts
 * resolvePath('../fixtures/goog.csv', '/repo/examples/sma-crossover/configs')
 * ```
 */
export function resolvePath(path: string, dir: string): string {
  return isAbsolute(path) ? path : resolve(dir, path);
}

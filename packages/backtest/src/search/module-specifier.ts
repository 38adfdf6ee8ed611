/**
 * Which module specifiers a sweep, a walk-forward or a job may name for a strategy, an objective or an
 * evaluator: an absolute path, a `file:` URL or a package name (`pkg`, `@scope/pkg`, optionally with a
 * subpath such as `pkg/dist/sma.js`). A task crosses threads, processes and hosts, where a relative
 * path would resolve against whatever directory the worker happens to run in, and the module is code
 * that every worker executes: so relative paths and other URL schemes (`http:`, `data:`, `node:`, …)
 * are refused with a ValidationError naming the field, before anything is imported.
 *
 * As in Node, `x/y.js` is file `y.js` of package `x`, not a relative path.
 */
import { posix, win32 } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ValidationError } from '@rxtrade/core';
import { z } from 'zod';

/** A package name as npm accepts it (legacy names may hold capitals), without a leading `.` or `_`. */
const PACKAGE = /^(?:@[A-Za-z0-9~-][A-Za-z0-9._~-]*\/)?[A-Za-z0-9~-][A-Za-z0-9._~-]*(?:\/[^\\\s]+)?$/;
/** Extensions of files that no package name ends with: a bare `sma.ts` is a path missing its `./`. */
const SOURCE_FILE = /\.(?:[cm]?ts|tsx|jsx|mjs|cjs)$/i;

/**
 * Why `specifier` is not an absolute path, a `file:` URL or a package name; undefined when it is one.
 *
 * @example
 * ```ts
 * moduleSpecifierProblem('./sma.js'); // 'is a relative path: …'
 * moduleSpecifierProblem('@acme/strategies'); // undefined
 * ```
 */
export function moduleSpecifierProblem(specifier: string): string | undefined {
  const hint = 'give an absolute path, a file: URL or a package name';
  if (specifier.length === 0) return `is empty: ${hint}`;
  if (posix.isAbsolute(specifier) || /^[A-Za-z]:[\\/]/.test(specifier) || specifier.startsWith('\\\\')) return undefined;
  if (/^\.\.?(?:[\\/]|$)/.test(specifier) || specifier.includes('\\'))
    return `${JSON.stringify(specifier)} is a relative path, which would resolve against each worker's working directory: ${hint}`;
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(specifier)?.[1];
  if (scheme !== undefined) {
    if (scheme.toLowerCase() !== 'file') return `${JSON.stringify(specifier)} is a ${scheme}: URL: ${hint}`;
    try {
      new URL(specifier);
      return undefined;
    } catch {
      return `${JSON.stringify(specifier)} is not a valid file: URL`;
    }
  }
  const firstSegment = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!;
  if (!specifier.includes('/') && SOURCE_FILE.test(specifier))
    return `${JSON.stringify(specifier)} is a relative path, which would resolve against each worker's working directory: ${hint}`;
  if (!PACKAGE.test(specifier) || firstSegment.length > 214) return `${JSON.stringify(specifier)} is not a valid package name: ${hint}`;
  return undefined;
}

/**
 * Schema of a module specifier: an absolute path, a `file:` URL or a package name.
 *
 * @example
 * ```ts
 * parseWith(ModuleSpecifierSchema, '/srv/research/sma.js', 'strategy.module');
 * ```
 */
export const ModuleSpecifierSchema = z.string().superRefine((s, ctx) => {
  const problem = moduleSpecifierProblem(s);
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
});

/**
 * The specifier to `import()` a module by: absolute paths become `file:` URLs (which every platform
 * accepts); `file:` URLs and package names pass through. Anything else fails with a ValidationError
 * naming `field`.
 *
 * @example
 * ```ts
 * moduleUrl('/srv/research/sma.ts'); // 'file:///srv/research/sma.ts'
 * moduleUrl('@acme/strategies');     // '@acme/strategies'
 * ```
 */
export function moduleUrl(specifier: string, field = 'module'): string {
  const problem = moduleSpecifierProblem(specifier);
  if (problem !== undefined) throw new ValidationError([{ path: field.split('.'), message: problem }]);
  if (posix.isAbsolute(specifier) || win32.isAbsolute(specifier)) return pathToFileURL(specifier).href;
  return specifier;
}

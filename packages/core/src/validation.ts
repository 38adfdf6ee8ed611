/**
 * Bridges zod to rxtrade's {@link ValidationError}: public entry points parse their input with
 * {@link parseWith} and fail with a message that names the bad field.
 *
 * Config schemas are strict (`z.strictObject`): a key the schema does not know is an error, reported as
 * one issue per key whose path ends with the key, with the nearest known key suggested when one is close
 * (`venue.comission: unknown option; did you mean "commission"?`). A typo must never be silently ignored.
 */
import type { z } from 'zod';
import { ValidationError, type ValidationIssue } from './errors';

/**
 * Parses `input` with `schema`, throwing a {@link ValidationError} naming every bad field.
 *
 * Unknown keys of strict objects are reported one by one as `unknown option`, with the nearest known key
 * suggested when it is close enough to be a typo.
 *
 * @param what a label for the value (such as `'BacktestConfig'`), prefixed to each path.
 * @example
 * ```ts
 * const config = parseWith(InstrumentConfigSchema, raw, 'instrument');
 * ```
 */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown, what?: string, where?: { row?: number; source?: string }): z.output<S> {
  if (typeof input === 'object' && input !== null && preParsed.has(input)) {
    preParsed.delete(input);
    if (checkPreParsed) checkParsedAlready(schema, input, what);
    return input as z.output<S>;
  }
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues: ValidationIssue[] = [];
  for (const issue of flattenIssues(result.error.issues as readonly RawIssue[], [])) {
    const path = issue.path.map(pathKey);
    if (issue.code === 'unrecognized_keys' && Array.isArray(issue.keys)) {
      const known = knownKeysAt(schema, path);
      for (const key of issue.keys as readonly string[]) {
        issues.push({ path: what ? [what, ...path, key] : [...path, key], message: unknownOptionMessage(key, known) });
      }
      continue;
    }
    issues.push({ path: what ? [what, ...path] : path, message: issue.message });
  }
  throw new ValidationError(issues, where);
}

/** Configs marked by {@link preParsedConfig}, each taken once by the next {@link parseWith}. */
const preParsed = new WeakSet<object>();
/**
 * Whether a config marked as parsed is parsed anyway and compared (`RXTRADE_CHECK_PREPARSED=1`: the
 * test suite sets it, so that every run it makes checks each mark).
 */
const checkPreParsed = typeof process !== 'undefined' && process.env?.['RXTRADE_CHECK_PREPARSED'] === '1';

/**
 * @internal Marks a config that its builder made from values already validated by the schema that
 * will parse it, with every default of that schema set: the next {@link parseWith} of it returns it as
 * it is instead of parsing it again. A backtest builds its venue, ledger, kernel and order manager from
 * the one config the runner parsed; parsing each part again cost about a tenth of a short backtest.
 *
 * With `RXTRADE_CHECK_PREPARSED=1` in the environment the config is parsed anyway and must come out
 * unchanged (see `checkParsedAlready`), so that a mark put where it does not belong fails the tests.
 *
 * @example
 * ```ts
 * const venue = new SimulatedVenue(preParsedConfig({ ...parsedOptions, clock, instruments, retainClosedOrders: true }));
 * ```
 */
export function preParsedConfig<T extends object>(config: T): T {
  preParsed.add(config);
  return config;
}

/** Throws when parsing `input` would have given anything else than `input` (an issue, a default, a change). */
function checkParsedAlready(schema: z.ZodType, input: object, what: string | undefined): void {
  const result = schema.safeParse(input);
  const where = what ?? 'config';
  if (!result.success) throw new Error(`${where} was marked as parsed but does not pass its schema: ${result.error.message}`);
  const difference = differenceOf(result.data, input, where);
  if (difference !== undefined) throw new Error(`${where} was marked as parsed but parsing changes it at ${difference}`);
}

/** Where `parsed` differs from `given` (a path), or undefined: plain objects and arrays by content, Decimals by value, the rest by identity. */
function differenceOf(parsed: unknown, given: unknown, path: string): string | undefined {
  if (Object.is(parsed, given)) return undefined;
  if (Array.isArray(parsed) && Array.isArray(given)) {
    if (parsed.length !== given.length) return path;
    for (let i = 0; i < parsed.length; i++) {
      const d = differenceOf(parsed[i], given[i], `${path}[${i}]`);
      if (d !== undefined) return d;
    }
    return undefined;
  }
  if (isDecimalLike(parsed) && isDecimalLike(given)) return parsed.eq(given) ? undefined : path;
  if (isPlainObject(parsed) && isPlainObject(given)) {
    // A key given as undefined and a key left out are the same to a schema.
    for (const key of new Set([...Object.keys(parsed), ...Object.keys(given)])) {
      const d = differenceOf(parsed[key], given[key], `${path}.${key}`);
      if (d !== undefined) return d;
    }
    return undefined;
  }
  return path;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function isDecimalLike(v: unknown): v is { eq(other: unknown): boolean } {
  return typeof v === 'object' && v !== null && typeof (v as { eq?: unknown }).eq === 'function' && typeof (v as { toFixed?: unknown }).toFixed === 'function';
}

/**
 * The message for a key that a config does not know: `unknown option`, followed by the nearest known key
 * when one is close enough to be a typo (Damerau-Levenshtein distance at most `max(2, length / 3)`), or
 * else one that starts with the given key (`slippage` for `slippageModel`).
 *
 * @param key the key that was given.
 * @param known the keys that are allowed at that place.
 * @example
 * ```ts
 * unknownOptionMessage('comission', ['commission', 'slippage']); // 'unknown option; did you mean "commission"?'
 * unknownOptionMessage('colour', ['commission']); // 'unknown option'
 * ```
 */
export function unknownOptionMessage(key: string, known: Iterable<string>): string {
  const nearest = nearestKey(key, known);
  return nearest === undefined ? 'unknown option' : `unknown option; did you mean "${nearest}"?`;
}

interface RawIssue {
  readonly code: string;
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly keys?: readonly string[];
  readonly errors?: readonly (readonly RawIssue[])[];
}

/**
 * A union that failed only because one of its options saw unknown keys is reported as those keys: "no
 * option matched" would hide the typo that the user has to fix.
 */
function flattenIssues(issues: readonly RawIssue[], prefix: readonly PropertyKey[]): RawIssue[] {
  const out: RawIssue[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'invalid_union' && issue.errors) {
      const onlyUnknownKeys = issue.errors.find((branch) => branch.length > 0 && branch.every(isUnknownKeysOnly));
      if (onlyUnknownKeys) {
        out.push(...flattenIssues(onlyUnknownKeys, path));
        continue;
      }
    }
    out.push({ ...issue, path });
  }
  return out;
}

function isUnknownKeysOnly(issue: RawIssue): boolean {
  if (issue.code === 'unrecognized_keys') return true;
  return issue.code === 'invalid_union' && !!issue.errors?.some((b) => b.length > 0 && b.every(isUnknownKeysOnly));
}

/** The zod 4 definition fields this module reads. */
interface Def {
  readonly type: string;
  readonly shape?: Record<string, z.ZodType>;
  readonly catchall?: z.ZodType;
  readonly element?: z.ZodType;
  readonly options?: readonly z.ZodType[];
  readonly innerType?: z.ZodType;
  readonly in?: z.ZodType;
  readonly out?: z.ZodType;
  readonly left?: z.ZodType;
  readonly right?: z.ZodType;
  readonly valueType?: z.ZodType;
  readonly items?: readonly z.ZodType[];
  readonly rest?: z.ZodType | null;
  readonly getter?: () => z.ZodType;
}

function defOf(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

/** The schemas a value at this node is checked against, with wrappers, unions and pipes looked through. */
function expand(schema: z.ZodType, seen: Set<z.ZodType> = new Set()): z.ZodType[] {
  if (seen.has(schema)) return [];
  seen.add(schema);
  const def = defOf(schema);
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'catch':
    case 'readonly':
    case 'nonoptional':
    case 'success':
      return def.innerType ? expand(def.innerType, seen) : [];
    case 'pipe':
      return [...(def.in ? expand(def.in, seen) : []), ...(def.out ? expand(def.out, seen) : [])];
    case 'lazy':
      return def.getter ? expand(def.getter(), seen) : [];
    case 'union':
      return (def.options ?? []).flatMap((o) => expand(o, seen));
    case 'intersection':
      return [...(def.left ? expand(def.left, seen) : []), ...(def.right ? expand(def.right, seen) : [])];
    default:
      return [schema];
  }
}

function childAt(schema: z.ZodType, key: string | number): z.ZodType[] {
  const def = defOf(schema);
  switch (def.type) {
    case 'object': {
      const child = def.shape?.[String(key)];
      if (child) return [child];
      return def.catchall && defOf(def.catchall).type !== 'never' ? [def.catchall] : [];
    }
    case 'array':
      return def.element ? [def.element] : [];
    case 'tuple': {
      const i = typeof key === 'number' ? key : Number(key);
      const item = def.items?.[i];
      return item ? [item] : def.rest ? [def.rest] : [];
    }
    case 'record':
    case 'map':
      return def.valueType ? [def.valueType] : [];
    default:
      return [];
  }
}

/** Every key declared by an object schema reachable at `path` (all options of a union). */
function knownKeysAt(schema: z.ZodType, path: readonly (string | number)[]): string[] {
  let nodes = expand(schema);
  for (const key of path) nodes = nodes.flatMap((n) => childAt(n, key)).flatMap((n) => expand(n));
  const keys = new Set<string>();
  for (const n of nodes) {
    const def = defOf(n);
    if (def.type === 'object' && def.shape) for (const k of Object.keys(def.shape)) keys.add(k);
  }
  return [...keys];
}

function nearestKey(key: string, known: Iterable<string>): string | undefined {
  const limit = Math.max(2, Math.floor(key.length / 3));
  const typed = key.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const d = editDistance(typed, candidate.toLowerCase());
    if (d <= limit && d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  if (best !== undefined || typed.length < 4) return best;
  // A shortened name (`slippage` for `slippageModel`) is far in edits but plainly meant.
  for (const candidate of known) if (candidate.toLowerCase().startsWith(typed)) return candidate;
  return undefined;
}

/** Damerau-Levenshtein distance, optimal string alignment variant (a swap of neighbours costs one). */
function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array<number>(rows * cols);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[(i - 1) * cols + j]! + 1, d[i * cols + j - 1]! + 1, d[(i - 1) * cols + j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[(i - 2) * cols + j - 2]! + 1);
      d[i * cols + j] = v;
    }
  }
  return d[rows * cols - 1]!;
}

/**
 * Lists where a schema lets unknown keys through: the path of every object node (at any depth, through
 * optionals, arrays, records, unions and pipes) that is not strict. Empty when the schema rejects unknown
 * keys everywhere. Use it in a test to keep your own config schemas strict.
 *
 * @example
 * ```ts
 * looseObjectPaths(z.strictObject({ venue: z.object({ fee: z.number() }) })); // ['venue']
 * looseObjectPaths(z.strictObject({ venue: z.strictObject({ fee: z.number() }) })); // []
 * ```
 */
export function looseObjectPaths(schema: z.ZodType): string[] {
  const out: string[] = [];
  const seen = new Set<z.ZodType>();
  const visit = (node: z.ZodType, path: string): void => {
    if (seen.has(node)) return;
    seen.add(node);
    const def = defOf(node);
    switch (def.type) {
      case 'object': {
        if (!def.catchall || defOf(def.catchall).type !== 'never') out.push(path || '(root)');
        if (def.catchall && defOf(def.catchall).type !== 'never') visit(def.catchall, `${path}.*`);
        for (const [k, v] of Object.entries(def.shape ?? {})) visit(v, path ? `${path}.${k}` : k);
        return;
      }
      case 'array':
        if (def.element) visit(def.element, `${path}[]`);
        return;
      case 'tuple':
        (def.items ?? []).forEach((item, i) => visit(item, `${path}[${i}]`));
        if (def.rest) visit(def.rest, `${path}[]`);
        return;
      case 'record':
      case 'map':
        if (def.valueType) visit(def.valueType, `${path}.*`);
        return;
      case 'set':
        return;
      default:
        for (const n of expandOne(def)) visit(n, path);
    }
  };
  visit(schema, '');
  return out;
}

function expandOne(def: Def): z.ZodType[] {
  switch (def.type) {
    case 'pipe':
      return [def.in, def.out].filter((s): s is z.ZodType => !!s);
    case 'lazy':
      return def.getter ? [def.getter()] : [];
    case 'union':
      return [...(def.options ?? [])];
    case 'intersection':
      return [def.left, def.right].filter((s): s is z.ZodType => !!s);
    default:
      return def.innerType ? [def.innerType] : [];
  }
}

function pathKey(key: PropertyKey): string | number {
  return typeof key === 'symbol' ? key.toString() : key;
}

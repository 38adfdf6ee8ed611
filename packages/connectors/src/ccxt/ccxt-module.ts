/**
 * ccxt itself, loaded on first use. The library holds every exchange ccxt supports (about 60 MB of heap
 * and 1.5 s to load): an application that imports `@rxtrade/connectors` for its CSV reader, its journal
 * or its live node without a ccxt venue does not pay for it.
 */
type CcxtModule = (typeof import('ccxt'))['default'];

let loaded: Promise<CcxtModule> | undefined;

/** ccxt's module (the object `import ccxt from 'ccxt'` gives), imported the first time it is asked for. */
export function loadCcxt(): Promise<CcxtModule> {
  loaded ??= import('ccxt').then((m) => (m as { default?: CcxtModule }).default ?? (m as unknown as CcxtModule));
  return loaded;
}

/**
 * Whether an error is an instance of the ccxt error class named `name` (or of a subclass of it),
 * found by the class names on its prototype chain: the check holds for errors of any copy of ccxt
 * (the application's own instance of an exchange may come from its own ccxt), and needs none loaded.
 *
 * @example
 * ```ts
 * isCcxtError(new ccxt.ChecksumError('book'), 'InvalidNonce'); // true: ChecksumError extends InvalidNonce
 * ```
 */
export function isCcxtError(error: unknown, name: string): boolean {
  if (!(error instanceof Error)) return false;
  for (let proto: unknown = Object.getPrototypeOf(error); proto !== null && proto !== Error.prototype; proto = Object.getPrototypeOf(proto)) {
    const ctor = (proto as { constructor?: { name?: unknown } }).constructor;
    if (ctor?.name === name) return true;
  }
  return false;
}

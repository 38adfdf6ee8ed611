/** Types of `demo.mjs` (plain JavaScript, so that `pnpm demo` starts node alone). */

/**
 * Runs the demo with `args` (the flags after `demo`) from the bundle in `outdir` (default `dist/` of the
 * example), bundling first when it is stale and running the sources with tsx when bundling fails;
 * resolves with the exit code.
 */
export declare function startDemo(args: readonly string[], options?: { readonly outdir?: string }): Promise<number>;

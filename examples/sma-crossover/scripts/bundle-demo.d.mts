/** Types of `bundle-demo.mjs` (plain JavaScript, so that `pnpm install` runs it with node alone). */

/** The example's folder. */
export declare const EXAMPLE_DIR: string;
/** The repository root: manifest paths are relative to it. */
export declare const ROOT: string;
/** Where the bundle goes by default: `dist/` of the example. */
export declare const DIST: string;
/** The bundle's file name in its folder (`demo.cjs`). */
export declare const BUNDLE_NAME: string;
/** The manifest's file name in the bundle's folder (`demo.manifest.json`). */
export declare const MANIFEST_NAME: string;
/** The code cache's file name in the bundle's folder, for the bundle of this digest. */
export declare function cacheName(digest: string): string;

/** Whether the bundle in `outdir` (default {@link DIST}) matches the files it was built from. */
export declare function bundleState(outdir?: string): { readonly fresh: true; readonly digest: string } | { readonly fresh: false; readonly reason: string };

/** Bundles the demo into `outdir` (default {@link DIST}) and writes its manifest. */
export declare function bundleDemo(config?: { readonly outdir?: string }): Promise<{ readonly bundle: string; readonly bytes: number; readonly inputs: number; readonly libraries: readonly string[] }>;

/**
 * `ModelRegistry`: model versions in a folder, one sub-folder per version (`v0001`, `v0002`, …) with the
 * model's files, its scalers, and a `metadata.json` that says what the version is: the feature list,
 * the training window, validation metrics, the hash of the training data, its parent version and the
 * sha256 of every file.
 *
 * A version is written into a temporary folder beside the others and renamed into place only once every
 * file is on disk, so a reader sees a version whole or not at all, and a crash leaves at most a
 * temporary folder that listing ignores. Two writers that race for the same number both succeed: the
 * rename of the second fails on the existing folder and it takes the next number.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { z } from 'zod';
import { LiveClock, parseWith, StateError, ValidationError, type Clock } from '@rxtrade/core';

const VERSION_RE = /^v(\d{4,})$/;
const METADATA = 'metadata.json';
const SCALERS = 'scalers.json';

const finite = z.number().refine(Number.isFinite, 'must be a finite number');

/** JSON values (what scalers' `toJSON` and `extra` may hold). */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };
const json: z.ZodType<JsonValue> = z.lazy(() => z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(json), z.record(z.string(), json)]));

/** The training window of a version: the first and last `ts` of its training rows (inclusive) and their count. */
export const TrainingWindowSchema = z.strictObject({
  start: finite,
  end: finite,
  rows: z.number().int().nonnegative(),
});
/** See {@link TrainingWindowSchema}. */
export type TrainingWindow = z.infer<typeof TrainingWindowSchema>;

/** Schema of a version's `metadata.json`; every load checks it. */
export const ModelVersionMetadataSchema = z.strictObject({
  format: z.literal(1),
  version: z.string().regex(VERSION_RE, 'must be v followed by at least four digits'),
  createdAt: finite,
  parent: z.string().regex(VERSION_RE).nullable(),
  features: z.array(z.string()).min(1),
  trainingWindow: TrainingWindowSchema,
  dataHash: z.string().regex(/^sha256:[0-9a-f]{64}$/, 'must be sha256: followed by 64 hex digits (see hashTrainingData)'),
  metrics: z.record(z.string(), finite),
  files: z.record(z.string(), z.strictObject({ sha256: z.string().regex(/^[0-9a-f]{64}$/), bytes: z.number().int().nonnegative() })),
  scalers: z.boolean(),
  extra: json.optional(),
});
/** What `metadata.json` holds. */
export type ModelVersionMetadata = z.infer<typeof ModelVersionMetadataSchema>;

const SaveSchema = z.strictObject({
  files: z.record(z.string(), z.custom<Uint8Array | string>((v) => typeof v === 'string' || v instanceof Uint8Array, 'must be a Uint8Array or a string')),
  scalers: json.optional(),
  features: z.array(z.string().min(1)).min(1),
  trainingWindow: TrainingWindowSchema,
  dataHash: z.string().regex(/^sha256:[0-9a-f]{64}$/, 'must be sha256: followed by 64 hex digits (see hashTrainingData)'),
  metrics: z.record(z.string(), finite).default({}),
  parent: z.string().regex(VERSION_RE, 'must be a version of this registry, such as v0001').nullable().optional(),
  extra: json.optional(),
});

/** What {@link ModelRegistry.save} takes. */
export interface SaveModelVersion {
  /** The model's files by relative path (`model.onnx`, `model.json`, `weights.bin`, `sub/x.bin`). */
  readonly files: Readonly<Record<string, Uint8Array | string>>;
  /** The fitted scalers (their `toJSON()`), written to `scalers.json`. */
  readonly scalers?: JsonValue;
  /** Feature names, in the order the model reads them. */
  readonly features: readonly string[];
  readonly trainingWindow: TrainingWindow;
  /** From {@link hashTrainingData} over the training rows. */
  readonly dataHash: string;
  /** Validation metrics (`{ rmse: 0.012, hitRate: 0.54 }`). */
  readonly metrics?: Readonly<Record<string, number>>;
  /** The version this one was retrained from (default: none). */
  readonly parent?: string | null;
  /** Anything else worth keeping, as JSON (hyperparameters, the code's commit). */
  readonly extra?: JsonValue;
}

/** Options of {@link ModelRegistry}. */
export interface ModelRegistryOptions {
  /** Where `createdAt` comes from (default: the wall clock); pass `ctx.clock` in a backtest. */
  readonly clock?: Clock;
}

/** A version read back from the registry, its files checked against their recorded sha256. */
export interface LoadedModelVersion {
  readonly metadata: ModelVersionMetadata;
  /** The version's folder. */
  readonly dir: string;
  /** The bytes of one of its files. */
  file(name: string): Promise<Uint8Array>;
  /** One of its files as UTF-8 text. */
  text(name: string): Promise<string>;
  /** The scalers saved with it, or undefined. */
  scalers(): Promise<JsonValue | undefined>;
}

function checkFileName(name: string): void {
  const bad = (message: string): never => {
    throw new ValidationError([{ path: ['files', name], message }]);
  };
  if (name.length === 0) bad('a file name must not be empty');
  if (path.isAbsolute(name) || name.includes('\\')) bad('must be a relative path with / separators');
  const parts = name.split('/');
  if (parts.some((p) => p === '' || p === '.' || p === '..')) bad('must not contain empty, . or .. segments');
  if (name === METADATA || name === SCALERS) bad(`${name} is written by the registry itself`);
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/**
 * Model versions in a folder.
 *
 * @example
 * ```ts
 * const registry = new ModelRegistry('models/momentum');
 * const saved = await registry.save({
 *   files: { 'model.onnx': onnxBytes },
 *   scalers: scaler.toJSON(),
 *   features: ['ret1', 'z20'],
 *   trainingWindow: { start: rows[0].ts, end: rows.at(-1).ts, rows: rows.length },
 *   dataHash: hashTrainingData(['ret1', 'z20'], rows),
 *   metrics: { rmse: 0.012 },
 *   parent: (await registry.latest())?.metadata.version ?? null,
 * });
 * const latest = await registry.latest();
 * const model = await OnnxModel.load(await latest!.file('model.onnx'));
 * ```
 */
export class ModelRegistry {
  private readonly clock: Clock;

  /**
   * @param dir the registry's folder; created on the first save.
   */
  constructor(
    readonly dir: string,
    options: ModelRegistryOptions = {},
  ) {
    if (typeof dir !== 'string' || dir.length === 0) throw new ValidationError([{ path: ['dir'], message: 'must be a folder path' }]);
    parseWith(z.strictObject({ clock: z.custom<Clock>((c) => typeof (c as Clock)?.now === 'function', 'must be a Clock').optional() }), options, 'options');
    this.clock = options.clock ?? new LiveClock();
  }

  /** Every version, oldest first (metadata checked). */
  async list(): Promise<ModelVersionMetadata[]> {
    const versions = await this.versionNames();
    const out: ModelVersionMetadata[] = [];
    for (const v of versions) out.push(await this.readMetadata(v));
    return out;
  }

  /** The newest version, or undefined when there is none. */
  async latest(): Promise<LoadedModelVersion | undefined> {
    const versions = await this.versionNames();
    const last = versions.at(-1);
    return last === undefined ? undefined : this.load(last);
  }

  /**
   * One version. Its metadata is validated and every file's size and sha256 are checked against it, so a
   * truncated or altered file is an error here rather than a wrong prediction later.
   */
  async load(version: string): Promise<LoadedModelVersion> {
    if (!VERSION_RE.test(version)) throw new ValidationError([{ path: ['version'], message: `must be a version such as v0001, got ${JSON.stringify(version)}` }]);
    const metadata = await this.readMetadata(version);
    const dir = path.join(this.dir, version);
    for (const [name, expected] of Object.entries(metadata.files)) {
      const bytes = await fs.readFile(path.join(dir, name));
      if (bytes.length !== expected.bytes || sha256(bytes) !== expected.sha256) {
        throw new StateError(`model registry ${this.dir}: ${version}/${name} does not match its recorded sha256 (altered or truncated)`);
      }
    }
    const file = async (name: string): Promise<Uint8Array> => {
      if (!(name in metadata.files)) throw new ValidationError([{ path: ['name'], message: `${version} has no file ${JSON.stringify(name)}; it has ${Object.keys(metadata.files).join(', ')}` }]);
      return new Uint8Array(await fs.readFile(path.join(dir, name)));
    };
    return {
      metadata,
      dir,
      file,
      text: async (name) => new TextDecoder().decode(await file(name)),
      scalers: async () => (metadata.scalers ? (JSON.parse(await fs.readFile(path.join(dir, SCALERS), 'utf8')) as JsonValue) : undefined),
    };
  }

  /**
   * Writes a new version and returns its metadata. The version is the next number after the highest one
   * in the folder.
   */
  async save(entry: SaveModelVersion): Promise<ModelVersionMetadata> {
    const input = parseWith(SaveSchema, entry, 'entry');
    for (const name of Object.keys(input.files)) checkFileName(name);
    if (input.trainingWindow.end < input.trainingWindow.start) {
      throw new ValidationError([{ path: ['entry', 'trainingWindow', 'end'], message: `must be >= start (${input.trainingWindow.start})` }]);
    }
    const existing = await this.versionNames();
    if (input.parent != null && !existing.includes(input.parent)) {
      throw new ValidationError([{ path: ['entry', 'parent'], message: `${input.parent} is not a version of ${this.dir}` }]);
    }
    await fs.mkdir(this.dir, { recursive: true });
    const tmp = path.join(this.dir, `.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
    await fs.mkdir(tmp);
    try {
      const files: Record<string, { sha256: string; bytes: number }> = {};
      for (const [name, content] of Object.entries(input.files)) {
        const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
        const target = path.join(tmp, name);
        await fs.mkdir(path.dirname(target), { recursive: true });
        await writeDurably(target, bytes);
        files[name] = { sha256: sha256(bytes), bytes: bytes.length };
      }
      if (input.scalers !== undefined) await writeDurably(path.join(tmp, SCALERS), new TextEncoder().encode(JSON.stringify(input.scalers)));
      let number = existing.length === 0 ? 1 : versionNumber(existing.at(-1)!) + 1;
      for (;;) {
        const version = `v${String(number).padStart(4, '0')}`;
        const metadata: ModelVersionMetadata = parseWith(ModelVersionMetadataSchema, {
          format: 1,
          version,
          createdAt: this.clock.now(),
          parent: input.parent ?? null,
          features: input.features,
          trainingWindow: input.trainingWindow,
          dataHash: input.dataHash,
          metrics: input.metrics,
          files,
          scalers: input.scalers !== undefined,
          ...(input.extra === undefined ? {} : { extra: input.extra }),
        });
        await writeDurably(path.join(tmp, METADATA), new TextEncoder().encode(`${JSON.stringify(metadata, null, 2)}\n`), 'w');
        try {
          // Renaming onto an existing, non-empty folder fails (EEXIST or ENOTEMPTY): another writer took this number.
          await fs.rename(tmp, path.join(this.dir, version));
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          if (code === 'EEXIST' || code === 'ENOTEMPTY' || code === 'EPERM') {
            number++;
            continue;
          }
          throw error;
        }
        await syncDir(this.dir);
        return metadata;
      }
    } catch (error) {
      await fs.rm(tmp, { recursive: true, force: true });
      throw error;
    }
  }

  private async versionNames(): Promise<string[]> {
    let names: string[];
    try {
      names = await fs.readdir(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    return names.filter((n) => VERSION_RE.test(n)).sort((a, b) => versionNumber(a) - versionNumber(b));
  }

  private async readMetadata(version: string): Promise<ModelVersionMetadata> {
    const file = path.join(this.dir, version, METADATA);
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new ValidationError([{ path: ['version'], message: `${version} is not in ${this.dir}` }]);
      throw error;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (error) {
      throw new ValidationError([{ path: [file], message: `is not JSON: ${(error as Error).message}` }]);
    }
    const metadata = parseWith(ModelVersionMetadataSchema, raw, file);
    if (metadata.version !== version) throw new ValidationError([{ path: [file, 'version'], message: `says ${metadata.version}, but the folder is ${version}` }]);
    return metadata;
  }
}

function versionNumber(version: string): number {
  return Number(VERSION_RE.exec(version)![1]);
}

async function writeDurably(file: string, bytes: Uint8Array, flags: 'wx' | 'w' = 'wx'): Promise<void> {
  const handle = await fs.open(file, flags);
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function syncDir(dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Redis connections for the BullMQ executor and workers. BullMQ 6 takes the Redis client as an optional
 * peer (ioredis, node-redis, …) and, from native ES modules, needs a client instance rather than
 * options; this module builds ioredis instances from a URL or options, loading ioredis lazily so that
 * users who never run a distributed sweep need neither it nor BullMQ.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { NetworkError, UnsupportedError } from '@rxtrade/core';

/**
 * Schema of a Redis connection: a `redis://` / `rediss://` URL, ioredis options (`{ host, port, password,
 * db, tls, … }`), or an existing client instance (anything with `duplicate()`), used as is.
 *
 * @example
 * ```ts
 * RedisConnectionSchema.parse('rediss://:secret@redis.internal:6380');
 * ```
 */
export const RedisConnectionSchema = z.union([
  z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL'),
  // A client instance passes through untouched (a record schema would copy it and lose its prototype).
  z.custom<RedisClientLike>((v) => typeof v === 'object' && v !== null && typeof (v as { duplicate?: unknown }).duplicate === 'function'),
  z.record(z.string(), z.unknown()),
]);

/** A Redis connection as {@link RedisConnectionSchema} accepts it. */
export type RedisConnection = z.output<typeof RedisConnectionSchema>;

/** What we need of a Redis client: BullMQ takes it as its connection; we close the ones we make. */
export interface RedisClientLike {
  duplicate(...args: unknown[]): unknown;
  quit(): Promise<unknown>;
}

/**
 * Opens a Redis client for BullMQ, or passes an existing one through (a duplicate of it with
 * `duplicate: true`, for connections that block, such as QueueEvents); `owned` says whether the caller
 * must close it.
 *
 * @example
 * ```ts
 * const { client, owned } = openRedis('redis://localhost:6379');
 * const queue = new Queue('rxtrade-sweep', { connection: client });
 * ```
 */
export function openRedis(connection: RedisConnection, options: { duplicate?: boolean } = {}): { client: RedisClientLike; owned: boolean } {
  if (typeof connection === 'object' && typeof (connection as { duplicate?: unknown }).duplicate === 'function') {
    const given = connection as RedisClientLike;
    return options.duplicate ? { client: given.duplicate() as RedisClientLike, owned: true } : { client: given, owned: false };
  }
  const IORedis = loadIORedis();
  // BullMQ needs maxRetriesPerRequest: null on connections that block (workers, queue events).
  // lazyConnect: connectRedis() connects once and fails fast when Redis cannot be reached.
  const client =
    typeof connection === 'string'
      ? new IORedis(connection, { maxRetriesPerRequest: null, lazyConnect: true })
      : new IORedis({ ...connection, maxRetriesPerRequest: null, lazyConnect: true });
  // Connection errors are reported by connectRedis() and by BullMQ's own listeners; without a listener
  // ioredis would print each reconnection failure as an unhandled error event.
  (client as unknown as { on(event: string, fn: () => void): void }).on('error', () => undefined);
  return { client, owned: true };
}

/**
 * Connects a client made by {@link openRedis} (clients given by the caller are left as they are),
 * failing with a `NetworkError` that names the address (password masked) when Redis cannot be reached,
 * instead of waiting for it forever.
 *
 * @example
 * ```ts
 * const { client, owned } = openRedis('redis://localhost:6379');
 * if (owned) await connectRedis(client, 'redis://localhost:6379');
 * ```
 */
export async function connectRedis(client: RedisClientLike, connection: RedisConnection): Promise<void> {
  const c = client as unknown as { status?: string; connect?: () => Promise<void>; disconnect?: () => void };
  if (c.status !== 'wait' || typeof c.connect !== 'function') return;
  try {
    await c.connect();
  } catch (error) {
    c.disconnect?.();
    const detail = redactRedisSecret(error instanceof Error ? error.message : String(error), connection);
    throw new NetworkError(`cannot reach Redis at ${describeRedis(connection)}: ${detail}`);
  }
}

/**
 * `text` with the connection's password (as written and URL-decoded) replaced by `***`: for messages
 * that come from elsewhere (a Redis client, a worker) before they are shown.
 *
 * @example
 * ```ts
 * redactRedisSecret('auth failed for s3cret', 'redis://:s3cret@h:6379'); // 'auth failed for ***'
 * ```
 */
export function redactRedisSecret(text: string, connection: RedisConnection): string {
  const secrets: string[] = [];
  if (typeof connection === 'string') {
    const start = connection.indexOf('//');
    const at = connection.lastIndexOf('@');
    const user = start !== -1 && at > start ? connection.slice(start + 2, at) : '';
    const colon = user.indexOf(':');
    if (colon !== -1) secrets.push(user.slice(colon + 1));
    const query = /[?&](?:password|pass|pwd)=([^&#]*)/i.exec(connection)?.[1];
    if (query) secrets.push(query);
  } else if (typeof (connection as { password?: unknown }).password === 'string') {
    secrets.push((connection as { password: string }).password);
  }
  let out = text;
  for (const secret of secrets) {
    if (secret.length === 0) continue;
    let decoded = secret;
    try {
      decoded = decodeURIComponent(secret);
    } catch {
      // not URL-encoded
    }
    for (const s of new Set([secret, decoded])) out = out.split(s).join('***');
  }
  return out;
}

/**
 * A Redis URL with its password replaced by `***` (`redis://user:secret@host:6379` gives
 * `redis://user:***@host:6379`), and a `password` query parameter too: the form to print, log or
 * serialize. Everything between `//` and the last `@` is user information, so a password holding an
 * unescaped `@` is masked whole.
 *
 * @example
 * ```ts
 * maskRedisUrl('rediss://:secret@redis.internal:6380/0'); // 'rediss://:***@redis.internal:6380/0'
 * ```
 */
export function maskRedisUrl(url: string): string {
  let out = url;
  const start = out.indexOf('//');
  const at = out.lastIndexOf('@');
  if (start !== -1 && at > start) {
    const user = out.slice(start + 2, at);
    const colon = user.indexOf(':');
    if (colon !== -1) out = `${out.slice(0, start + 2)}${user.slice(0, colon)}:***${out.slice(at)}`;
  }
  return out.replace(/([?&](?:password|pass|pwd)=)[^&#]*/gi, '$1***');
}

/**
 * Where a connection points, for messages: a URL with its password masked ({@link maskRedisUrl}),
 * `host:port` of ioredis options, or `a Redis client` for a client instance.
 *
 * @example
 * ```ts
 * describeRedis('redis://user:secret@redis.internal:6379'); // 'redis://user:***@redis.internal:6379'
 * describeRedis({ host: 'redis.internal', port: 6380, password: 'secret' }); // 'redis.internal:6380'
 * ```
 */
export function describeRedis(connection: RedisConnection): string {
  if (typeof connection === 'string') return maskRedisUrl(connection);
  if (typeof (connection as { duplicate?: unknown }).duplicate === 'function') return 'a Redis client';
  const o = connection as { host?: unknown; port?: unknown; path?: unknown };
  if (typeof o.path === 'string') return o.path;
  return `${String(o.host ?? '127.0.0.1')}:${String(o.port ?? 6379)}`;
}

type IORedisCtor = new (...args: unknown[]) => RedisClientLike;

function loadIORedis(): IORedisCtor {
  const here = typeof __filename === 'string' ? pathToFileURL(__filename).href : import.meta.url;
  try {
    // ioredis is CommonJS; require() also honours NODE_PATH, which import() does not.
    const mod = createRequire(here)('ioredis') as IORedisCtor & { default?: IORedisCtor };
    return mod.default ?? mod;
  } catch (error) {
    throw Object.assign(
      new UnsupportedError('distributed sweeps need the ioredis package (BullMQ 6 takes the Redis client as a peer): npm install bullmq ioredis'),
      { cause: error },
    );
  }
}

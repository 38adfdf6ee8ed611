/**
 * A tamper-evident audit trail: each record is one JSON line holding a sequence number, a timestamp,
 * a kind, its data, the hash of the previous record and its own hash, SHA-256 over the previous hash
 * and the line up to the hash field. Editing, removing or reordering any record breaks the chain,
 * which {@link verifyAuditTrail} detects. (Cutting records off the end is detectable only against a
 * head hash or count kept elsewhere: pass it to the verifier.)
 *
 * A plain hash chain proves only that the file is consistent: whoever edits a record can re-hash every
 * later one. With a `key` (a secret the platform holds, never written to the trail) each hash is an
 * HMAC-SHA256, so a rewritten chain no longer verifies without the key.
 */
import { createHash, createHmac } from 'node:crypto';
import { inspect } from 'node:util';

/**
 * The `prev` of the first record.
 *
 * @example
 * ```ts
 * new AuditLog().head === GENESIS_HASH // true
 * ```
 */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * Kinds of audit record.
 *
 * @example
 * ```ts
 * lines.filter((l) => JSON.parse(l).kind === AuditKind.DECISION);
 * ```
 */
export const AuditKind = {
  DECISION: 'decision',
  TRADING_STATE: 'tradingState',
  BREAKER: 'breaker',
  KILL_SWITCH: 'killSwitch',
} as const;
export type AuditKind = (typeof AuditKind)[keyof typeof AuditKind];

/** One parsed audit record. */
export interface AuditRecord {
  readonly seq: number;
  readonly ts: number;
  readonly kind: string;
  readonly data: unknown;
  readonly prev: string;
  readonly hash: string;
}

/**
 * The secret of a keyed audit trail. It prints, logs and serializes as `[redacted]`, so a config or an
 * engine that holds it can be logged safely.
 *
 * @example
 * ```ts
 * const key = new AuditKey(process.env.RISK_AUDIT_KEY!);
 * JSON.stringify({ key }) // '{"key":"[redacted]"}'
 * ```
 */
export class AuditKey {
  readonly #bytes: Uint8Array;
  constructor(secret: string | Uint8Array) {
    this.#bytes = typeof secret === 'string' ? new TextEncoder().encode(secret) : Uint8Array.from(secret);
  }
  /** @internal the secret's bytes, for the HMAC. */
  bytes(): Uint8Array {
    return this.#bytes;
  }
  toJSON(): string {
    return '[redacted]';
  }
  toString(): string {
    return '[redacted]';
  }
  [inspect.custom](): string {
    return 'AuditKey [redacted]';
  }
}

/** Options of {@link AuditLog}. */
export interface AuditLogOptions {
  /** Receives each line as it is appended (for example a file append). */
  readonly sink?: (line: string) => void;
  /** Keep lines in memory for {@link AuditLog.lines} (default true). */
  readonly keepInMemory?: boolean;
  /** Key the chain: each hash is an HMAC-SHA256 with this secret (verify with the same key). */
  readonly key?: string | Uint8Array | AuditKey;
}

/**
 * The hash of a record: SHA-256 of the previous hash, a newline and the record's body; with a `key`,
 * HMAC-SHA256 of the same bytes.
 *
 * @example
 * ```ts
 * auditHash(GENESIS_HASH, '{"seq":0,…,"prev":"000…"') // 64 hex digits
 * ```
 */
export function auditHash(prev: string, body: string, key?: string | Uint8Array | AuditKey): string {
  const h = key === undefined ? createHash('sha256') : createHmac('sha256', key instanceof AuditKey ? key.bytes() : key);
  return h.update(prev).update('\n').update(body).digest('hex');
}

/**
 * An append-only, hash-chained log of JSON lines.
 *
 * @example
 * ```ts
 * const log = new AuditLog({ sink: (line) => appendFileSync('risk-audit.jsonl', line + '\n') });
 * log.append(clock.now(), 'decision', { command, decision });
 * verifyAuditTrail(log.lines()).valid // true
 * ```
 */
export class AuditLog {
  private readonly kept: string[] = [];
  private last = GENESIS_HASH;
  private seq = 0;
  private readonly sink: ((line: string) => void) | undefined;
  private readonly keep: boolean;
  private readonly key: AuditKey | undefined;

  constructor(options: AuditLogOptions = {}) {
    this.sink = options.sink;
    this.keep = options.keepInMemory ?? true;
    this.key = options.key === undefined ? undefined : options.key instanceof AuditKey ? options.key : new AuditKey(options.key);
  }

  /** Whether appended lines are kept in memory (`keepInMemory`); a long-running process wants a sink instead. */
  get keepsInMemory(): boolean {
    return this.keep;
  }

  /** Appends a record and returns its line. `data` is serialized with JSON.stringify (Decimals as strings). */
  append(ts: number, kind: string, data: unknown): string {
    const body = `{"seq":${this.seq},"ts":${JSON.stringify(ts)},"kind":${JSON.stringify(kind)},"data":${JSON.stringify(data) ?? 'null'},"prev":"${this.last}"`;
    const hash = auditHash(this.last, body, this.key);
    const line = `${body},"hash":"${hash}"}`;
    this.seq++;
    this.last = hash;
    if (this.keep) this.kept.push(line);
    this.sink?.(line);
    return line;
  }

  /** Lines kept in memory, oldest first. */
  lines(): readonly string[] {
    return this.kept;
  }

  /** Hash of the last record (the genesis hash when empty): anchor it elsewhere to detect truncation. */
  get head(): string {
    return this.last;
  }

  /** Number of records appended. */
  get length(): number {
    return this.seq;
  }
}

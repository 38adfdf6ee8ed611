/**
 * Fault injection shared by the fake venues. A test switches a fault on, observes what the real client
 * does, and switches it off; every fault is off by default.
 */

/** An HTTP failure served instead of the next matching requests. */
export interface HttpFault {
  /** 429 (rate limited, with Retry-After), 418, or a 5xx status. */
  readonly status: number;
  /** How many matching requests fail (default 1). */
  count: number;
  /** Seconds for the Retry-After header (429 and 418 only). */
  readonly retryAfterS: number | undefined;
  /** Only requests whose `METHOD path` matches, e.g. /^POST \/api\/v3\/order$/; all when absent. */
  readonly match: RegExp | undefined;
  /** Body to send; the venue layer fills in its documented error payload when absent. */
  readonly body: unknown;
}

/**
 * Faults a test can switch on and off. The server and the venue layer consult it on every request and
 * every outgoing WebSocket message.
 *
 * @example
 * ```ts
 * fake.faults.failHttp({ status: 429, retryAfterS: 2 });
 * await expect(exchange.fetchTime()).rejects.toThrow(ccxt.DDoSProtection);
 * ```
 */
export class Faults {
  /** WebSockets stop sending (messages and pongs) without closing while this is on. */
  silent = false;
  /** Every WebSocket message is sent twice. */
  duplicate = false;
  /** WebSocket messages are sent pairwise swapped (the second of each pair first). */
  reorder = false;
  /** Milliseconds added to the venue's clock as the server reports and checks it (timestamp errors). */
  clockOffsetMs = 0;
  private readonly http: HttpFault[] = [];
  private swallow: Array<{ count: number; match: RegExp | undefined }> = [];

  /** Fails the next `count` matching HTTP requests with `status`. */
  failHttp(f: { status: number; count?: number; retryAfterS?: number; match?: RegExp; body?: unknown }): void {
    if (!(f.status >= 400 && f.status <= 599)) throw new Error(`failHttp: status must be 4xx or 5xx, got ${f.status}`);
    this.http.push({ status: f.status, count: f.count ?? 1, retryAfterS: f.retryAfterS, match: f.match, body: f.body });
  }

  /** Takes the HTTP fault for a request, if one is armed for it. */
  takeHttp(methodAndPath: string): HttpFault | undefined {
    const i = this.http.findIndex((f) => f.match === undefined || f.match.test(methodAndPath));
    if (i < 0) return undefined;
    const f = this.http[i]!;
    f.count -= 1;
    if (f.count <= 0) this.http.splice(i, 1);
    return f;
  }

  /**
   * The next `count` order placements matching `match` (`METHOD path` or a WebSocket API method name)
   * are executed and the order goes live, but the acknowledgement is never sent: the request hangs
   * until the client times out.
   */
  swallowAcks(count = 1, match?: RegExp): void {
    this.swallow.push({ count, match });
  }

  /** Whether this placement's acknowledgement must be swallowed (consumes one). */
  takeSwallowAck(what: string): boolean {
    const s = this.swallow.find((x) => x.match === undefined || x.match.test(what));
    if (s === undefined) return false;
    s.count -= 1;
    if (s.count <= 0) this.swallow = this.swallow.filter((x) => x !== s);
    return true;
  }

  /** Switches every fault off. */
  reset(): void {
    this.silent = false;
    this.duplicate = false;
    this.reorder = false;
    this.clockOffsetMs = 0;
    this.http.length = 0;
    this.swallow = [];
  }
}

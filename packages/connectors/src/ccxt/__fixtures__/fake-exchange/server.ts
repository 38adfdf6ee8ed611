/**
 * One HTTP server with WebSocket upgrades on 127.0.0.1, port 0, for a fake venue. It applies the
 * transport faults of `Faults` (HTTP errors, hung acknowledgements, silent, duplicated and reordered
 * WebSocket messages, restarts); the venue layer supplies the routes and the messages.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Faults, HttpFault } from './faults';

/** An HTTP request as the venue layer sees it: the raw query string and body, for signature checks. */
export interface HttpRequest {
  readonly method: string;
  readonly path: string;
  /** The query string exactly as sent, without the leading `?`. */
  readonly rawQuery: string;
  readonly rawBody: string;
  readonly headers: IncomingMessage['headers'];
}

/** What the venue layer answers; `hang` keeps the request open without an answer (a lost ack). */
export type HttpReply = { readonly status: number; readonly body: unknown; readonly headers?: Record<string, string> } | { readonly hang: true };

/** A server-side WebSocket that applies the WebSocket faults to everything sent through it. */
export class FakeSocket {
  private held: string | undefined;
  private heldTimer: NodeJS.Timeout | undefined;
  /** Anything the venue layer wants to remember per connection (subscriptions, sessions). */
  readonly state = new Map<string, unknown>();

  constructor(
    readonly ws: WebSocket,
    readonly path: string,
    readonly query: URLSearchParams,
    private readonly faults: Faults,
  ) {
    ws.on('ping', (data) => {
      if (!this.faults.silent) ws.pong(data);
    });
  }

  get open(): boolean {
    return this.ws.readyState === this.ws.OPEN;
  }

  /** Sends a JSON message, subject to the silent, duplicate and reorder faults. */
  send(message: unknown): void {
    if (!this.open || this.faults.silent) return;
    const text = typeof message === 'string' ? message : JSON.stringify(message);
    const copies = this.faults.duplicate ? 2 : 1;
    if (this.faults.reorder) {
      if (this.held === undefined) {
        this.held = text;
        // a lone message is not held forever
        this.heldTimer = setTimeout(() => this.flushHeld(), 200);
        return;
      }
      const first = this.held;
      this.held = undefined;
      clearTimeout(this.heldTimer);
      for (let i = 0; i < copies; i++) this.ws.send(text);
      for (let i = 0; i < copies; i++) this.ws.send(first);
      return;
    }
    this.flushHeld();
    for (let i = 0; i < copies; i++) this.ws.send(text);
  }

  private flushHeld(): void {
    clearTimeout(this.heldTimer);
    if (this.held !== undefined && this.open) this.ws.send(this.held);
    this.held = undefined;
  }

  close(code = 1000, reason = ''): void {
    clearTimeout(this.heldTimer);
    this.ws.close(code, reason);
  }
}

export interface FakeServerConfig {
  readonly faults: Faults;
  /** Body for an HTTP fault whose body the test left out (the venue's documented error payload). */
  readonly faultBody: (fault: HttpFault) => unknown;
  readonly http: (req: HttpRequest) => HttpReply | Promise<HttpReply>;
  /** Called for each accepted WebSocket; return false to refuse the path (closes with 1008). */
  readonly ws: (socket: FakeSocket) => boolean;
}

/**
 * HTTP and WebSocket server of a fake venue.
 *
 * @example
 * ```ts
 * const server = new FakeServer({ faults, faultBody: () => ({}), http: () => ({ status: 200, body: {} }), ws: () => true });
 * await server.start();
 * console.log(server.httpUrl, server.wsUrl);
 * await server.stop();
 * ```
 */
export class FakeServer {
  private server: Server | undefined;
  private wss: WebSocketServer | undefined;
  private readonly sockets = new Set<FakeSocket>();
  private readonly hung = new Set<ServerResponse>();
  private port = 0;
  /** Every HTTP request served, `METHOD path?query` (for assertions on what the client sent). */
  readonly requests: string[] = [];

  constructor(private readonly config: FakeServerConfig) {}

  get httpUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get wsUrl(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  /** Open WebSockets (optionally only those whose path starts with `prefix`). */
  openSockets(prefix = ''): FakeSocket[] {
    return [...this.sockets].filter((s) => s.open && s.path.startsWith(prefix));
  }

  async start(): Promise<void> {
    const wss = new WebSocketServer({ noServer: true, autoPong: false });
    this.wss = wss;
    const server = createServer((req, res) => void this.onHttp(req, res));
    server.on('upgrade', (req, socket, head) => {
      wss.handleUpgrade(req, socket, head, (ws) => {
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        const s = new FakeSocket(ws, url.pathname, url.searchParams, this.config.faults);
        this.sockets.add(s);
        ws.on('close', () => this.sockets.delete(s));
        ws.on('error', () => this.sockets.delete(s));
        if (!this.config.ws(s)) s.close(1008, 'unknown path');
      });
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
  }

  /** Closes every WebSocket (code 1012, service restart) as a venue restart does. */
  dropSockets(): void {
    for (const s of this.sockets) s.close(1012, 'service restart');
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.ws.terminate();
    for (const r of this.hung) r.destroy();
    this.hung.clear();
    this.wss?.close();
    const server = this.server;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async onHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const path = q < 0 ? rawUrl : rawUrl.slice(0, q);
    const rawQuery = q < 0 ? '' : rawUrl.slice(q + 1);
    const method = req.method ?? 'GET';
    this.requests.push(`${method} ${rawUrl}`);
    const fault = this.config.faults.takeHttp(`${method} ${path}`);
    if (fault !== undefined) {
      const body = fault.body ?? this.config.faultBody(fault);
      // a string body is sent as is (a load balancer's HTML error page), anything else as JSON
      const headers: Record<string, string> = { 'content-type': typeof body === 'string' ? 'text/html' : 'application/json' };
      if (fault.retryAfterS !== undefined) headers['retry-after'] = String(fault.retryAfterS);
      res.writeHead(fault.status, headers);
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
      return;
    }
    let reply: HttpReply;
    try {
      reply = await this.config.http({ method, path, rawQuery, rawBody: Buffer.concat(chunks).toString('utf8'), headers: req.headers });
    } catch (e) {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ code: -1000, msg: `An unknown error occurred while processing the request. ${(e as Error).message}` }));
      return;
    }
    if ('hang' in reply) {
      this.hung.add(res);
      res.on('close', () => this.hung.delete(res));
      return;
    }
    res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
    res.end(typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body));
  }
}

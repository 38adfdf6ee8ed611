/**
 * What both crash tests of the live node (file and PostgreSQL journal) share: the venue process they
 * run the node against, the test's own connection to it, and how a fill is compared.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as net from 'node:net';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { encode, readLines } from './wire';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../../..');
const googCsv = path.join(repoRoot, 'examples/sma-crossover/fixtures/goog.csv');

export interface Fill {
  readonly tradeId: string;
  readonly clientOrderId: string;
  readonly side: string;
  readonly quantity: { toString(): string };
  readonly price: { toString(): string };
  readonly commission: { toString(): string };
}
export interface Audit {
  readonly submits: string[];
  readonly fills: Fill[];
  readonly positions: { instrumentId: string; quantity: { toString(): string } }[];
  readonly balances: { currency: string; total: { toString(): string } }[];
  readonly open: number;
  readonly bars: number;
  readonly fillsDuringReconcile: number;
}

/** The venue process and the test's own connection to it (audits, market on and off). */
export class Venue {
  private constructor(
    private readonly socket: net.Socket,
    readonly port: number,
  ) {
    readLines(socket, (m) => {
      const { id, result, error } = m as { id: number; result: unknown; error?: string };
      const w = this.waiting.get(id)!;
      this.waiting.delete(id);
      if (error !== undefined) w.reject(new Error(error));
      else w.resolve(result);
    });
  }
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  /**
   * Starts the venue process (`venueArgs`: the Node arguments running venue-server.ts) on the GOOG bars
   * of the example, one every 4 ms; `children` collects it, for the test to kill at the end.
   */
  static async start(venueArgs: readonly string[], children: Set<ChildProcess>): Promise<Venue> {
    const child = spawn(process.execPath, venueArgs, { cwd: repoRoot, env: { ...process.env, GOOG_CSV: googCsv, BAR_MS: '4' }, stdio: ['ignore', 'pipe', 'inherit'] });
    children.add(child);
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout.setEncoding('utf8');
      child.stdout.once('data', (d: string) => (d.startsWith('PORT ') ? resolve(Number(d.slice(5))) : reject(new Error(`venue said ${d}`))));
      child.once('exit', (code) => reject(new Error(`venue exited with ${code}`)));
    });
    const socket = net.connect(port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    return new Venue(socket, port);
  }

  request<T = unknown>(op: string): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.socket.write(encode({ id, op }));
    });
  }
  audit(): Promise<Audit> {
    return this.request<Audit>('audit');
  }
}

/** A fill as both sides must agree on it: order, side, quantity, price and fee. */
export const same = (f: Fill): string => `${f.clientOrderId} ${f.side} ${f.quantity.toString()} @ ${f.price.toString()} fee ${f.commission.toString()}`;

/**
 * The same search on a live node in its own process: everything it writes on standard output (its pino
 * log lines) and standard error (what the application prints of a failed start and of the ERROR
 * state, with `console.error`, stacks, properties and causes included), and every alert body a local
 * webhook receives, holds none of the planted secrets. The child is bundled once (tooling/test-kit).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { childNodeArgs } from '../../../../../tooling/test-kit/bundle-child';
import { WebhookSink } from './__fixtures__/leak-rig';
import { Capture } from './__fixtures__/planted';

const here = path.dirname(fileURLToPath(import.meta.url));
const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'rxtrade-secrets-'));
let sink: WebhookSink;
let args: string[] = [];

beforeAll(async () => {
  [sink, args] = await Promise.all([WebhookSink.start(), childNodeArgs(path.join(here, '__fixtures__', 'leaky-child.ts'), temp)]);
}, 30_000);

afterAll(async () => {
  await sink?.close();
  fs.rmSync(temp, { recursive: true, force: true });
});

it('a node process writes no secret to standard output or error, and posts none', async () => {
  const child = spawn(process.execPath, args, {
    env: { ...process.env, SINK_PORT: String(sink.port), CLOSED_PORT: String(sink.closedPort), JOURNAL_DIR: path.join(temp, 'journal') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  expect({ code, done: stdout.includes('DONE') }, stderr).toEqual({ code: 0, done: true });
  // The paths were driven: the node failed while trading, and its second start was refused.
  expect(stderr).toMatch(/node failed: submit failed/);
  expect(stderr).toMatch(/the node did not start: .*openOrders failed/s);
  expect(stderr).toMatch(/\[cause\]/);
  expect(stdout).toMatch(/"level":"error".*submit failed/);
  const cap = new Capture();
  for (const line of stdout.split('\n')) cap.add('child stdout', line);
  for (const line of stderr.split('\n')) cap.add('child stderr', line);
  for (const body of sink.bodies) cap.add('alert body', body);
  expect(sink.bodies.length).toBeGreaterThan(0);
  const leaks = cap.leaks();
  expect(leaks.map((l) => `${l.secret} in ${l.source}: …${l.excerpt}…`).join('\n')).toBe('');
}, 30_000);

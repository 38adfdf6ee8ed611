/**
 * SIGTERM and SIGINT stop a live node gracefully in its own process: the configured `onStop` policy
 * runs, `NodeStopped` is journaled with the signal's name, and the process exits with code 0.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileJournal } from '@rxtrade/execution';
import { removeTempDirs, tempDir } from './__fixtures__/node-kit';
import { childNodeArgs } from '../../../../../tooling/test-kit/bundle-child';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../../../../..');
const source = path.join(here, '__fixtures__', 'signal-child.ts');
let child: { args: string[] };
let bundleDir = '';

/** Bundles the child once with the esbuild that tsx ships, so each start is a plain Node start; falls back to tsx. */
beforeAll(async () => {
  bundleDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rxtrade-node-bundle-'));
  child = { args: await childNodeArgs(source, bundleDir) };
}, 30_000);

afterAll(() => {
  removeTempDirs();
  fs.rmSync(bundleDir, { recursive: true, force: true });
});

function run(signal: NodeJS.Signals, onStop: 'cancel' | 'leave', dir: string): Promise<{ code: number | null; lines: string[]; stderr: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, child.args, { cwd: repoRoot, env: { ...process.env, JOURNAL_DIR: dir, ON_STOP: onStop }, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: string[] = [];
    let buffer = '';
    let stderr = '';
    const guard = setTimeout(() => proc.kill('SIGKILL'), 15_000);
    proc.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      let i;
      while ((i = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 1);
        lines.push(line);
        if (line === 'READY') proc.kill(signal);
      }
    });
    proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    proc.on('error', reject);
    proc.on('exit', (code) => {
      clearTimeout(guard);
      resolve({ code, lines, stderr });
    });
  });
}

async function journalTail(dir: string): Promise<{ commands: string[]; last: string }> {
  const journal = await FileJournal.open({ dir, readOnly: true });
  const commands: string[] = [];
  let last = '';
  for await (const r of journal.replay()) {
    if (r.kind === 'command') commands.push(r.payload.type);
    if (r.kind === 'marker') last = r.payload.type === 'NodeStopped' ? `NodeStopped ${r.payload.reason}` : r.payload.type;
  }
  await journal.close();
  return { commands, last };
}

describe('signals', () => {
  it("SIGTERM stops gracefully with onStop 'cancel': the working order is cancelled, exit code 0", async () => {
    const dir = tempDir();
    const { code, lines, stderr } = await run('SIGTERM', 'cancel', dir);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(lines).toEqual(['READY', JSON.stringify({ state: 'STOPPED', reason: 'SIGTERM', open: 0 })]);
    expect(await journalTail(dir)).toEqual({ commands: ['SubmitOrder', 'CancelOrder'], last: 'NodeStopped SIGTERM' });
  }, 20_000);

  it("SIGINT stops gracefully with onStop 'leave': the order keeps working at the venue, exit code 0", async () => {
    const dir = tempDir();
    const { code, lines } = await run('SIGINT', 'leave', dir);
    expect(code).toBe(0);
    expect(lines).toEqual(['READY', JSON.stringify({ state: 'STOPPED', reason: 'SIGINT', open: 1 })]);
    expect(await journalTail(dir)).toEqual({ commands: ['SubmitOrder'], last: 'NodeStopped SIGINT' });
  }, 20_000);
});

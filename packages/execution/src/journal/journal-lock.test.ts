import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it, afterAll } from 'vitest';
import { nodeArgsFor, tempDir, removeTempDirs } from './__fixtures__/journal-test-kit';

const contenderSource = path.join(path.dirname(fileURLToPath(import.meta.url)), '__fixtures__', 'lock-child.ts');
let contender: { args: string[]; cwd: string };
beforeAll(async () => {
  contender = await nodeArgsFor(contenderSource);
});

function deadPid(): number {
  return Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
}

/** Starts `n` contenders that all try at `startAt`; resolves with each one's answer, then kills them. */
async function race(dir: string, n: number, startAt: number): Promise<string[]> {
  const children = Array.from({ length: n }, () =>
    spawn(process.execPath, contender.args, { cwd: contender.cwd, env: { ...process.env, LOCK_DIR: dir, LOCK_START_AT: String(startAt) }, stdio: ['ignore', 'pipe', 'inherit'] }),
  );
  try {
    return await Promise.all(
      children.map(
        (c) =>
          new Promise<string>((resolve, reject) => {
            let out = '';
            c.stdout.on('data', (d: Buffer) => {
              out += d.toString();
              if (out.includes('\n')) resolve(out.trim());
            });
            c.on('exit', (code) => reject(new Error(`contender exited with ${code} before answering`)));
          }),
      ),
    );
  } finally {
    await Promise.all(children.map((c) => new Promise((r) => (c.once('close', r), c.kill('SIGKILL')))));
  }
}

afterAll(removeTempDirs);

describe('journal lock across processes', () => {
  it('lets exactly one of several processes take over a stale lock at the same moment', async () => {
    for (let round = 0; round < 5; round++) {
      const dir = tempDir('race');
      const stale = deadPid();
      fs.writeFileSync(path.join(dir, 'journal.lock'), JSON.stringify({ pid: stale, hostname: os.hostname(), acquiredAt: 'then' }));
      const answers = await race(dir, 6, Date.now() + 700);
      const winners = answers.filter((a) => a === 'GOT');
      expect(answers.filter((a) => a.startsWith('ERROR'))).toEqual([]);
      expect(winners, answers.join(', ')).toHaveLength(1);
      // The losers name the winner, never the dead process.
      const owner = (JSON.parse(fs.readFileSync(path.join(dir, 'journal.lock'), 'utf8')) as { pid: number }).pid;
      expect(owner).not.toBe(stale);
      for (const a of answers.filter((x) => x !== 'GOT')) expect(a).toBe(`LOCKED ${owner}`);
      expect(fs.readdirSync(dir).sort()).toEqual(['journal.lock']); // no claim or staging file left behind
    }
  }, 60_000);

  it('recovers from takeovers cut short by their takers’ ends, nested too: one process gets the lock and nothing is left behind', async () => {
    for (let round = 0; round < 3; round++) {
      const dir = tempDir('interrupted');
      const owner = (pid: number, token: string) => JSON.stringify({ pid, hostname: os.hostname(), acquiredAt: 'then', token });
      const taker = deadPid();
      fs.writeFileSync(path.join(dir, 'journal.lock'), owner(deadPid(), 'a1'));
      // A taker died holding the takeover mutex; another died while removing that taker's mutex.
      fs.writeFileSync(path.join(dir, 'journal.lock.takeover'), owner(taker, 'b2'));
      if (round > 0) fs.writeFileSync(path.join(dir, `journal.lock.takeover.${taker}-b2`), owner(deadPid(), 'c3'));
      const answers = await race(dir, round === 0 ? 1 : 5, Date.now() + 500);
      expect(answers.filter((a) => a === 'GOT'), answers.join(', ')).toHaveLength(1);
      const winner = (JSON.parse(fs.readFileSync(path.join(dir, 'journal.lock'), 'utf8')) as { pid: number }).pid;
      for (const a of answers.filter((x) => x !== 'GOT')) expect(a).toBe(`LOCKED ${winner}`);
      expect(fs.readdirSync(dir).sort()).toEqual(['journal.lock']);
    }
  }, 60_000);

  it('refuses, naming the file, a takeover mutex it cannot read (a folder)', async () => {
    const dir = tempDir('unreadable');
    fs.writeFileSync(path.join(dir, 'journal.lock'), JSON.stringify({ pid: deadPid(), hostname: os.hostname(), acquiredAt: 'then' }));
    fs.mkdirSync(path.join(dir, 'journal.lock.takeover'));
    const [answer] = await race(dir, 1, Date.now());
    expect(answer).toMatch(/^ERROR .*takeover mutex .*journal\.lock\.takeover is unreadable; if no node uses this journal, delete it/);
    expect(fs.readdirSync(dir).sort()).toEqual(['journal.lock', 'journal.lock.takeover']);
  });
});

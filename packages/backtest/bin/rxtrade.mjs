#!/usr/bin/env node
// The `rxtrade` command. It runs the built CLI (dist/cli.js). A workspace checkout that has not been
// built yet runs the TypeScript source through tsx instead, with the @rxtrade/source condition so that
// the other @rxtrade packages load from their source too. With neither, it says how to build.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const built = new URL('../dist/cli.js', import.meta.url);
const source = new URL('../src/cli.ts', import.meta.url);

if (existsSync(fileURLToPath(built))) {
  await import(built.href);
} else {
  let tsx;
  try {
    tsx = import.meta.resolve('tsx');
  } catch {
    tsx = undefined;
  }
  if (tsx === undefined || !existsSync(fileURLToPath(source))) {
    process.stderr.write('rxtrade: build @rxtrade/backtest first: pnpm --filter @rxtrade/backtest build\n');
    process.exit(2);
  }
  const child = spawn(
    process.execPath,
    ['--conditions=@rxtrade/source', '--import', tsx, fileURLToPath(source), ...process.argv.slice(2)],
    { stdio: 'inherit' },
  );
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => {
    if (signal === null) process.exit(code ?? 1);
    // End the way the child ended, so that a caller sees the signal.
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
  });
}

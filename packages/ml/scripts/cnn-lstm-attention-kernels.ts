/**
 * Compiles the CNN+LSTM's WebAssembly kernels (packages/ml/src/cnn-lstm/attention-kernels.wat,
 * lstm-kernels.wat, adam-kernels.wat) with wabt's wat2wasm and writes each module, base64, into its
 * `-wasm.ts` file. Run it after editing a .wat:
 *
 *   npx tsx packages/ml/scripts/cnn-lstm-attention-kernels.ts
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const WABT = 'wabt@1.0.39';
const dir = resolve(dirname(fileURLToPath(import.meta.url)), '../src/cnn-lstm');
const tmp = mkdtempSync(join(tmpdir(), 'cnn-lstm-kernels-'));
try {
  for (const name of ['attention-kernels', 'lstm-kernels', 'adam-kernels']) {
    const wasm = join(tmp, `${name}.wasm`);
    execFileSync('npx', ['-y', '-p', WABT, 'wat2wasm', join(dir, `${name}.wat`), '-o', wasm], { stdio: 'inherit' });
    const base64 = readFileSync(wasm).toString('base64');
    const lines = base64.match(/.{1,100}/g)!.map((l) => `  '${l}'`);
    const constant = `${name.replace('-', '_').toUpperCase()}_WASM`;
    writeFileSync(
      join(dir, `${name}-wasm.ts`),
      `/** ${name}.wat compiled by ${WABT}'s wat2wasm, base64 (packages/ml/scripts/cnn-lstm-attention-kernels.ts writes this file). */\nexport const ${constant} =\n${lines.join(' +\n')};\n`,
    );
    console.log(`${name}-wasm.ts: ${readFileSync(wasm).byteLength} bytes of WebAssembly`);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

/**
 * Compiles the attention kernels (packages/ml/src/cnn-lstm/attention-kernels.wat) with wabt's wat2wasm
 * and writes the module, base64, into attention-kernels-wasm.ts. Run it after editing the .wat:
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
const tmp = mkdtempSync(join(tmpdir(), 'attention-kernels-'));
try {
  const wasm = join(tmp, 'attention-kernels.wasm');
  execFileSync('npx', ['-y', '-p', WABT, 'wat2wasm', join(dir, 'attention-kernels.wat'), '-o', wasm], { stdio: 'inherit' });
  const base64 = readFileSync(wasm).toString('base64');
  const lines = base64.match(/.{1,100}/g)!.map((l) => `  '${l}'`);
  writeFileSync(
    join(dir, 'attention-kernels-wasm.ts'),
    `/** attention-kernels.wat compiled by ${WABT}'s wat2wasm, base64 (packages/ml/scripts/cnn-lstm-attention-kernels.ts writes this file). */\nexport const ATTENTION_KERNELS_WASM =\n${lines.join(' +\n')};\n`,
  );
  console.log(`attention-kernels-wasm.ts: ${readFileSync(wasm).byteLength} bytes of WebAssembly`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

/**
 * Test helper: a test file that changes TensorFlow.js' backend (one per process) puts back the one it
 * found when it ends, so that test files sharing a worker do not see each other's backend.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll } from 'vitest';

/** Registers the save (and, with `backend`, the switch) before the file's tests and the restore after them. */
export function keepTfjsBackend(backend?: 'cpu' | 'wasm'): void {
  let previous = 'cpu';
  beforeAll(async () => {
    await tf.ready();
    previous = tf.getBackend();
    if (backend !== undefined) await tf.setBackend(backend);
  });
  afterAll(async () => {
    await tf.setBackend(previous);
  });
}

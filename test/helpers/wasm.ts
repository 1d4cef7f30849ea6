import { afterAll, beforeAll } from 'vitest';
import { THRESHOLDS } from '../../src/backend/wasm/backend.js';
import { getRuntime } from '../../src/backend/wasm/runtime.js';

/**
 * Parity tests call the wasm kernels on tiny sizes too: this drops the size thresholds below
 * which the backend would hand the call to the reference kernels (restored afterwards), and
 * waits for the pool's workers so the parallel paths run.
 */
export function forceWasmKernels(): void {
  const saved = { ...THRESHOLDS };
  beforeAll(async () => {
    for (const key of Object.keys(THRESHOLDS) as (keyof typeof THRESHOLDS)[]) THRESHOLDS[key] = 0;
    await getRuntime().whenReady();
  });
  afterAll(() => {
    Object.assign(THRESHOLDS, saved);
  });
}

// The fast backends the parity suites run over, each compared with the reference backend (the
// spec): wasm with its size thresholds lowered to 0, and native once per micro-kernel family this
// CPU runs (AVX-512, AVX2, portable) with no JavaScript shortcut for small arrays. A backend that
// does not load here is skipped with the reason in the suite's title.
import { describe, it } from 'vitest';
import type { Backend } from '../../../src/backend/backend.js';
import { refBackend } from '../../../src/backend/ref/backend.js';
import type { KernelName } from '../../../src/backend/route.js';
import { wasmBackend } from '../../../src/backend/wasm/backend.js';
import { getRuntime } from '../../../src/backend/wasm/runtime.js';
import { forceWasmKernels } from '../../helpers/wasm.js';
import { NATIVE_UNAVAILABLE, describeNative, nativeForTests } from '../native-helpers.js';

/**
 * One parity case: runs its kernels on `be` and on the reference backend and compares them
 * (`expectClose` with the case's own tolerance). `kernels` names what it checks: a backend
 * whose kernels for all of them are the reference's own (wasm leaves copies, indexing, layer
 * norm… to the reference) skips the case, which could not fail there.
 */
export interface ParityCase {
  readonly name: string;
  readonly kernels: readonly KernelName[];
  readonly run: (be: Backend) => void;
}

function wasmUnavailable(): string | null {
  try {
    getRuntime(); // compiles the module and starts the pool, or throws saying why it cannot
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

const WASM_UNAVAILABLE = wasmUnavailable();
if (WASM_UNAVAILABLE) console.warn(`wasm parity tests skipped: ${WASM_UNAVAILABLE}`);

/** Whether `be` runs any of these kernels itself rather than handing them to the reference. */
function runsAny(be: Backend, kernels: readonly KernelName[]): boolean {
  return kernels.some((k) => be[k] !== refBackend[k]);
}

/** One `it` per case the backend runs (every case where it is unavailable: the block is skipped). */
function register(be: Backend, cases: readonly ParityCase[], loaded: boolean): void {
  for (const c of cases) if (!loaded || runsAny(be, c.kernels)) it(c.name, () => c.run(be));
}

/** `describe` the cases once per fast backend (and native kernel family) against the reference. */
export function describeParity(title: string, cases: readonly ParityCase[]): void {
  const names = new Set<string>();
  for (const c of cases) {
    if (names.has(c.name)) throw new Error(`${title}: two parity cases are named "${c.name}"`);
    names.add(c.name);
  }
  if (WASM_UNAVAILABLE) {
    describe.skip(`${title} [wasm] (wasm backend unavailable: ${WASM_UNAVAILABLE})`, () => register(wasmBackend, cases, false));
  } else {
    describe(`${title} [wasm]`, () => {
      forceWasmKernels();
      register(wasmBackend, cases, true);
    });
  }
  // describeNative adds " [native <family>]", or skips saying why the addon is unavailable.
  const native = nativeForTests();
  describeNative(title, () => register(native, cases, !NATIVE_UNAVAILABLE));
}

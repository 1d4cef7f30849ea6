import type { Backend, BackendName } from './backend.js';
import { loadNativeBackend, preferNativeThreads } from './native/index.js';
import { refBackend } from './ref/backend.js';
import { wasmBackend } from './wasm/backend.js';
import { envThreads, getRuntime, initWasm, setWasmThreads } from './wasm/runtime.js';
import { GlimpseError } from '../util/errors.js';

const BACKEND_NAMES: readonly BackendName[] = ['js', 'wasm', 'native'];

/** How each backend is brought up; a loader throws a GlimpseError saying why it is unavailable. */
const loaders: Record<BackendName, () => Backend> = {
  js: () => refBackend,
  wasm: () => {
    getRuntime(); // compiles the module and starts the pool, or throws saying why it cannot
    return wasmBackend;
  },
  native: loadNativeBackend,
};

let current: Backend | null = null;
/** Set once setBackend() chose: initBackend() then keeps that choice. */
let chosen = false;

function envChoice(): string | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  return env?.GLIMPSE_BACKEND;
}

/**
 * The backend every float32 kernel runs on. Chosen on first use: `GLIMPSE_BACKEND` if set
 * (`js`, `wasm` or `native`), else the fastest that loads.
 */
export function getBackend(): Backend {
  if (current) return current;
  envThreads(); // a malformed GLIMPSE_THREADS is an error, not a silent fall back to js
  const wanted = envChoice();
  if (wanted) {
    current = setBackend(wanted);
    return current;
  }
  const skipped: string[] = [];
  for (const name of ['native', 'wasm'] as const) {
    try {
      current = loaders[name]();
      break;
    } catch (e) {
      skipped.push((e as Error).message.replace(/^backend "(\w+)" is not available: /, '$1: '));
    }
  }
  current ??= refBackend;
  // One line, once, when Node could not use the native backend (in browsers it never can).
  if (current.name !== 'native' && isNode()) {
    console.warn(`glimpse: using the ${current.name} backend (${skipped.join('; ')})`);
  }
  return current;
}

function isNode(): boolean {
  return Boolean((globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node);
}

/**
 * Selects the backend by name and returns it; throws a GlimpseError naming the choices when
 * the name is unknown, and saying why when that backend cannot load.
 *
 * @example
 * setBackend('js'); // the plain TypeScript reference kernels
 */
export function setBackend(name: string): Backend {
  if (!(BACKEND_NAMES as readonly string[]).includes(name)) {
    throw new GlimpseError(`unknown backend "${name}": expected one of ${BACKEND_NAMES.join(', ')}`);
  }
  current = loaders[name as BackendName]();
  chosen = true;
  return current;
}

/**
 * The kernels for data of this type — the one place that decides it: float64 (gradient checks,
 * reference computations) always runs on the TypeScript reference backend, everything else on
 * the chosen backend.
 *
 * @example
 * kernelsFor(new Float64Array(4)).name; // 'js'
 */
export function kernelsFor(data: ArrayBufferView): Backend {
  return data instanceof Float64Array ? refBackend : getBackend();
}

/** Names of the backends that load on this machine. */
export function availableBackends(): BackendName[] {
  return BACKEND_NAMES.filter((n) => {
    try {
      loaders[n]();
      return true;
    } catch {
      return false;
    }
  });
}

/** The reference backend, used for float64 work whatever the current backend is. */
export { refBackend };

/**
 * Prepares the fast backends where they cannot load synchronously (browsers: fetches and
 * compiles the WebAssembly kernels) and selects the fastest, unless `setBackend` or
 * `GLIMPSE_BACKEND` chose one. In Node it is optional: the wasm backend loads on first use.
 * Resolves to the name of the backend in use.
 *
 * @example
 * await initBackend(); // in a web page, before the first tensor op
 */
export async function initBackend(): Promise<BackendName> {
  if (envChoice() !== 'js') {
    try {
      await initWasm();
    } catch {
      // wasm cannot load here: the other backends remain
    }
  }
  if (!chosen) current = null;
  return getBackend().name;
}

/**
 * Sets how many threads the wasm and native kernels use (the calling thread included); the
 * default is `GLIMPSE_THREADS` or the number of cores. One thread for wasm where
 * SharedArrayBuffer is missing.
 *
 * @example
 * setThreads(1); // keep every kernel on the calling thread
 */
export function setThreads(threads: number): void {
  setWasmThreads(threads);
  preferNativeThreads(threads);
}

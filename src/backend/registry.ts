import type { Backend, BackendName } from './backend.js';
import { loadNativeBackend } from './native/index.js';
import { refBackend } from './ref/backend.js';
import { GlimpseError } from '../util/errors.js';

const BACKEND_NAMES: readonly BackendName[] = ['js', 'wasm', 'native'];

/** How each backend is brought up; a loader throws a GlimpseError saying why it is unavailable. */
const loaders: Record<BackendName, () => Backend> = {
  js: () => refBackend,
  wasm: () => {
    throw new GlimpseError('backend "wasm" is not available in this build');
  },
  native: loadNativeBackend,
};

let current: Backend | null = null;

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
  return current;
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

import type { NativeAddon } from './addon.js';

/**
 * Finds and loads the native addon, Node only. Nothing here is imported from `node:*` at the top
 * level, so browser bundles that include the registry never pull Node built-ins in: the module
 * loader is reached through `process.getBuiltinModule` (Node ≥ 20.16) at call time.
 *
 * Throws an Error whose message says why the addon is unavailable (not Node, not built, built for
 * another platform, …); the registry turns that into its one-line fallback notice.
 */
export function loadAddon(): NativeAddon {
  const proc = (globalThis as { process?: NodeLikeProcess }).process;
  if (!proc?.versions?.node) throw new Error('not running in Node.js');
  if (typeof proc.getBuiltinModule !== 'function') {
    throw new Error(`Node ${proc.versions.node} lacks process.getBuiltinModule (needs Node ≥ 20.16)`);
  }
  const { createRequire } = proc.getBuiltinModule('node:module') as { createRequire(url: string): NodeRequireLike };
  const load = createRequire(import.meta.url); // a require bound to this module
  const explicit = proc.env?.GLIMPSE_NATIVE_ADDON;
  if (explicit) {
    try {
      return check(load(explicit), explicit);
    } catch (e) {
      throw new Error(shorten((e as Error).message ?? String(e)));
    }
  }
  let firstError: unknown = null;
  // The workspace package (linked into node_modules by npm), else the source tree's native/ folder.
  for (const spec of ['glimpse-native', '../../../native/index.cjs']) {
    try {
      return check(load(spec), spec);
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'MODULE_NOT_FOUND' && String((e as Error).message).includes(`'${spec}'`)) continue;
      firstError ??= e;
      break;
    }
  }
  if (firstError) throw new Error(shorten((firstError as Error).message ?? String(firstError)));
  throw new Error('the glimpse-native package is not installed');
}

interface NodeLikeProcess {
  versions?: { node?: string };
  env?: Record<string, string | undefined>;
  getBuiltinModule?: (name: string) => unknown;
}

type NodeRequireLike = (id: string) => unknown;

function check(mod: unknown, where: string): NativeAddon {
  const addon = mod as Partial<NativeAddon> | null;
  if (!addon || typeof addon.gemm !== 'function' || typeof addon.info !== 'function') {
    throw new Error(`${where} is not the glimpse-native addon`);
  }
  return addon as NativeAddon;
}

/** The first line of a loader error (dlopen messages can run long). */
function shorten(message: string): string {
  const line = message.split('\n')[0]!.trim();
  return line.length > 240 ? `${line.slice(0, 237)}...` : line;
}

/**
 * Finds and compiles the kernels' WebAssembly module: synchronously in Node (so the first
 * `getBackend()` can pick wasm), asynchronously in browsers (`initBackend()`). The module is
 * built from assembly/ by `npm run build:wasm` into build/, which sits at the same depth from
 * src/ (vitest, tsx) and from dist/ (the package), so one relative URL serves both; Vite sees
 * `new URL(…, import.meta.url)` and bundles the file.
 */
import { GlimpseError } from '../../util/errors.js';

/** The two builds: shared memory + atomics for the worker pool, or a plain memory (no SharedArrayBuffer). */
export type ModuleFlavor = 'threads' | 'single';

function moduleUrl(flavor: ModuleFlavor): URL {
  return flavor === 'threads'
    ? new URL('../../../build/glimpse.wasm', import.meta.url)
    : new URL('../../../build/glimpse-single.wasm', import.meta.url);
}

interface NodeFs {
  readFileSync(path: URL): Uint8Array;
}

/** Node's builtin module loader without a static `node:` import (the browser path loads this file too). */
export function nodeBuiltin<T>(name: string): T | null {
  const proc = (globalThis as { process?: { getBuiltinModule?: (n: string) => unknown } }).process;
  return (proc?.getBuiltinModule?.(name) as T | undefined) ?? null;
}

/** Whether SharedArrayBuffer can back a shared WebAssembly.Memory here (cross-origin isolation in browsers). */
export function sharedMemoryAvailable(): boolean {
  if (typeof SharedArrayBuffer === 'undefined') return false;
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated;
  return isolated !== false;
}

/** Compiles the module from disk (Node only); throws a GlimpseError saying what is missing. */
export function loadModuleSync(flavor: ModuleFlavor): WebAssembly.Module {
  const fs = nodeBuiltin<NodeFs>('node:fs');
  if (!fs) {
    throw new GlimpseError('wasm backend: cannot load synchronously here (no Node fs); call `await initBackend()` first');
  }
  const url = moduleUrl(flavor);
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(url);
  } catch {
    throw new GlimpseError(`wasm backend: ${url.pathname} is missing; run \`npm run build:wasm\` (npm install runs it)`);
  }
  return new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
}

/** Fetches and compiles the module (browsers, or Node without the sync path). */
export async function loadModuleAsync(flavor: ModuleFlavor): Promise<WebAssembly.Module> {
  const url = moduleUrl(flavor);
  if (url.protocol === 'file:') {
    if (nodeBuiltin('node:fs')) return loadModuleSync(flavor);
    // Node before 20.16 has no process.getBuiltinModule: import fs dynamically (a variable
    // specifier, so browser bundlers do not try to resolve it).
    const specifier = 'node:fs/promises';
    const fs = (await import(/* @vite-ignore */ specifier)) as { readFile(u: URL): Promise<Uint8Array> };
    return WebAssembly.compile((await fs.readFile(url)) as Uint8Array<ArrayBuffer>);
  }
  const response = await fetch(url);
  if (!response.ok) throw new GlimpseError(`wasm backend: fetching ${url.href} failed (${response.status})`);
  return WebAssembly.compile(await response.arrayBuffer());
}

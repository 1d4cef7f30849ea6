/**
 * Brings up glimpse's kernels in a page or a worker and says how they run: the wasm backend on
 * every core when the page is cross-origin isolated, on one thread otherwise.
 */
import { initBackend, wasmInfo } from 'glimpse';
import type { BackendReport } from './report.js';

export type { BackendReport };

/**
 * Loads the kernels (fetches and compiles the WebAssembly module) and waits, up to `waitMs`,
 * until the pool's workers serve jobs, so the first big kernel already runs on every thread.
 */
export async function startBackend(waitMs = 3000): Promise<BackendReport> {
  const backend = await initBackend();
  const start = performance.now();
  for (;;) {
    const info = wasmInfo();
    if (!info || info.workersReady >= info.threads - 1 || performance.now() - start > waitMs) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  const info = wasmInfo();
  return { backend, threads: info?.threads ?? 1, workers: info?.workersReady ?? 0, isolated: globalThis.crossOriginIsolated === true };
}

/** One line for the page: "wasm · 8 threads (cross-origin isolated)". */
export function describeBackend(r: BackendReport): string {
  const threads = `${r.threads} thread${r.threads === 1 ? '' : 's'}`;
  const why = r.isolated ? 'cross-origin isolated' : 'not cross-origin isolated: serve with COOP/COEP headers for threads';
  return `${r.backend} · ${threads} (${why})`;
}

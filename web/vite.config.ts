/**
 * The glimpse web page: Vite serves web/ and bundles glimpse from its sources (the `glimpse`
 * import is src/index.ts, the browser-safe public API), the WebAssembly kernels from build/
 * included. COOP/COEP headers make the page cross-origin isolated, so SharedArrayBuffer exists
 * and the kernels run on every core; without them the page still works on one thread.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const web = fileURLToPath(new URL('.', import.meta.url));
const root = fileURLToPath(new URL('..', import.meta.url));

/** The headers that make a page cross-origin isolated (SharedArrayBuffer, threads). */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
} as const;

export default defineConfig({
  root: web,
  // Relative asset URLs, so the built folder works from any path (a static host's subfolder).
  base: './',
  resolve: { alias: { glimpse: `${root}src/index.ts` } },
  server: { headers: ISOLATION_HEADERS, fs: { allow: [root] } },
  preview: { headers: ISOLATION_HEADERS },
  worker: { format: 'es' },
  build: {
    outDir: `${web}dist`,
    emptyOutDir: true,
    target: 'es2022',
    // Vega (the heatmap renderer) is one large chunk, loaded when the first picture is drawn.
    chunkSizeWarningLimit: 2500,
    rollupOptions: { input: { main: `${web}index.html`, check: `${web}check.html`, lessons: `${web}lessons.html` } },
  },
});

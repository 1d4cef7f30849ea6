/** The kernel check in a Web Worker: the wasm pool started from a worker (as training runs). */
import * as glimpse from 'glimpse';
import { startBackend } from './backend.js';
import { kernelChecks } from './kernel-check.js';
import { workerScope } from './worker-scope.js';

workerScope.addEventListener('message', () => {
  void (async () => {
    try {
      const report = await startBackend();
      const t0 = performance.now();
      const values = kernelChecks(glimpse);
      workerScope.postMessage({ report, values, ms: performance.now() - t0 });
    } catch (e) {
      workerScope.postMessage({ error: (e as Error).message });
    }
  })();
});

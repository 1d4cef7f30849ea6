/**
 * The kernel check page: runs kernel-check.ts on the wasm backend on the page (whose thread
 * may not block: the pool spins) and in a Web Worker (which blocks while it waits), and on the
 * reference backend; shows the largest differences and leaves everything on
 * `window.glimpseCheck` for the browser test.
 */
import * as glimpse from 'glimpse';
import { describeBackend, startBackend } from './backend.js';
import { $ } from './dom.js';
import { type CheckReport, compareValues, kernelChecks } from './kernel-check.js';

declare global {
  interface Window {
    glimpseCheck?: CheckReport | { error: string };
  }
}

function inWorker(): Promise<CheckReport['worker']> {
  const worker = new Worker(new URL('./check.worker.ts', import.meta.url), { type: 'module', name: 'glimpse-check' });
  return new Promise((resolve, reject) => {
    worker.addEventListener('message', (e: MessageEvent<CheckReport['worker'] | { error: string }>) => {
      worker.terminate();
      if ('error' in e.data) reject(new Error(e.data.error));
      else resolve(e.data);
    });
    worker.addEventListener('error', (e) => reject(new Error(e.message || 'the check worker failed')));
    worker.postMessage('run');
  });
}

async function main(): Promise<void> {
  const report = await startBackend();
  const t0 = performance.now();
  const values = kernelChecks(glimpse);
  const page = { report, values, ms: performance.now() - t0 };
  glimpse.setBackend('js');
  const reference = kernelChecks(glimpse);
  glimpse.setBackend(report.backend);
  const worker = await inWorker();
  const tbody = $('#check-table tbody');
  let ok = true;
  reference.forEach((ref, i) => {
    const row = document.createElement('tr');
    const th = document.createElement('th');
    th.scope = 'row';
    th.textContent = ref.name;
    row.append(th);
    for (const side of [page.values[i]!, worker.values[i]!]) {
      const c = compareValues(side.values, ref.values, ref.atol);
      ok &&= c.ok;
      const td = document.createElement('td');
      td.textContent = `${c.ok ? '✓' : '✗'} ${c.maxAbs.toExponential(1)}`;
      td.className = c.ok ? 'good' : 'bad';
      row.append(td);
    }
    tbody.append(row);
  });
  $('#check-table').hidden = false;
  $('#check-status').textContent = `${ok ? 'All kernels agree with the reference.' : 'Some kernels differ from the reference!'} Page: ${describeBackend(page.report)}, ${page.ms.toFixed(0)} ms; worker: ${describeBackend(worker.report)}, ${worker.ms.toFixed(0)} ms.`;
  window.glimpseCheck = { page, worker, reference, ok };
  document.body.dataset.state = 'done';
}

main().catch((e: unknown) => {
  $('#check-status').textContent = `The check failed: ${(e as Error).message}`;
  window.glimpseCheck = { error: (e as Error).message };
  document.body.dataset.state = 'done';
});

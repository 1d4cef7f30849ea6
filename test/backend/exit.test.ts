import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

// The pool's workers must never keep a process alive: a script that used every thread ends
// as soon as its own work is done.
const script = `
import { getRuntime } from './src/backend/wasm/runtime.ts';
import { getBackend, matmul, randn } from './src/index.ts';
const rt = getRuntime();
await rt.whenReady();
const a = randn([256, 256]);
const c = matmul(a, a);
console.log(getBackend().name, rt.threads, c.shape.join('x'));
`;

describe('a process using the wasm backend', () => {
  it('exits on its own once its work is done, workers and all', () => {
    const started = Date.now();
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8', timeout: 30_000, env: { ...process.env, GLIMPSE_BACKEND: 'wasm', GLIMPSE_THREADS: '2' },
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('wasm 2 256x256');
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('rejects a malformed GLIMPSE_THREADS instead of quietly falling back to js', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', "import { getBackend } from './src/index.ts'; getBackend();"], {
      encoding: 'utf8', timeout: 30_000, env: { ...process.env, GLIMPSE_BACKEND: '', GLIMPSE_THREADS: 'two' },
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('GLIMPSE_THREADS must be a positive integer, got "two"');
  });

  it('runs on one thread with the plain-memory module where SharedArrayBuffer is missing', () => {
    const noShared = `
      delete globalThis.SharedArrayBuffer;
      const { getRuntime } = await import('./src/backend/wasm/runtime.ts');
      const { getBackend, matmul, randn } = await import('./src/index.ts');
      const rt = getRuntime();
      const a = randn([64, 48]);
      const b = randn([48, 40]);
      const c = matmul(a, b).data;
      let err = 0;
      for (let i = 0; i < 64; i++) for (let j = 0; j < 40; j++) {
        let s = 0;
        for (let k = 0; k < 48; k++) s += a.data[i * 48 + k] * b.data[k * 40 + j];
        err = Math.max(err, Math.abs(s - c[i * 40 + j]));
      }
      console.log(getBackend().name, rt.shared, rt.threads, err < 1e-4);
    `;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', noShared], {
      encoding: 'utf8', timeout: 30_000, env: { ...process.env, GLIMPSE_BACKEND: 'wasm', GLIMPSE_THREADS: '' },
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('wasm false 1 true');
  });
});


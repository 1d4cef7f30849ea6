import { getRuntime } from './src/backend/wasm/runtime.js';
import { wasmBackend } from './src/backend/wasm/backend.js';
import { setThreads } from './src/index.js';
const rt = getRuntime(); await rt.whenReady();
function best(fn: () => void, reps = 15): number { for (let i = 0; i < 3; i++) fn(); let b = Infinity; for (let r = 0; r < reps; r++) { const t0 = performance.now(); fn(); b = Math.min(b, performance.now() - t0); } return b; }
const g = (m: number, n: number, k: number, tA = false, tB = false) => { const a = new Float32Array(m * k).fill(0.5), b = new Float32Array(k * n).fill(0.25), c = new Float32Array(m * n);
  const p = { batch: 1, m, n, k, transA: tA, transB: tB, strideA: 0, strideB: 0, strideC: 0, accumulate: false };
  const t = best(() => wasmBackend.gemm(p, a, b, c)); return `${m}x${k}x${n}: ${(2 * m * n * k / t / 1e6).toFixed(1)}`; };
for (const th of [1, 2]) { setThreads(th); await getRuntime().whenReady(); console.log(th, g(512,512,512), g(1024,1024,1024), g(32,1024,256), g(1120,1024,256)); }
process.exit(0);

import { getRuntime } from './src/backend/wasm/runtime.js';
import { wasmBackend } from './src/backend/wasm/backend.js';
import { lstmLayer, randn, zeros, setBackend } from './src/index.js';
setBackend('wasm');
const rt = getRuntime(); await rt.whenReady();
function best(fn: () => void, reps = 15): number { for (let i = 0; i < 3; i++) fn(); let b = Infinity; for (let r = 0; r < reps; r++) { const t0 = performance.now(); fn(); b = Math.min(b, performance.now() - t0); } return b; }
const g = (m: number, n: number, k: number, tA = false, tB = false) => { const a = new Float32Array(m * k).fill(0.5), b = new Float32Array(k * n).fill(0.25), c = new Float32Array(m * n);
  const p = { batch: 1, m, n, k, transA: tA, transB: tB, strideA: 0, strideB: 0, strideC: 0, accumulate: false };
  const t = best(() => wasmBackend.gemm(p, a, b, c)); console.log(`gemm ${m}x${k}x${n} tA${+tA} tB${+tB}: ${t.toFixed(3)} ms ${(2 * m * n * k / t / 1e6).toFixed(1)} GF/s`); };
g(32, 1024, 256, false, true); g(32, 256, 1024); g(1120, 1024, 256, false, true); g(1120, 256, 1024); g(1024, 256, 1120, true, false); g(512,512,512); g(1024,1024,1024);
const [T, B, I, H] = [35, 32, 256, 256];
const p = (s: number[]) => { const t = randn(s, { std: 0.06 }); t.requiresGrad = true; return t; };
const wIh = p([4 * H, I]), wHh = p([4 * H, H]), bIh = p([4 * H]), bHh = p([4 * H]); const x = p([T, B, I]); const gy = randn([T, B, H]);
const h0 = zeros([B, H]), c0 = zeros([B, H]);
console.log('lstm fwd', best(() => lstmLayer(x, wIh, wHh, bIh, bHh, h0, c0)).toFixed(2));
console.log('lstm fwd+bwd', best(() => { lstmLayer(x, wIh, wHh, bIh, bHh, h0, c0).output.backward(gy); }).toFixed(2));
process.exit(0);

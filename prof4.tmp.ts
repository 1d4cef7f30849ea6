import { getRuntime } from './src/backend/wasm/runtime.js';
import { lstmLayer, randn, zeros, setBackend, setThreads, scaledDotProductAttention } from './src/index.js';
setBackend('wasm');
function wall(fn: () => void, reps = 12): number { for (let i = 0; i < 3; i++) fn(); let b = Infinity; for (let r = 0; r < reps; r++) { const t0 = performance.now(); fn(); b = Math.min(b, performance.now() - t0); } return b; }
const [T, B, I, H] = [35, 32, 256, 256];
const p = (s: number[]) => { const t = randn(s, { std: 0.06 }); t.requiresGrad = true; return t; };
const wIh = p([4 * H, I]), wHh = p([4 * H, H]), bIh = p([4 * H]), bHh = p([4 * H]); const x = p([T, B, I]); const gy = randn([T, B, H]);
const h0 = zeros([B, H]), c0 = zeros([B, H]);
const sh = [32, 4, 128, 64]; const [q, k, v] = [randn(sh), randn(sh), randn(sh)]; for (const t of [q, k, v]) t.requiresGrad = true; const go = randn(sh);
for (const th of [1, 2, 1, 2]) {
  setThreads(th); await getRuntime().whenReady();
  console.log(th, 'load', (await import('node:os')).loadavg()[0].toFixed(1), 'lstm fwd', wall(() => lstmLayer(x, wIh, wHh, bIh, bHh, h0, c0)).toFixed(1), 'fwd+bwd', wall(() => { lstmLayer(x, wIh, wHh, bIh, bHh, h0, c0).output.backward(gy); }).toFixed(1),
   'sdpa', wall(() => scaledDotProductAttention(q, k, v, { causal: true }).output.backward(go)).toFixed(1));
}
process.exit(0);

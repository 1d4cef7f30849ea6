import { getRuntime } from './src/backend/wasm/runtime.js';
import { lstmLayer, randn, zeros, setBackend, setThreads, scaledDotProductAttention } from './src/index.js';
setBackend('wasm'); setThreads(1);
function cpu(fn: () => void, reps = 5): number { for (let i = 0; i < 2; i++) fn(); let b = Infinity; for (let r = 0; r < reps; r++) { const t0 = process.cpuUsage().user; fn(); b = Math.min(b, (process.cpuUsage().user - t0) / 1000); } return b; }
const [T, B, I, H] = [35, 32, 256, 256];
const p = (s: number[]) => { const t = randn(s, { std: 0.06 }); t.requiresGrad = true; return t; };
const wIh = p([4 * H, I]), wHh = p([4 * H, H]), bIh = p([4 * H]), bHh = p([4 * H]); const x = p([T, B, I]); const gy = randn([T, B, H]);
const h0 = zeros([B, H]), c0 = zeros([B, H]);
console.log('lstm fwd cpu ms', cpu(() => lstmLayer(x, wIh, wHh, bIh, bHh, h0, c0)).toFixed(2), 'ideal@46', (1.174e9 / 46e6).toFixed(1));
console.log('lstm fwd+bwd cpu ms', cpu(() => { lstmLayer(x, wIh, wHh, bIh, bHh, h0, c0).output.backward(gy); }).toFixed(2), 'ideal@46', (3.52e9 / 46e6).toFixed(1));
const sh = [32, 4, 128, 64]; const [q, k, v] = [randn(sh), randn(sh), randn(sh)]; for (const t of [q, k, v]) t.requiresGrad = true; const go = randn(sh);
console.log('sdpa fwd cpu ms', cpu(() => scaledDotProductAttention(q, k, v, { causal: true })).toFixed(2));
console.log('sdpa fwd+bwd cpu ms', cpu(() => scaledDotProductAttention(q, k, v, { causal: true }).output.backward(go)).toFixed(2));
process.exit(0);

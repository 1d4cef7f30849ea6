import { getRuntime } from './src/backend/wasm/runtime.js';
import { THRESHOLDS, wasmBackend } from './src/backend/wasm/backend.js';
import { refBackend } from './src/backend/ref/backend.js';
for (const k of Object.keys(THRESHOLDS) as (keyof typeof THRESHOLDS)[]) THRESHOLDS[k] = 0;
await getRuntime().whenReady();
function t(fn: () => void): number { for (let i = 0; i < 200; i++) fn(); let b = Infinity; for (let r = 0; r < 7; r++) { let n = 0; const t0 = performance.now(); do { fn(); n++; } while (performance.now() - t0 < 20); b = Math.min(b, (performance.now() - t0) / n); } return b * 1000; }
const r = (n: number) => Float32Array.from({ length: n }, () => Math.random() * 2 - 1);
const row = (name: string, f: (b: typeof refBackend) => () => void) => console.log(name.padEnd(28), 'ref', t(f(refBackend)).toFixed(2).padStart(9), 'µs  wasm', t(f(wasmBackend)).toFixed(2).padStart(9), 'µs');
for (const s of [4, 8, 16, 24, 32]) { const a = r(s * s), b = r(s * s), c = r(s * s); const p = { batch: 1, m: s, n: s, k: s, transA: false, transB: false, strideA: 0, strideB: 0, strideC: 0, accumulate: false }; row(`gemm ${s}^3 (${s ** 3} macs)`, (be) => () => be.gemm(p, a, b, c)); }
for (const n of [64, 256, 1024, 16384]) { const x = r(n), o = new Float32Array(n); row(`tanh ${n}`, (be) => () => be.unary('tanh', x, o, 0, 0)); row(`exp ${n}`, (be) => () => be.unary('exp', x, o, 0, 0)); }
for (const n of [64, 256, 1024, 16384]) { const x = r(n), o = new Float32Array(n); row(`softmax 1x${n}`, (be) => () => be.softmax(x, 1, n, o, false)); }
for (const n of [1024, 16384, 262144]) { const x = r(n), o = new Float32Array(64); row(`sumAxis ${n / 64}x64 -> 64`, (be) => () => be.sumAxis(x, 1, n / 64, 64, o, false)); }
for (const n of [1024, 65536, 1048576]) { const p = r(n), g = r(n), m = r(n), v = r(n).map(Math.abs); const hp = { beta1: 0.9, beta2: 0.999, eps: 1e-8, stepSize: 1e-3, bc2Sqrt: 0.5, weightDecay: 0, decayFactor: 1 }; row(`adam ${n}`, (be) => () => be.adam(p, g, m, v, hp)); }
process.exit(0);

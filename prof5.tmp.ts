import { getRuntime } from './src/backend/wasm/runtime.js';
const rt = getRuntime(); const ar = rt.arena; ar.reset();
const B = 32, H = 256, T = 35;
const gates = ar.allocF32(T * B * 4 * H); const cs = ar.allocF32(T * B * H); const hs = ar.allocF32(T * B * H); const out = ar.allocF32(T * B * H); const h0 = ar.zerosF32(B * H);
ar.f32.fill(0.1, gates >> 2, (gates >> 2) + T * B * 4 * H);
const run = () => { for (let t = 0; t < T; t++) rt.k.lstm_fwd_step(gates + t * B * 4 * H * 4, h0, h0, cs + t * B * H * 4, hs + t * B * H * 4, out + t * B * H * 4, 0, t, B, H); };
for (let i = 0; i < 5; i++) run();
let b = Infinity; for (let r = 0; r < 20; r++) { const t0 = process.cpuUsage().user; run(); b = Math.min(b, (process.cpuUsage().user - t0) / 1000); }
console.log('35 lstm_fwd_step cpu ms', b.toFixed(2));
const big = new Float32Array(T * B * 4 * H);
let c = Infinity; for (let r = 0; r < 20; r++) { const t0 = process.cpuUsage().user; ar.get(gates, big); c = Math.min(c, (process.cpuUsage().user - t0) / 1000); }
console.log('copy 4.5MB out cpu ms', c.toFixed(2));
let d = Infinity; for (let r = 0; r < 20; r++) { const t0 = process.cpuUsage().user; const z = new Float32Array(T * B * 4 * H); z[5] = 1; d = Math.min(d, (process.cpuUsage().user - t0) / 1000); }
console.log('alloc 4.5MB cpu ms', d.toFixed(2));
process.exit(0);

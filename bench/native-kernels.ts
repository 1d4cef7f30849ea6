/**
 * W4 kernel timings (PROTOCOL.md) for one backend, timed the way
 * ../shared/reference/w4_kernels.py times PyTorch: warm-up, calls per batch calibrated to at least
 * --min-time seconds, --repeats batches, median per call.
 *
 *   npx tsx bench/native-kernels.ts [--backend native|wasm|js] [--threads N] [--min-time 0.25]
 *                                   [--repeats 7] [--torch /tmp/w4.json]
 *
 * With --torch (the JSON written by `w4_kernels.py --json`) each line also shows PyTorch's figure
 * and the ratio (> 1 means glimpse is faster), for the median batch and for the best batch (the
 * best is the steadier figure on a machine shared with other work).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { getBackend, setBackend } from '../src/backend/registry.js';
import { nativeInfo, setNativeThreads } from '../src/backend/native/index.js';
import { randn, zeros } from '../src/core/create.js';
import type { Tensor } from '../src/core/tensor.js';
import { scaledDotProductAttention } from '../src/ops/attention.js';
import { lstmLayer } from '../src/ops/rnn.js';
import { Rng } from '../src/util/rng.js';

const { values } = parseArgs({
  options: {
    backend: { type: 'string', default: 'native' },
    threads: { type: 'string' },
    'min-time': { type: 'string', default: '0.25' },
    repeats: { type: 'string', default: '7' },
    torch: { type: 'string' },
  },
});
setBackend(values.backend!);
if (values.threads && values.backend === 'native') setNativeThreads(Number(values.threads));
const minTime = Number(values['min-time']);
const repeats = Number(values.repeats);

interface TorchReport {
  gemm: { M: number; K: number; N: number; gflops: number; gflops_best: number }[];
  lstm_layer: { ms: number; best_s: number; forward_only_ms: number };
  attention: { ms: number; best_s: number; forward_only_ms: number };
}
const torch: TorchReport | null = values.torch ? (JSON.parse(readFileSync(values.torch, 'utf8')) as TorchReport) : null;

/** Seconds per call: the median and the best of `repeats` timed batches. */
function bench(fn: () => void): { median: number; best: number } {
  for (let i = 0; i < 3; i++) fn();
  let n = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) fn();
    if ((performance.now() - t0) / 1e3 >= minTime) break;
    n *= 2;
  }
  const per: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) fn();
    per.push((performance.now() - t0) / 1e3 / n);
  }
  per.sort((a, b) => a - b);
  return { median: per[Math.floor(per.length / 2)]!, best: per[0]! };
}

type Figure = { median: number; best: number };

function fmt(v: number, unit: string): string {
  return v.toFixed(unit === 'ms' ? 3 : 1).padStart(8);
}

/** One result line: glimpse median (best), PyTorch median (best), ratios (> 1: glimpse faster). */
function line(name: string, ours: Figure, unit: string, theirs: Figure | undefined, higherIsBetter: boolean): void {
  const head = `${name.padEnd(38)} ${fmt(ours.median, unit)} (best ${fmt(ours.best, unit)}) ${unit}`;
  if (!theirs) {
    console.log(head);
    return;
  }
  const ratio = (a: number, b: number): string => (higherIsBetter ? a / b : b / a).toFixed(2);
  // (w4_kernels.py gives only a median for the forward-only figures)
  const theirBest = Number.isNaN(theirs.best) ? '     n/a' : fmt(theirs.best, unit);
  const bestRatio = Number.isNaN(theirs.best) ? 'n/a' : `${ratio(ours.best, theirs.best)}×`;
  console.log(`${head} | pytorch ${fmt(theirs.median, unit)} (best ${theirBest}) | ratio ${ratio(ours.median, theirs.median)}× (best ${bestRatio})`);
}

const gflops = (m: number, n: number, k: number, s: Figure): Figure => ({ median: (2 * m * n * k) / s.median / 1e9, best: (2 * m * n * k) / s.best / 1e9 });
const ms = (s: Figure): Figure => ({ median: s.median * 1e3, best: s.best * 1e3 });

const rng = new Rng(0);
const backend = getBackend();
const where = backend.name === 'native' ? ` (${JSON.stringify(nativeInfo())})` : '';
console.log(`W4 kernels on the ${backend.name} backend${where}`);

const shapes: [number, number, number][] = [[64, 64, 64], [256, 256, 256], [512, 512, 512], [1024, 1024, 1024], [32, 256, 1024], [1120, 256, 1024], [1120, 256, 10000]];
for (const [M, K, N] of shapes) {
  const a = randn([M, K], { rng }).data as Float32Array;
  const b = randn([K, N], { rng }).data as Float32Array;
  const c = new Float32Array(M * N);
  const p = { batch: 1, m: M, n: N, k: K, transA: false, transB: false, strideA: 0, strideB: 0, strideC: 0, accumulate: false };
  const s = bench(() => backend.gemm(p, a, b, c));
  const t = torch?.gemm.find((g) => g.M === M && g.K === K && g.N === N);
  line(`GEMM [${M}x${K}].[${K}x${N}]`, gflops(M, N, K, s), 'GFLOP/s', t && { median: t.gflops, best: t.gflops_best }, true);
}

{
  const T = 35, B = 32, I = 256, H = 256;
  const w = (shape: number[]): Tensor => {
    const t = randn(shape, { rng, std: 1 / 16 });
    t.requiresGrad = true;
    return t;
  };
  const x = w([T, B, I]);
  const [wIh, wHh, bIh, bHh] = [w([4 * H, I]), w([4 * H, H]), w([4 * H]), w([4 * H])];
  const h0 = zeros([B, H]);
  const c0 = zeros([B, H]);
  const g = randn([T, B, H], { rng });
  const params = [x, wIh, wHh, bIh, bHh];
  const fb = bench(() => {
    for (const t of params) t.grad = null;
    const { output } = lstmLayer(x, wIh, wHh, bIh, bHh, h0, c0);
    output.backward(g);
  });
  const tl = torch?.lstm_layer;
  line('LSTM layer fwd+bwd (B32 T35 256)', ms(fb), 'ms', tl && { median: tl.ms, best: tl.best_s * 1e3 }, false);
  const f = bench(() => lstmLayer(x.detach(), wIh.detach(), wHh.detach(), bIh.detach(), bHh.detach(), h0, c0));
  line('LSTM layer forward only', ms(f), 'ms', tl && { median: tl.forward_only_ms, best: NaN }, false);
}

{
  const shape = [32, 4, 128, 64];
  const mk = (): Tensor => {
    const t = randn(shape, { rng });
    t.requiresGrad = true;
    return t;
  };
  const [q, k, v] = [mk(), mk(), mk()];
  const go = randn(shape, { rng });
  const fb = bench(() => {
    q.grad = k.grad = v.grad = null;
    scaledDotProductAttention(q, k, v, { causal: true }).output.backward(go);
  });
  const ta = torch?.attention;
  line('SDPA causal fwd+bwd (B32 h4 T128 d64)', ms(fb), 'ms', ta && { median: ta.ms, best: ta.best_s * 1e3 }, false);
  const f = bench(() => scaledDotProductAttention(q.detach(), k.detach(), v.detach(), { causal: true }));
  line('SDPA forward only', ms(f), 'ms', ta && { median: ta.forward_only_ms, best: NaN }, false);
}

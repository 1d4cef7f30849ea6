/**
 * W4 of ../shared/bench/PROTOCOL.md: GEMM GFLOP/s on seven shapes (the backend's gemm kernel
 * into a preallocated C, as torch.mm(out=c)), one LSTM layer forward+backward and causal
 * attention forward+backward (through the ops and autodiff, as the reference does with
 * nn.LSTM and autograd). Then ../shared/reference/w4_kernels.py in the same run.
 */
import type { GemmParams } from '../../src/backend/backend.js';
import type { Backend } from '../../src/backend/backend.js';
import { refBackend } from '../../src/backend/ref/backend.js';
import { getBackend, lstmLayer, nativeFmaPeak, randn, scaledDotProductAttention, zeros } from '../../src/index.js';
import { type Figure, progress } from '../lib/report.js';
import { runReference, torchVersion } from '../lib/pytorch.js';
import { time } from '../lib/timing.js';
import type { Workload, WorkloadContext } from './types.js';

/** [M, K, N] in the protocol's order (ids w4.gemm.64 … w4.gemm.1120x256x10000). */
const GEMMS: readonly (readonly [number, number, number])[] = [
  [64, 64, 64], [256, 256, 256], [512, 512, 512], [1024, 1024, 1024], [32, 256, 1024], [1120, 256, 1024], [1120, 256, 10000],
];

const gemmId = ([m, k, n]: readonly [number, number, number]): string => (m === k && k === n ? `w4.gemm.${m}` : `w4.gemm.${m}x${k}x${n}`);

function randomArray(n: number): Float32Array {
  return randn([n]).data as Float32Array;
}

function glimpseGemm(ctx: WorkloadContext, shape: readonly [number, number, number], backend: Backend = getBackend()): number {
  const [m, k, n] = shape;
  const a = randomArray(m * k);
  const b = randomArray(k * n);
  const c = new Float32Array(m * n);
  const p: GemmParams = { batch: 1, m, n, k, transA: false, transB: false, strideA: 0, strideB: 0, strideC: 0, accumulate: false };
  const t = time(() => backend.gemm(p, a, b, c), ctx.timing);
  return (2 * m * n * k) / t.medianS / 1e9;
}

function glimpseLstm(ctx: WorkloadContext): number {
  const [T, B, I, H] = [35, 32, 256, 256];
  const k = 1 / Math.sqrt(H);
  const param = (shape: number[]): ReturnType<typeof randn> => {
    const t = randn(shape, { std: k });
    t.requiresGrad = true;
    return t;
  };
  const wIh = param([4 * H, I]);
  const wHh = param([4 * H, H]);
  const bIh = param([4 * H]);
  const bHh = param([4 * H]);
  const x = randn([T, B, I]);
  x.requiresGrad = true;
  const g = randn([T, B, H]);
  const h0 = zeros([B, H]);
  const c0 = zeros([B, H]);
  const step = (): void => {
    for (const p of [wIh, wHh, bIh, bHh, x]) p.grad = null;
    lstmLayer(x, wIh, wHh, bIh, bHh, h0, c0).output.backward(g);
  };
  return time(step, ctx.timing).medianS * 1e3;
}

function glimpseSdpa(ctx: WorkloadContext): number {
  const shape = [32, 4, 128, 64];
  const [q, k, v] = [randn(shape), randn(shape), randn(shape)];
  for (const t of [q, k, v]) t.requiresGrad = true;
  const go = randn(shape);
  const step = (): void => {
    for (const t of [q, k, v]) t.grad = null;
    scaledDotProductAttention(q, k, v, { causal: true }).output.backward(go);
  };
  return time(step, ctx.timing).medianS * 1e3;
}

interface W4Reference {
  gemm: { M: number; K: number; N: number; gflops: number }[];
  lstm_layer: { ms: number };
  attention: { ms: number };
}

export const kernels: Workload = {
  description: 'W4: GEMM GFLOP/s, LSTM layer fwd+bwd ms, causal attention fwd+bwd ms (vs PyTorch)',
  async run(ctx) {
    const mine = new Map<string, number>();
    for (const shape of GEMMS) {
      progress(`glimpse ${gemmId(shape)} …`);
      mine.set(gemmId(shape), glimpseGemm(ctx, shape));
      progress(`glimpse ${gemmId(shape)}: ${mine.get(gemmId(shape))!.toFixed(1)} GFLOP/s`);
    }
    progress('glimpse w4.lstm_layer.fwd_bwd …');
    mine.set('w4.lstm_layer.fwd_bwd', glimpseLstm(ctx));
    progress(`glimpse w4.lstm_layer.fwd_bwd: ${mine.get('w4.lstm_layer.fwd_bwd')!.toFixed(2)} ms`);
    progress('glimpse w4.sdpa.fwd_bwd …');
    mine.set('w4.sdpa.fwd_bwd', glimpseSdpa(ctx));
    progress(`glimpse w4.sdpa.fwd_bwd: ${mine.get('w4.sdpa.fwd_bwd')!.toFixed(2)} ms`);

    // The bar "GEMM 512³ ≥ 30× the TypeScript reference backend": the reference on the same shape.
    let jsGemm512: number | null = null;
    if (getBackend().name !== 'js') {
      progress('js backend w4.gemm.512 (for the wasm ÷ js ratio) …');
      jsGemm512 = glimpseGemm({ ...ctx, timing: { ...ctx.timing, repeats: 3, warmup: 1 } }, [512, 512, 512], refBackend);
      progress(`js backend w4.gemm.512: ${jsGemm512.toFixed(2)} GFLOP/s → ${(mine.get('w4.gemm.512')! / jsGemm512).toFixed(1)}× slower than ${getBackend().name}`);
    }

    const torch = torchVersion();
    let ref: W4Reference | null = null;
    if (torch) {
      progress(`PyTorch ${torch}: running w4_kernels.py …`);
      const args = ctx.quick ? ['--min-time', '0.05', '--repeats', '2', '--max-steps', '4'] : [];
      ref = (await runReference('w4_kernels.py', args)) as W4Reference | null;
    }
    const theirs = new Map<string, number>();
    if (ref) {
      for (const g of ref.gemm) theirs.set(gemmId([g.M, g.K, g.N]), g.gflops);
      theirs.set('w4.lstm_layer.fwd_bwd', ref.lstm_layer.ms);
      theirs.set('w4.sdpa.fwd_bwd', ref.attention.ms);
    }
    const figures: Figure[] = [...mine].map(([id, value]) => ({
      id,
      unit: id.startsWith('w4.gemm') ? 'GFLOP/s' : 'ms',
      glimpse: value,
      pytorch: theirs.get(id) ?? null,
      better: id.startsWith('w4.gemm') ? 'higher' : 'lower',
    }));
    // The cores' FMA peak (native only: a probe in the addon), and each GEMM as a share of it on
    // both sides — a ratio to PyTorch alone says nothing about how much of the machine either uses.
    const peak = getBackend().name === 'native' ? nativeFmaPeak() : null;
    if (peak !== null) {
      progress(`FMA peak (${peak.toFixed(1)} GFLOP/s on the backend's threads)`);
      figures.push({ id: 'w4.fma_peak', unit: 'GFLOP/s', glimpse: peak, pytorch: null, better: null });
      for (const shape of GEMMS) {
        const id = gemmId(shape);
        const theirsShare = theirs.get(id);
        figures.push({ id: `${id}.of_peak`, unit: '%', glimpse: (100 * mine.get(id)!) / peak, pytorch: theirsShare === undefined ? null : (100 * theirsShare) / peak, better: null });
      }
    }
    if (jsGemm512 !== null) {
      // Not a protocol figure: the same GEMM on the reference backend, for the speed-up over it.
      figures.push({ id: 'w4.gemm.512.js_backend', unit: 'GFLOP/s', glimpse: jsGemm512, pytorch: null, better: null });
    }
    return { figures, versions: torch ? { torch } : {} };
  },
};

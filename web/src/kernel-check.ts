/**
 * A few kernel-level computations on seeded inputs: large enough that the wasm backend splits
 * them across threads, small enough to run in a blink. The check page runs them in the browser;
 * the browser test runs the same function in Node and compares. It takes glimpse as an argument
 * so one file serves both (the page's bundle and Node's sources).
 */
import type * as Glimpse from '../../src/index.js';
import type { BackendReport } from './report.js';

type G = typeof Glimpse;

/** One computed result: its name, shape and values (row-major). */
export interface CheckValue {
  name: string;
  shape: number[];
  values: number[];
  /** Absolute tolerance where sums cancel (the GEMM's 256-term dot products), else the default. */
  atol?: number;
}

function out(name: string, t: Glimpse.Tensor, atol?: number): CheckValue {
  return { name, shape: [...t.shape], values: Array.from(t.data as Float32Array), ...(atol ? { atol } : {}) };
}

/** What the check page leaves on `window.glimpseCheck`: each side's kernels, values and time. */
export interface CheckReport {
  page: { report: BackendReport; values: CheckValue[]; ms: number };
  worker: { report: BackendReport; values: CheckValue[]; ms: number };
  /** The same computations on the reference (TypeScript) kernels in the page. */
  reference: CheckValue[];
  ok: boolean;
}

/** Runs every check on the current backend. */
export function kernelChecks(g: G): CheckValue[] {
  const rng = new g.Rng(20260);
  const results: CheckValue[] = [];

  // GEMM 256³: 16.8 M multiply-adds, split across the pool. Entries are sums of 256 products of
  // N(0, 1) numbers (|c| ≈ 16), summed in another order than the reference: rounding differences
  // reach ~1e-5·16 whatever the entry's own size.
  const a = g.randn([256, 256], { rng });
  const b = g.randn([256, 256], { rng });
  results.push(out('matmul [256×256]·[256×256]', g.matmul(a, b), 2e-4));

  // Softmax over rows (65,536 elements: the threaded row kernel).
  results.push(out('softmax [128×512]', g.softmax(g.randn([128, 512], { rng, std: 3 }), -1)));

  // Cross-entropy and its gradient with respect to the logits.
  const logits = g.randn([64, 97], { rng, requiresGrad: true });
  const target = g.tensor(Int32Array.from({ length: 64 }, (_, i) => (i * 37) % 97), { shape: [64] });
  const loss = g.crossEntropy(logits, target);
  loss.backward();
  results.push({ name: 'cross-entropy loss [64×97]', shape: [], values: [loss.item()] });
  results.push(out('cross-entropy ∂loss/∂logits', logits.grad!));

  // A GRU layer (the fused recurrent kernel), forward and the weight gradient of its backward.
  const gru = new g.nn.GRU({ inputSize: 24, hiddenSize: 48, batchFirst: true }, { rng });
  const x = g.randn([8, 11, 24], { rng });
  const { output, state } = gru.forward(x);
  g.sum(output).backward();
  results.push(out('GRU output [8×11×48]', output));
  results.push(out('GRU final h', state.h));
  results.push(out('GRU ∂Σout/∂W_hh', gru.parameter('weight_hh_l0').grad!));

  // Causal scaled dot-product attention (the fused kernel): outputs and weights.
  const [q, k, v] = [0, 1, 2].map(() => g.randn([2, 4, 33, 16], { rng }));
  const sdpa = g.scaledDotProductAttention(q!, k!, v!, { causal: true });
  results.push(out('attention output [2×4×33×16]', sdpa.output));
  results.push(out('attention weights (causal)', sdpa.weights));
  return results;
}

/** Largest |a − b| over two results, and whether every element is within |Δ| ≤ atol + rtol·|b|. */
export function compareValues(a: readonly number[], b: readonly number[], atol = 1e-5, rtol = 1e-4): { maxAbs: number; ok: boolean } {
  if (a.length !== b.length) return { maxAbs: Infinity, ok: false };
  let maxAbs = 0;
  let ok = true;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (!(d <= atol + rtol * Math.abs(b[i]!))) ok = false;
    if (!(d <= maxAbs)) maxAbs = d;
  }
  return { maxAbs, ok };
}

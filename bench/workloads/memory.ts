/**
 * Memory over a long run: ~1,000 training steps of a small LSTM language model built from
 * ops (embedding → lstmLayer → linear → crossEntropy, Adam through the backend's adam kernel)
 * on random tokens. Reports the JS heap in use and the wasm memory size after warm-up and at
 * the end: neither may keep growing (the memory bar).
 */
import type { AdamParams } from '../../src/backend/backend.js';
import { getRuntime } from '../../src/backend/wasm/runtime.js';
import {
  type Tensor, crossEntropy, embedding, getBackend, linear, lstmLayer, manualSeed, randint, randn, reshape, slice, zeros,
} from '../../src/index.js';
import { type Figure, progress } from '../lib/report.js';
import type { Workload } from './types.js';

const V = 2000;
const E = 64;
const H = 128;
const B = 16;
const T = 20;

function param(shape: number[], std: number): Tensor {
  const t = randn(shape, { std });
  t.requiresGrad = true;
  return t;
}

/** Collects garbage when node runs with --expose-gc (npm run bench does), so heap figures are live data. */
function collect(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function heapMiB(): number {
  collect();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

function wasmMiB(): number {
  return getBackend().name === 'wasm' ? getRuntime().arena.bytes / 2 ** 20 : 0;
}

export const memory: Workload = {
  description: 'heap and wasm memory over ~1,000 training steps of a small LSTM LM (must stop growing)',
  async run(ctx) {
    manualSeed(1);
    const steps = ctx.quick ? 200 : 1000;
    const warmup = ctx.quick ? 50 : 100;
    const params = {
      emb: param([V, E], 0.1), wIh: param([4 * H, E], 0.1), wHh: param([4 * H, H], 0.1),
      bIh: param([4 * H], 0.1), bHh: param([4 * H], 0.1), wOut: param([V, H], 0.1), bOut: param([V], 0),
    };
    const list = Object.values(params);
    const moments = list.map((p) => ({ m: new Float32Array(p.size), v: new Float32Array(p.size) }));
    const [beta1, beta2, lr] = [0.9, 0.999, 2e-3];
    let h = zeros([B, H]);
    let c = zeros([B, H]);
    let heapAfterWarmup = 0;
    let wasmAfterWarmup = 0;
    let lastLoss = 0;
    for (let step = 1; step <= steps; step++) {
      const tokens = randint(0, V, [T + 1, B]); // [T+1, B]: inputs are steps 0…T−1, targets 1…T
      const x = embedding(params.emb, slice(tokens, 0, 0, T)); // [T, B, E]
      const { output, h: hN, c: cN } = lstmLayer(x, params.wIh, params.wHh, params.bIh, params.bHh, h, c);
      const logits = linear(reshape(output, [T * B, H]), params.wOut, params.bOut);
      const target = reshape(slice(tokens, 0, 1, T + 1), [T * B]);
      const loss = crossEntropy(logits, target);
      for (const p of list) p.grad = null;
      loss.backward();
      lastLoss = loss.item();
      const adam: AdamParams = {
        beta1, beta2, eps: 1e-8, stepSize: lr / (1 - beta1 ** step), bc2Sqrt: Math.sqrt(1 - beta2 ** step), weightDecay: 0, decayFactor: 1,
      };
      list.forEach((p, i) => getBackend().adam(p.data as Float32Array, p.grad!.data as Float32Array, moments[i]!.m, moments[i]!.v, adam));
      h = hN.detach();
      c = cN.detach();
      if (step === warmup) {
        heapAfterWarmup = heapMiB();
        wasmAfterWarmup = wasmMiB();
        progress(`step ${step}: loss ${lastLoss.toFixed(3)}, heap ${heapAfterWarmup.toFixed(1)} MiB, wasm memory ${wasmAfterWarmup.toFixed(1)} MiB (after warm-up)`);
      } else if (step % 100 === 0) {
        progress(`step ${step}: loss ${lastLoss.toFixed(3)}, heap ${heapMiB().toFixed(1)} MiB, wasm memory ${wasmMiB().toFixed(1)} MiB`);
      }
    }
    const heapEnd = heapMiB();
    const wasmEnd = wasmMiB();
    const extra = { steps, warmup_steps: warmup, model: `V=${V} E=${E} H=${H} B=${B} T=${T}` };
    const fig = (id: string, value: number): Figure => ({ id, unit: 'MiB', glimpse: value, pytorch: null, better: null, extra });
    return {
      figures: [
        fig('memory.heap_used.after_warmup', heapAfterWarmup), fig('memory.heap_used.end', heapEnd),
        fig('memory.wasm.after_warmup', wasmAfterWarmup), fig('memory.wasm.end', wasmEnd),
      ],
    };
  },
};

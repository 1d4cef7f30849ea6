/**
 * Where a W3 (or `--w1`, `--w2`) training step spends its time in kernels: wraps every Backend function
 * with a timer and prints calls and microseconds per step, by kernel and shape class.
 *   node --import tsx bench/step-profile.ts [--w1|--w2] [--steps N] [--backend native|wasm|js]
 */
import { getBackend } from '../src/backend/registry.js';
import { resolveTrainConfig } from '../src/train/config.js';
import { buildExperiment } from '../src/train/experiment.js';
import { Trainer } from '../src/train/trainer.js';
import { stepWorkload } from './lib/step-workload.js';

const { config, warmup } = stepWorkload(process.argv.slice(2), { small: 60, large: 15 });
const exp = buildExperiment(config);
const backend = getBackend() as unknown as Record<string, unknown>;
const stats = new Map<string, { calls: number; ms: number }>();
let on = false;
let depth = 0;
for (const key of Object.keys(backend)) {
  const fn = backend[key];
  if (typeof fn !== 'function') continue;
  backend[key] = (...a: unknown[]) => {
    if (!on || depth > 0) return (fn as (...x: unknown[]) => unknown)(...a);
    depth++;
    const t0 = performance.now();
    try {
      return (fn as (...x: unknown[]) => unknown)(...a);
    } finally {
      const dt = performance.now() - t0;
      depth--;
      let tag = key;
      const p = a[0] as { T?: number; tq?: number; m?: number; n?: number; k?: number; batch?: number };
      if (key.startsWith('gru') || key.startsWith('lstm')) tag += ` T${p.T === 1 ? '=1' : '>1'}`;
      else if (key === 'gemm') tag += ` ${p.batch}x${p.m}x${p.n}x${p.k}`;
      else if (typeof a[0] === 'string') tag += ` ${a[0]}`;
      const s = stats.get(tag) ?? { calls: 0, ms: 0 };
      s.calls++;
      s.ms += dt;
      stats.set(tag, s);
    }
  };
}
const trainer = new Trainer(exp.task as never, resolveTrainConfig(config.train));
let stepStart = performance.now();
let total = 0;
let counted = 0;
await trainer.run({
  events: {
    onStep: ({ step }) => {
      const now = performance.now();
      if (step > warmup) {
        total += now - stepStart;
        counted++;
      }
      if (step === warmup) {
        stats.clear();
        on = true;
      }
      stepStart = now;
    },
    onEpochStart: () => { stepStart = performance.now(); },
  },
});
let kernelMs = 0;
const rows = [...stats.entries()].sort((a, b) => b[1].ms - a[1].ms);
for (const [, s] of rows) kernelMs += s.ms;
console.log(`step ${(total / counted).toFixed(2)} ms (mean), kernels ${(kernelMs / counted).toFixed(2)} ms, other ${((total - kernelMs) / counted).toFixed(2)} ms`);
for (const [tag, s] of rows.slice(0, 40)) {
  console.log(`${tag.padEnd(36)} ${(s.calls / counted).toFixed(1).padStart(7)} calls ${((s.ms * 1000) / counted).toFixed(0).padStart(7)} µs/step ${((s.ms * 1000) / s.calls).toFixed(1).padStart(7)} µs/call`);
}

/**
 * Median milliseconds per training step of a run configuration (W3 by default, `--w1` for the
 * W1 LSTM LM, `--w2` for W2 translation), after warm-up steps: the figure the perf work on small models is judged by.
 *   node --import tsx bench/step-time.ts [--w1|--w2] [--steps N] [--backend native|wasm|js]
 */
import { resolveTrainConfig } from '../src/train/config.js';
import { buildExperiment } from '../src/train/experiment.js';
import { Trainer } from '../src/train/trainer.js';
import { stepWorkload } from './lib/step-workload.js';

const { name, config, warmup } = stepWorkload(process.argv.slice(2), { small: 150, large: 40 });
const exp = buildExperiment(config);
const trainer = new Trainer(exp.task as never, resolveTrainConfig(config.train));
const times: number[] = [];
let last = performance.now();
let lastLoss = 0;
await trainer.run({
  events: {
    onStep: ({ loss }) => {
      const now = performance.now();
      times.push(now - last);
      last = now;
      lastLoss = loss;
    },
    onEpochStart: () => {
      last = performance.now();
    },
  },
});
const kept = times.slice(warmup).sort((a, b) => a - b);
const median = kept[Math.floor(kept.length / 2)]!;
const pct = (q: number): string => kept[Math.floor(q * (kept.length - 1))]!.toFixed(1);
console.log(`percentiles 10/25/50/75/90: ${pct(0.1)} ${pct(0.25)} ${pct(0.5)} ${pct(0.75)} ${pct(0.9)}; mean ${(kept.reduce((s, x) => s + x, 0) / kept.length).toFixed(2)}`);
console.log(`${name} ${(await import('../src/backend/registry.js')).getBackend().name}: median ${median.toFixed(2)} ms/step over ${kept.length} steps (min ${kept[0]!.toFixed(2)}), loss ${lastLoss.toFixed(4)}`);

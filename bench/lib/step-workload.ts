/**
 * The training run the step benches (step-time.ts, step-profile.ts) measure, from their flags:
 * W3 reversal by default, `--w1` the W1 LSTM LM, `--w2` W2 translation; `--steps N` and
 * `--backend B` as given.
 */
import { setBackend } from '../../src/backend/registry.js';
import { type RunConfig, resolveRunConfig } from '../../src/train/run-config.js';

export interface StepWorkload {
  name: 'W1 lstm' | 'W2' | 'W3';
  config: RunConfig;
  steps: number;
  /** Steps left out of the figures (JIT, pools and caches warming up). */
  warmup: number;
}

/** Reads the flags; `defaultSteps` gives the steps for small (W3) and large (W1, W2) models. */
export function stepWorkload(args: readonly string[], defaultSteps: { small: number; large: number }): StepWorkload {
  const flag = (name: string): string | undefined => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const name = args.includes('--w2') ? 'W2' : args.includes('--w1') ? 'W1 lstm' : 'W3';
  const large = name !== 'W3';
  const backend = flag('--backend');
  if (backend) setBackend(backend);
  const steps = Number(flag('--steps') ?? (large ? defaultSteps.large : defaultSteps.small));
  const train = { maxSteps: steps, evalEvery: 0, epochs: 1 };
  const config = name === 'W2'
    ? resolveRunConfig({ task: 'translate', data: { source: '../shared/data/multi30k' }, train })
    : name === 'W1 lstm'
      ? resolveRunConfig({ task: 'lm', modelName: 'lstm', data: { source: '../shared/data/tinyshakespeare' }, train })
      : resolveRunConfig({ task: 'reverse', attention: 'luong-general', train });
  return { name, config, steps, warmup: large ? 5 : 10 };
}

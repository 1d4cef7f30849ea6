import { noGrad } from '../../src/core/grad.js';
import { buildExperiment } from '../../src/train/experiment.js';
import { resolveRunConfig } from '../../src/train/run-config.js';
import { type Figure, progress } from '../lib/report.js';
import { runReference, torchVersion } from '../lib/pytorch.js';
import { timedTraining } from './train-helpers.js';
import type { Workload } from './types.js';

/** PROTOCOL v3's W1 models; each trains with its own preset (the Transformer with Adam lr 1e-3). */
const MODELS = ['lstm', 'lstm-attn', 'transformer'] as const;
const EPOCHS = Number(process.env.GLIMPSE_BENCH_EPOCHS ?? 6);

interface RefRun { tokens_per_s?: number; test_ppl?: number; epochs_done?: number }

/** PROTOCOL W1 (v3): word-level LMs on Tiny Shakespeare; tokens/s of epoch 1 and test perplexity. */
export const w1: Workload = {
  description: 'W1 word LMs on Tiny Shakespeare (LSTM, LSTM+attention, Transformer): epoch-1 tokens/s, test perplexity',
  async run(ctx) {
    const epochs = ctx.quick ? 1 : EPOCHS;
    const steps = ctx.quick ? 40 : 0;
    const figures: Figure[] = [];
    const ours: Record<string, { tps: number; ppl: number }> = {};
    for (const m of MODELS) {
      const config = resolveRunConfig({ task: 'lm', modelName: m, data: { source: '../shared/data/tinyshakespeare' }, train: { epochs, stepsPerEpoch: steps, seed: 1111 } });
      const exp = buildExperiment(config);
      progress(`[glimpse] W1 ${m}: ${exp.model.numParameters()} parameters, ${epochs} epoch(s)`);
      const run = await timedTraining(exp, `W1 ${m}`, 20);
      exp.model.loadStateDict(run.best!);
      exp.model.eval();
      const test = noGrad(() => exp.task.evaluate('test'));
      ours[m] = { tps: run.tokensPerSecond, ppl: test.ppl! };
      progress(`[glimpse] W1 ${m}: ${run.tokensPerSecond.toFixed(0)} tok/s, test ppl ${test.ppl!.toFixed(2)}`);
    }
    const torch = torchVersion();
    let ref: Record<string, RefRun> = {};
    if (torch) {
      const args = ['--model', 'all', '--epochs', String(epochs), ...(steps ? ['--max-steps', String(steps)] : [])];
      ref = ((await runReference('w1_lm.py', args)) as { runs?: Record<string, RefRun> } | null)?.runs ?? {};
    }
    const extra = epochs !== 6 ? { epochs } : undefined;
    for (const m of MODELS) {
      figures.push({ id: `w1.${m}.tokens_per_s`, unit: 'tok/s', glimpse: ours[m]!.tps, pytorch: ref[m]?.tokens_per_s ?? null, better: 'higher', ...(extra ? { extra } : {}) });
      figures.push({ id: `w1.${m}.test_ppl`, unit: 'ppl', glimpse: ours[m]!.ppl, pytorch: ref[m]?.test_ppl ?? null, better: null, ...(extra ? { extra } : {}) });
    }
    return { figures, versions: torch ? { torch } : {} };
  },
};

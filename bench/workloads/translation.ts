import { noGrad } from '../../src/core/grad.js';
import { decodeSplit, scoreTranslations } from '../../src/train/evaluate.js';
import { buildExperiment } from '../../src/train/experiment.js';
import { resolveRunConfig } from '../../src/train/run-config.js';
import { type Figure, progress } from '../lib/report.js';
import { runReference, torchVersion } from '../lib/pytorch.js';
import { timedTraining } from './train-helpers.js';
import type { Workload } from './types.js';

const EPOCHS = Number(process.env.GLIMPSE_BENCH_EPOCHS ?? 10);

interface Ref { epoch1_tgt_tokens_per_s?: number; test_ppl?: number; greedy?: { bleu: number }; beam5?: { bleu: number } }

/** What tells W2 and W5 apart: the architecture, the figure ids' prefix and the PyTorch script. */
interface TranslationWorkload {
  label: 'W2' | 'W5';
  arch: 'rnn' | 'transformer';
  reference: string;
  description: string;
}

/**
 * A PROTOCOL translation workload on Multi30K En→De (W2 and W5 share data, batches, decoding
 * and BLEU): epoch-1 target tokens/s, test perplexity, BLEU greedy and beam 5.
 */
function translationWorkload(w: TranslationWorkload): Workload {
  const prefix = w.label.toLowerCase();
  return {
    description: w.description,
    async run(ctx) {
      const epochs = ctx.quick ? 1 : EPOCHS;
      const steps = ctx.quick ? 20 : 0;
      const config = resolveRunConfig({ task: 'translate', arch: w.arch, data: { source: '../shared/data/multi30k' }, train: { epochs, stepsPerEpoch: steps, seed: 1234 } });
      const exp = buildExperiment(config);
      if (exp.kind !== 'seq2seq') throw new Error(`${w.label} builds a seq2seq model`);
      progress(`[glimpse] ${w.label}: ${exp.model.numParameters()} parameters, ${epochs} epoch(s)`);
      const run = await timedTraining(exp, w.label, 0);
      exp.model.loadStateDict(run.best!);
      exp.model.eval();
      const test = noGrad(() => exp.task.evaluate('test'));
      // A quick run scores the first 100 test sentences only (a smoke check, not a figure).
      const n = ctx.quick ? 100 : exp.task.data.test.length;
      const examples = exp.task.data.test.slice(0, n);
      const full = exp.references!.test!;
      const refs = { lines: full.lines.slice(0, n), tokens: full.tokens.slice(0, n) };
      const bleu = (beam: number) => {
        const t0 = Date.now();
        const hyps = noGrad(() => decodeSplit(exp.model, examples, { ...exp.task.options, beam, maxTokens: 50 }));
        const s = scoreTranslations(hyps, exp.vocabs.tgt, refs);
        progress(`[glimpse] ${w.label} BLEU beam ${beam}: ${s.bleu.toFixed(2)} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
        return s.bleu;
      };
      const greedy = bleu(1);
      const beam5 = bleu(5);
      progress(`[glimpse] ${w.label}: ${run.tokensPerSecond.toFixed(0)} tgt tok/s, test ppl ${test.ppl!.toFixed(2)}`);
      const torch = torchVersion();
      let ref: Ref = {};
      if (torch) ref = ((await runReference(w.reference, ['--epochs', String(epochs), ...(steps ? ['--max-steps', String(steps)] : [])])) as Ref | null) ?? {};
      const extra = epochs !== 10 ? { extra: { epochs } } : {};
      const figures: Figure[] = [
        { id: `${prefix}.tokens_per_s`, unit: 'tok/s', glimpse: run.tokensPerSecond, pytorch: ref.epoch1_tgt_tokens_per_s ?? null, better: 'higher', ...extra },
        { id: `${prefix}.test_ppl`, unit: 'ppl', glimpse: test.ppl!, pytorch: ref.test_ppl ?? null, better: null, ...extra },
        { id: `${prefix}.test_bleu.greedy`, unit: 'BLEU', glimpse: greedy, pytorch: ref.greedy?.bleu ?? null, better: null, ...extra },
        { id: `${prefix}.test_bleu.beam5`, unit: 'BLEU', glimpse: beam5, pytorch: ref.beam5?.bleu ?? null, better: null, ...extra },
      ];
      return { figures, versions: torch ? { torch } : {} };
    },
  };
}

/** PROTOCOL W2: Multi30K En→De with Bahdanau attention. */
export const w2 = translationWorkload({
  label: 'W2', arch: 'rnn', reference: 'w2_translate.py',
  description: 'W2 Multi30K En→De, bi-GRU + Bahdanau attention: epoch-1 target tokens/s, test perplexity, BLEU greedy and beam 5',
});

/** PROTOCOL v3 W5: Multi30K En→De with a post-norm Transformer (3 + 3 layers of 256, 4 heads). */
export const w5 = translationWorkload({
  label: 'W5', arch: 'transformer', reference: 'w5_transformer.py',
  description: 'W5 Multi30K En→De, Transformer 3+3 layers, d_model 256: epoch-1 target tokens/s, test perplexity, BLEU greedy and beam 5',
});

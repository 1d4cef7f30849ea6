import type { Command } from 'commander';
import { noGrad, setBackend, train } from '../../index.js';
import { loadRun } from '../../node.js';
import { runAction } from '../errors.js';
import { int, oneOf } from '../parse.js';
import { Progress } from '../progress.js';

interface EvalFlags {
  run: string;
  split: 'valid' | 'test';
  checkpoint: 'best' | 'last';
  beam: number;
  maxTokens: number;
  bleu: boolean;
  json: boolean;
  backend?: string;
}

export function registerEval(program: Command): void {
  program
    .command('eval')
    .description('Evaluate a trained run on a split: loss and perplexity (teacher-forced; free-running too for seq2seq), ' +
      'exact match and token accuracy (synthetic tasks), BLEU and chrF (translation).')
    .requiredOption('--run <dir>', 'run folder (made by glimpse train)')
    .option('--split <name>', 'valid or test', oneOf(['valid', 'test'] as const), 'test')
    .option('--checkpoint <which>', 'best or last', oneOf(['best', 'last'] as const), 'best')
    .option('--beam <n>', 'translation: beam size for BLEU (1: greedy)', int(1), 1)
    .option('--max-tokens <n>', 'translation: longest output', int(1), 50)
    .option('--no-bleu', 'translation: skip decoding (no BLEU/chrF)')
    .option('--json', 'print the metrics as JSON', false)
    .option('--backend <name>', 'kernels: native, wasm or js (default: the fastest available)')
    .action(async (flags: EvalFlags, cmd: Command) => {
      await runAction('eval', cmd.optsWithGlobals().verbose, () => {
        if (flags.backend) setBackend(flags.backend);
        const { experiment } = loadRun(flags.run, flags.checkpoint);
        const metrics: Record<string, number | string> = { ...noGrad(() => experiment.task.evaluate(flags.split)) };
        if (experiment.kind === 'seq2seq') {
          const { model, task } = experiment;
          const examples = task.data[flags.split];
          metrics.ppl_free = Math.exp(train.freeRunningLoss(model, examples, task.options));
          const refs = experiment.references?.[flags.split];
          if (refs && flags.bleu) {
            const progress = new Progress(`decoding (beam ${flags.beam})`);
            progress.start(examples.length);
            const hyps = noGrad(() => train.decodeSplit(model, examples, {
              ...task.options, beam: flags.beam, maxTokens: flags.maxTokens, onProgress: (d) => progress.update(d),
            }));
            progress.stop();
            const s = train.scoreTranslations(hyps, experiment.vocabs.tgt, refs);
            Object.assign(metrics, { bleu: s.bleu, sacrebleu: s.sacrebleu, chrf: s.chrf, beam: flags.beam, sacrebleu_signature: s.sacrebleuSignature });
          }
        }
        if (flags.json) process.stdout.write(`${JSON.stringify({ run: flags.run, split: flags.split, checkpoint: flags.checkpoint, ...metrics })}\n`);
        else for (const [k, v] of Object.entries(metrics)) process.stdout.write(`${k.padEnd(20)} ${typeof v === 'number' ? v.toFixed(4) : v}\n`);
      });
    });
}

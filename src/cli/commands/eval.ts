import type { Command } from 'commander';
import { noGrad, setBackend, train } from '../../index.js';
import { loadRun } from '../../node.js';
import { UsageError, runAction } from '../errors.js';
import { int, oneOf } from '../parse.js';
import { type SearchFlags, addSearchFlags, collectRuns, describeSearch, searchSettings } from '../search-flags.js';
import { Progress } from '../progress.js';
import { MAX_BEAM, MAX_OUTPUT_TOKENS } from './translate.js';

interface EvalFlags extends SearchFlags {
  run: string[];
  split: 'valid' | 'test';
  checkpoint: 'best' | 'last';
  beam: number;
  maxTokens: number;
  bleu: boolean;
  json: boolean;
  backend?: string;
}

export function registerEval(program: Command): void {
  const command = program
    .command('eval')
    .description('Evaluate a trained run on a split: loss and perplexity (teacher-forced; free-running too for seq2seq), ' +
      'exact match and token accuracy (synthetic tasks), BLEU and chrF (translation).')
    .requiredOption('--run <dir>', 'run folder (made by glimpse train), or pretrained:NAME; repeat it to score an ensemble of translation runs (BLEU and chrF only)', collectRuns)
    .option('--split <name>', 'valid or test', oneOf(['valid', 'test'] as const), 'test')
    .option('--checkpoint <which>', 'best or last', oneOf(['best', 'last'] as const), 'best')
    .option('--beam <n>', `translation: beam size for BLEU (1: greedy; at most ${MAX_BEAM})`, int(1, MAX_BEAM), 1)
    .option('--max-tokens <n>', `translation: longest output (at most ${MAX_OUTPUT_TOKENS.toLocaleString('en-US')})`, int(1, MAX_OUTPUT_TOKENS), 50)
    .option('--no-bleu', 'translation: skip decoding (no BLEU/chrF)')
    .option('--json', 'print the metrics as JSON', false)
    .option('--backend <name>', 'kernels: native, wasm or js (default: the fastest available)');
  addSearchFlags(command, 'eval')
    .action(async (flags: EvalFlags, cmd: Command) => {
      await runAction('eval', cmd.optsWithGlobals().verbose, () => {
        const search = searchSettings('eval', flags, { beam: flags.beam, nBest: 1, maxTokens: flags.maxTokens });
        const decodes = Object.keys(search).length > 0 || flags.run.length > 1;
        if (decodes && !flags.bleu) throw new UsageError('the decoding flags (and several --run) shape the translations scored by BLEU and chrF; they do not go with --no-bleu');
        if (flags.backend) setBackend(flags.backend);
        const loaded = flags.run.map((dir) => loadRun(dir, flags.checkpoint).experiment);
        const experiment = loaded[0]!;
        train.checkEnsemble(loaded, flags.run);
        const refs = experiment.kind === 'seq2seq' ? experiment.references?.[flags.split] : undefined;
        if (decodes && !refs) throw new UsageError(`the decoding flags (and several --run) shape the translations scored by BLEU and chrF; ${flags.run[0]} is a ${experiment.config.task} run, which has no references to score`);
        // Loss and perplexity belong to one model: an ensemble reports BLEU and chrF only.
        const metrics: Record<string, number | string> = loaded.length > 1 ? { ensemble: loaded.length } : { ...noGrad(() => experiment.task.evaluate(flags.split)) };
        if (experiment.kind === 'seq2seq') {
          const { model, task } = experiment;
          const examples = task.data[flags.split];
          if (loaded.length === 1 && metrics.ppl_free === undefined) metrics.ppl_free = Math.exp(train.freeRunningLoss(model, examples, task.options));
          if (refs && flags.bleu) {
            const decoding = describeSearch(flags.beam, search);
            const progress = new Progress(`decoding (${decoding})`);
            progress.start(examples.length);
            const models = loaded.map((e) => (e.kind === 'seq2seq' ? e.model : model));
            const hyps = noGrad(() => train.decodeSplit(models, examples, {
              ...task.options, beam: flags.beam, maxTokens: flags.maxTokens, search, onProgress: (d) => progress.update(d),
            }));
            progress.stop();
            const s = train.scoreTranslations(hyps, experiment.vocabs.tgt, refs);
            Object.assign(metrics, { bleu: s.bleu, sacrebleu: s.sacrebleu, chrf: s.chrf, beam: flags.beam, decoding, sacrebleu_signature: s.sacrebleuSignature });
          }
        }
        const run = flags.run.length === 1 ? flags.run[0]! : flags.run;
        if (flags.json) process.stdout.write(`${JSON.stringify({ run, split: flags.split, checkpoint: flags.checkpoint, ...metrics })}\n`);
        else for (const [k, v] of Object.entries(metrics)) process.stdout.write(`${k.padEnd(20)} ${typeof v === 'number' ? v.toFixed(4) : v}\n`);
      });
    });
}

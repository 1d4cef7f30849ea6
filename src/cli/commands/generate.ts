import type { Command } from 'commander';
import { GlimpseError, Rng, setBackend, train } from '../../index.js';
import { loadTrainedModel, writeAttentionPng } from '../../node.js';
import { runAction } from '../errors.js';
import { float, int } from '../parse.js';

interface GenerateFlags {
  run: string;
  prompt: string;
  temperature: number;
  topK: number;
  topP: number;
  maxTokens: number;
  seed: number;
  visualize?: string;
  backend?: string;
}

export function registerGenerate(program: Command): void {
  program
    .command('generate')
    .description('Continue a prompt with a trained language model (sampling with temperature, top-k, top-p).')
    .requiredOption('--run <dir>', 'run folder of a language model (glimpse train --task lm)')
    .requiredOption('--prompt <text>', 'text to continue')
    .option('--temperature <t>', 'sampling temperature (< 1 sharper, > 1 flatter)', float(0, Infinity, true), 1)
    .option('--top-k <k>', 'sample among the k most likely tokens (0: all)', int(0), 0)
    .option('--top-p <p>', 'sample among the most likely tokens holding probability p (nucleus; 1: all)', float(0, 1), 1)
    .option('--max-tokens <n>', 'tokens to generate', int(1), 50)
    .option('--seed <n>', 'random seed (the same seed repeats the text)', int(0), 1)
    .option('--visualize <file>', 'write the attention heatmap (lstm-attn models) to this PNG')
    .option('--backend <name>', 'kernels: native, wasm or js (default: the fastest available)')
    .action(async (flags: GenerateFlags, cmd: Command) => {
      await runAction('generate', cmd.optsWithGlobals().verbose, async () => {
        if (flags.topP <= 0) throw new GlimpseError(`--top-p must be in (0, 1], got ${flags.topP}`);
        if (flags.backend) setBackend(flags.backend);
        const trained = loadTrainedModel(flags.run);
        if (flags.visualize && trained.kind === 'lm' && !trained.model.config.attention) {
          throw new GlimpseError('--visualize needs a model with attention (train it with --model lstm-attn)');
        }
        const g = train.generateText(trained, flags.prompt, {
          maxTokens: flags.maxTokens, temperature: flags.temperature, topK: flags.topK, topP: flags.topP, rng: new Rng(flags.seed),
        });
        if (g.prompt.unknown.length) {
          process.stderr.write(`note: ${g.prompt.unknown.length} prompt token(s) unknown to the model, read as <unk>: ${[...new Set(g.prompt.unknown)].join(' ')}\n`);
        }
        process.stdout.write(`${g.text}\n`);
        if (flags.visualize && g.attention) {
          await writeAttentionPng(flags.visualize, {
            weights: g.attention, rowLabels: g.tokens, colLabels: g.context,
            title: `Attention while generating (${flags.run})`, yTitle: 'generated token', xTitle: 'context (prompt and generated tokens)',
          });
          process.stderr.write(`attention heatmap: ${flags.visualize}\n`);
        }
      });
    });
}

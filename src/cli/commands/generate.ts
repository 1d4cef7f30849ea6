import { type Command, Option } from 'commander';
import { GlimpseError, Rng, setBackend, train, viz } from '../../index.js';
import { loadTrainedModel, writeAttentionPng } from '../../node.js';
import { UsageError, runAction } from '../errors.js';
import { FORCE_HELP, checkOutput } from '../outputs.js';
import { SCALE_HELP, SCALE_NAMES, type ScaleName, heatmapScale } from '../heatmap-scale.js';
import { float, int, oneOf, runDir } from '../parse.js';
import { type LayerHeadFlags, addLayerHeadOptions, ansiHead, checkLayerHead, selection, writeGrid } from '../attention-grid.js';
import { type SearchFlags, addSearchFlags, searchSettings } from '../search-flags.js';

/** Most tokens one generation may ask for. */
export const MAX_GENERATED_TOKENS = 100_000;

interface GenerateFlags extends LayerHeadFlags, Omit<SearchFlags, 'temperature' | 'topK' | 'topP' | 'seed'> {
  run: string;
  prompt: string;
  temperature: number;
  topK: number;
  topP: number;
  maxTokens: number;
  seed: number;
  visualize?: string;
  show: boolean;
  scale: ScaleName;
  backend?: string;
  force: boolean;
}

export function registerGenerate(program: Command): void {
  const command = program
    .command('generate')
    .description('Continue a prompt with a trained language model: greedily (--temperature 0) or by sampling with temperature, top-k, top-p.')
    .requiredOption('--run <dir>', 'run folder of a language model (glimpse train --task lm)', runDir)
    .requiredOption('--prompt <text>', 'text to continue')
    .option('--temperature <t>', '0: greedy (always the most likely token); else sampling temperature (< 1 sharper, > 1 flatter)', float(0), 1)
    .option('--top-k <k>', 'sample among the k most likely tokens (0: all)', int(0, 10_000_000), 0)
    .option('--top-p <p>', 'sample among the most likely tokens holding probability p (nucleus; 1: all)', float(0, 1), 1)
    .option('--max-tokens <n>', `tokens to generate (at most ${MAX_GENERATED_TOKENS.toLocaleString('en-US')})`, int(1, MAX_GENERATED_TOKENS), 50)
    .option('--seed <n>', 'random seed (the same seed repeats the text)', int(0, 2 ** 32 - 1), 1)
    .option('--visualize <file>', 'write the attention heatmap (models with attention) to this PNG')
    .option('--show', 'print the attention heatmap in the terminal (models with attention)', false)
    .option('--force', FORCE_HELP, false)
    .addOption(new Option('--scale <scale>', SCALE_HELP).argParser(oneOf(SCALE_NAMES)).default('auto'))
    .option('--backend <name>', 'kernels: native, wasm or js (default: the fastest available)');
  addLayerHeadOptions(addSearchFlags(command, 'generate'))
    .action(async (flags: GenerateFlags, cmd: Command) => {
      await runAction('generate', cmd.optsWithGlobals().verbose, async () => {
        if (flags.topP <= 0) throw new UsageError(`--top-p must be in (0, 1], got ${flags.topP}`);
        const greedy = flags.temperature === 0;
        if (greedy && (flags.topK > 0 || flags.topP < 1)) throw new UsageError('--temperature 0 is greedy decoding; --top-k and --top-p apply to sampling');
        const { noRepeatNgram, repetitionPenalty } = searchSettings('generate', flags, { beam: 1, nBest: 1, maxTokens: flags.maxTokens });
        if (flags.visualize !== undefined) checkOutput(flags.visualize, '--visualize', flags.force);
        if (flags.backend) setBackend(flags.backend);
        const trained = loadTrainedModel(flags.run);
        const wantsAttention = flags.visualize !== undefined || flags.show;
        if (wantsAttention && trained.kind === 'lm' && !trained.model.attends) {
          throw new GlimpseError('--visualize and --show need a model with attention (train it with --model lstm-attn or transformer)');
        }
        checkLayerHead(flags, trained.kind === 'lm' && trained.model.attentionMaps !== undefined);
        const g = train.generateText(trained, flags.prompt, {
          maxTokens: flags.maxTokens, temperature: flags.temperature, topK: flags.topK, topP: flags.topP, rng: new Rng(flags.seed),
          ...(noRepeatNgram !== undefined ? { noRepeatNgram } : {}), ...(repetitionPenalty !== undefined ? { repetitionPenalty } : {}),
        });
        if (g.prompt.unknown.length) {
          process.stderr.write(`note: ${g.prompt.unknown.length} prompt token(s) unknown to the model, read as <unk>: ${[...new Set(g.prompt.unknown)].join(' ')}\n`);
        }
        process.stdout.write(`${g.text}\n`);
        if (!g.attention) return;
        const grid = wantsAttention ? train.generationAttentionGrid(trained, g, selection(flags)) : null;
        if (grid) {
          // A Transformer: every layer and head over its last window of prompt and continuation.
          if (flags.show) process.stderr.write(`${ansiHead(grid[0]!, flags, flags.scale, '(rows: token, columns: context)')}\n`);
          if (flags.visualize) {
            await writeGrid(flags.visualize, grid, { title: `Self-attention over the last window (${flags.run})`, scale: flags.scale });
            process.stderr.write(`attention grid: ${flags.visualize}\n`);
          }
          return;
        }
        const scale = heatmapScale(flags.scale, g.attention);
        if (flags.show) {
          process.stderr.write(`${viz.ansiHeatmap({
            weights: g.attention, rowLabels: g.tokens, colLabels: g.context, domain: scale.domain,
            title: 'attention while generating (rows: generated token, columns: context)',
          })}\n`);
        }
        if (flags.visualize) {
          await writeAttentionPng(flags.visualize, {
            weights: g.attention, rowLabels: g.tokens, colLabels: g.context, ...scale,
            title: `Attention while generating (${flags.run})`, yTitle: 'generated token', xTitle: 'context (prompt and generated tokens)',
          });
          process.stderr.write(`attention heatmap: ${flags.visualize}\n`);
        }
      });
    });
}

import { extname } from 'node:path';
import { type Command, Option } from 'commander';
import { GlimpseError, setBackend, train, viz } from '../../index.js';
import { loadTrainedModel, writeAttentionPng } from '../../node.js';
import { EXIT, UsageError, runAction } from '../errors.js';
import { SCALE_HELP, SCALE_NAMES, type ScaleName, heatmapScale } from '../heatmap-scale.js';
import { int, oneOf } from '../parse.js';
import { type SearchFlags, addSearchFlags, checkTargetFlags, collectRuns, constraintFlags, searchSettings } from '../search-flags.js';
import { stdinLines } from '../stdin.js';
import { FORCE_HELP, checkOutput, claimOutput } from '../outputs.js';
import { type LayerHeadFlags, addLayerHeadOptions, ansiHead, checkLayerHead, selection, writeGrid } from '../attention-grid.js';

/** Bounds of the search a user can ask for. */
export const MAX_BEAM = 1000;
export const MAX_OUTPUT_TOKENS = 10_000;

interface TranslateFlags extends SearchFlags, LayerHeadFlags {
  run: string[];
  beam: number;
  nBest: number;
  maxTokens: number;
  visualize?: string;
  show: boolean;
  scale: ScaleName;
  scores: boolean;
  backend?: string;
  force: boolean;
}

/** FILE for one input; FILE-1.png, FILE-2.png … for several. */
function pictureName(file: string, index: number, several: boolean): string {
  if (!several) return file;
  const ext = extname(file) || '.png';
  return `${file.slice(0, file.length - extname(file).length)}-${index + 1}${ext}`;
}

export function registerTranslate(program: Command): void {
  const command = program
    .command('translate')
    .description('Translate sentences with a trained seq2seq run (also the synthetic tasks: reverse, dates…), from arguments or standard input, one per line; one output line per input line.')
    .argument('[sentences...]', 'sentences to translate (default: read standard input, one per line, answering as each arrives)')
    .requiredOption('--run <dir>', 'run folder of a seq2seq model, or pretrained:NAME (glimpse pretrained); repeat it to translate with an ensemble (averaged log-probabilities; same task and vocabularies)', collectRuns)
    .option('--beam <n>', `beam size (1: greedy; at most ${MAX_BEAM} and the target vocabulary)`, int(1, MAX_BEAM), 1)
    .option('--n-best <n>', 'print the n best hypotheses (at most the beam size)', int(1, MAX_BEAM), 1)
    .option('--max-tokens <n>', `longest output (at most ${MAX_OUTPUT_TOKENS.toLocaleString('en-US')})`, int(1, MAX_OUTPUT_TOKENS), 50)
    .option('--scores', 'print each hypothesis with its score (beam search: the length-normalised log-probability)', false)
    .option('--visualize <file>', 'write the attention heatmap of the best hypothesis to this PNG (-1, -2… per sentence when several)')
    .option('--show', 'print the attention heatmap of the best hypothesis in the terminal', false)
    .option('--force', FORCE_HELP, false)
    .addOption(new Option('--scale <scale>', SCALE_HELP).argParser(oneOf(SCALE_NAMES)).default('auto'))
    .option('--backend <name>', 'kernels: native, wasm or js (default: the fastest available)');
  addLayerHeadOptions(addSearchFlags(command, 'translate'))
    .action(async (sentences: string[], flags: TranslateFlags, cmd: Command) => {
      await runAction('translate', cmd.optsWithGlobals().verbose, async () => {
        if (flags.nBest > flags.beam && !flags.sample) throw new UsageError(`--n-best ${flags.nBest} needs --beam of at least ${flags.nBest}, got ${flags.beam}`);
        const search = searchSettings('translate', flags, flags);
        const fromArgs = sentences.length > 0;
        const several = !fromArgs || sentences.length > 1;
        if (flags.visualize !== undefined) checkOutput(pictureName(flags.visualize, 0, several), '--visualize', flags.force);
        const constraints = constraintFlags(flags);
        if (flags.backend) setBackend(flags.backend);
        const models = flags.run.map((dir) => loadTrainedModel(dir));
        const trained = models[0]!;
        models.forEach((m, i) => {
          if (m.kind !== 'seq2seq') throw new GlimpseError(`${flags.run[i]} is a language model; use glimpse generate`);
        });
        train.checkEnsemble(models, flags.run);
        if (trained.kind !== 'seq2seq') return;
        checkLayerHead(flags, trained.model.attentionMaps !== undefined);
        checkTargetFlags(trained, flags, flags.maxTokens);
        if (flags.beam > trained.vocabs.tgt.size) {
          throw new UsageError(`--beam ${flags.beam} is larger than the target vocabulary (${trained.vocabs.tgt.size} tokens); a beam never needs more`);
        }
        if (!fromArgs && process.stdin.isTTY) throw new GlimpseError('no input: give sentences as arguments or pipe them on standard input, one per line');
        let count = 0;
        let failed = 0;
        // One output line (or n-best block) per input line, always: a blank line gets a blank
        // line, a line that cannot be translated gets an empty one and a message on stderr.
        const handle = async (line: string): Promise<void> => {
          const index = count++;
          if (line.trim() === '') {
            process.stdout.write('\n');
            return;
          }
          let t: train.Translation;
          try {
            t = train.translateText(models, line, {
              beam: flags.beam, nBest: flags.nBest, maxTokens: flags.maxTokens, search,
              ...(flags.prefix !== undefined ? { prefix: flags.prefix } : {}), ...(constraints.length ? { constraints } : {}),
            });
          } catch (e) {
            if (!(e instanceof GlimpseError)) throw e;
            failed++;
            process.stdout.write('\n');
            process.stderr.write(`glimpse translate: line ${index + 1}: ${e.message}\n`);
            return;
          }
          for (const h of t.hypotheses) process.stdout.write(flags.scores || flags.nBest > 1 ? `${h.score.toFixed(4)}\t${h.text}\n` : `${h.text}\n`);
          await show(trained, t, flags, line, pictureName(flags.visualize ?? '', index, several));
        };
        if (fromArgs) for (const s of sentences) await handle(s);
        else for await (const line of stdinLines()) await handle(line);
        if (count === 0) throw new GlimpseError('no input: standard input was empty (give one sentence per line)');
        if (failed > 0) {
          process.stderr.write(`glimpse translate: ${failed} of ${count} line(s) could not be translated (their output lines are empty)\n`);
          process.exitCode = EXIT.error;
        }
      });
    });
}

/**
 * The best hypothesis's attention: in the terminal (--show) and as a PNG (--visualize); for a
 * Transformer, a grid of every layer and head (or the one --layer / --head select).
 */
async function show(trained: train.TrainedModel, t: train.Translation, flags: TranslateFlags, line: string, file: string): Promise<void> {
  if (!flags.show && !flags.visualize) return;
  const title = line.length > 60 ? `${line.slice(0, 57)}…` : line;
  const grid = train.translationAttentionGrid(trained, t, selection(flags));
  if (grid) {
    const cross = grid.at(-1)!;
    if (flags.show) process.stderr.write(`${ansiHead(cross, flags, flags.scale, `for "${line}" (rows: output, columns: input)`)}\n`);
    if (flags.visualize) {
      checkOutput(file, '--visualize', flags.force);
      await writeGrid(file, grid, { title, scale: flags.scale });
      claimOutput(file);
      process.stderr.write(`attention grid: ${file}\n`);
    }
    return;
  }
  const best = t.hypotheses[0]!;
  const weights = best.attention ?? [];
  const rows = best.finished ? [...best.words, '<eos>'] : best.words;
  const scale = heatmapScale(flags.scale, weights);
  if (flags.show && weights.length) {
    process.stderr.write(`${viz.ansiHeatmap({
      weights, rowLabels: rows, colLabels: t.source.tokens, domain: scale.domain, title: `attention for "${line}" (rows: output, columns: input)`,
    })}\n`);
  }
  if (flags.visualize) {
    checkOutput(file, '--visualize', flags.force);
    await writeAttentionPng(file, {
      weights, rowLabels: rows, colLabels: t.source.tokens, ...scale,
      title, yTitle: 'output', xTitle: 'input',
    });
    claimOutput(file);
    process.stderr.write(`attention heatmap: ${file}\n`);
  }
}

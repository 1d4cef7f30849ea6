import { extname } from 'node:path';
import type { Command } from 'commander';
import { GlimpseError, setBackend, train } from '../../index.js';
import { loadTrainedModel, writeAttentionPng } from '../../node.js';
import { runAction } from '../errors.js';
import { int } from '../parse.js';
import { stdinLines } from '../stdin.js';

interface TranslateFlags {
  run: string;
  beam: number;
  nBest: number;
  maxTokens: number;
  visualize?: string;
  scores: boolean;
  backend?: string;
}

/** FILE for one input; FILE-1.png, FILE-2.png … for several. */
function pictureName(file: string, index: number, several: boolean): string {
  if (!several) return file;
  const ext = extname(file) || '.png';
  return `${file.slice(0, file.length - extname(file).length)}-${index + 1}${ext}`;
}

export function registerTranslate(program: Command): void {
  program
    .command('translate')
    .description('Translate sentences with a trained seq2seq run (also the synthetic tasks: reverse, dates…), from arguments or standard input, one per line.')
    .argument('[sentences...]', 'sentences to translate (default: read standard input, one per line, answering as each arrives)')
    .requiredOption('--run <dir>', 'run folder of a seq2seq model')
    .option('--beam <n>', 'beam size (1: greedy)', int(1), 1)
    .option('--n-best <n>', 'print the n best hypotheses (at most the beam size)', int(1), 1)
    .option('--max-tokens <n>', 'longest output', int(1), 50)
    .option('--scores', 'print each hypothesis with its length-normalised log-probability', false)
    .option('--visualize <file>', 'write the attention heatmap of the best hypothesis to this PNG (-1, -2… per sentence when several)')
    .option('--backend <name>', 'kernels: native, wasm or js (default: the fastest available)')
    .action(async (sentences: string[], flags: TranslateFlags, cmd: Command) => {
      await runAction('translate', cmd.optsWithGlobals().verbose, async () => {
        if (flags.nBest > flags.beam) throw new GlimpseError(`--n-best ${flags.nBest} needs --beam of at least ${flags.nBest}, got ${flags.beam}`);
        if (flags.backend) setBackend(flags.backend);
        const trained = loadTrainedModel(flags.run);
        if (trained.kind !== 'seq2seq') throw new GlimpseError(`${flags.run} is a language model; use glimpse generate`);
        const fromArgs = sentences.length > 0;
        if (!fromArgs && process.stdin.isTTY) throw new GlimpseError('no input: give sentences as arguments or pipe them on standard input, one per line');
        const several = !fromArgs || sentences.length > 1;
        let count = 0;
        const handle = async (line: string): Promise<void> => {
          const t = train.translateText(trained, line, { beam: flags.beam, nBest: flags.nBest, maxTokens: flags.maxTokens });
          for (const h of t.hypotheses) process.stdout.write(flags.scores || flags.nBest > 1 ? `${h.score.toFixed(4)}\t${h.text}\n` : `${h.text}\n`);
          if (flags.visualize) await draw(t, pictureName(flags.visualize, count, several), line);
          count++;
        };
        if (fromArgs) for (const s of sentences) await handle(s);
        else for await (const line of stdinLines()) if (line.trim()) await handle(line);
        if (count === 0) throw new GlimpseError('no input: standard input was empty (give one sentence per line)');
      });
    });
}

async function draw(t: train.Translation, file: string, line: string): Promise<void> {
  const best = t.hypotheses[0]!;
  const rows = best.finished ? [...best.words, '<eos>'] : best.words;
  await writeAttentionPng(file, {
    weights: best.attention ?? [], rowLabels: rows, colLabels: t.source.tokens,
    title: line.length > 60 ? `${line.slice(0, 57)}…` : line, yTitle: 'output', xTitle: 'input',
  });
  process.stderr.write(`attention heatmap: ${file}\n`);
}

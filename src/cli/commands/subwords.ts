import { InvalidArgumentError, type Command } from 'commander';
import { GlimpseError, Rng, data } from '../../index.js';
import { learnBpeFromFiles, loadSubwordModelFile, saveBpeCodes, saveBpeVocabulary } from '../../node.js';
import { runAction } from '../errors.js';
import { FORCE_HELP, checkOutput } from '../outputs.js';
import { float, int } from '../parse.js';
import { Progress } from '../progress.js';

interface LearnFlags {
  input: string[];
  merges: number;
  out: string;
  minFrequency: number;
  vocabOut?: string;
  force: boolean;
}

interface ModelFlags {
  model: string;
  vocabulary?: string;
  vocabularyThreshold?: number;
}

interface EncodeFlags extends ModelFlags {
  dropout: number;
  seed: number;
}

const MODEL_HELP = 'bpe:CODES (codes from glimpse bpe learn or subword-nmt) or spm:FILE (a SentencePiece .model)';

function merges(value: string): number {
  const n = int(1)(value);
  const max = data.SUBWORD_LIMITS.maxMerges;
  if (n > max) throw new InvalidArgumentError(`expected at most ${max} merges, got ${n}`);
  return n;
}

/** Standard input split at `\n` into lines of bytes (a last line without `\n` included). */
async function* stdinLines(): AsyncGenerator<Uint8Array> {
  let pending: Buffer = Buffer.alloc(0);
  let lineNumber = 0;
  for await (const chunk of process.stdin) {
    pending = pending.length === 0 ? (chunk as Buffer) : Buffer.concat([pending, chunk as Buffer]);
    let from = 0;
    let nl: number;
    while ((nl = pending.indexOf(10, from)) >= 0) {
      lineNumber++;
      yield pending.subarray(from, nl);
      from = nl + 1;
    }
    pending = pending.subarray(from);
    if (pending.length > data.SUBWORD_LIMITS.maxLineBytes) {
      throw new GlimpseError(`standard input line ${lineNumber + 1} is longer than ${data.SUBWORD_LIMITS.maxLineBytes} bytes`);
    }
  }
  if (pending.length > 0) yield pending;
}

/** Runs `each` on every input line and writes one output line per input line. */
async function mapLines(each: (line: Uint8Array, lineNumber: number) => string): Promise<void> {
  if (process.stdin.isTTY) throw new GlimpseError('no input: pipe text on standard input (one sentence per line)');
  let out = '';
  let n = 0;
  for await (const line of stdinLines()) {
    n++;
    try {
      out += `${each(line, n)}\n`;
    } catch (e) {
      if (e instanceof GlimpseError) throw new GlimpseError(`standard input line ${n}: ${e.message}`);
      throw e;
    }
    if (out.length >= 1 << 16) {
      process.stdout.write(out);
      out = '';
    }
  }
  process.stdout.write(out);
}

function registerBpe(program: Command): void {
  const group = program.command('bpe').description('Byte-pair encoding learned in glimpse (subword-nmt\'s codes format).');
  group
    .command('learn')
    .description('Learn BPE merge operations from text files (read line by line) and write a codes file.')
    .requiredOption('--input <files...>', 'text files, one sentence per line (words separated by spaces); learned as one corpus')
    .requiredOption('--merges <n>', `merge operations to learn (at most ${data.SUBWORD_LIMITS.maxMerges})`, merges)
    .requiredOption('--out <codes>', 'codes file to write (#version: 0.2, then one "A B" merge per line)')
    .option('--min-frequency <k>', 'stop when no pair occurs at least k times', int(1), 2)
    .option('--vocab-out <file>', 'also write the vocabulary of the encoded input ("PIECE COUNT" lines), for --vocabulary')
    .option('--force', FORCE_HELP, false)
    .action(async (flags: LearnFlags, cmd: Command) => {
      await runAction('bpe learn', cmd.optsWithGlobals().verbose, () => {
        const started = Date.now();
        const reading = new Progress('bpe learn: reading');
        const learning = new Progress('bpe learn: merges');
        let readingStarted = false;
        let learningStarted = false;
        const learned = learnBpeFromFiles(flags.input, {
          merges: flags.merges,
          minFrequency: flags.minFrequency,
          name: flags.out,
          onRead: (p) => {
            if (!readingStarted) reading.start(p.totalBytes);
            readingStarted = true;
            reading.update(p.allBytesRead, { file: p.file });
          },
          onProgress: (p) => {
            if (!learningStarted) {
              reading.stop();
              learning.start(p.total);
            }
            learningStarted = true;
            learning.update(p.done, { frequency: p.frequency });
          },
        });
        reading.stop();
        learning.stop();
        // Checked after the input was read, so a missing input is reported first.
        checkOutput(flags.out, '--out', flags.force);
        if (flags.vocabOut !== undefined) checkOutput(flags.vocabOut, '--vocab-out', flags.force);
        saveBpeCodes(flags.out, learned.model);
        if (flags.vocabOut) saveBpeVocabulary(flags.vocabOut, learned.vocabulary());
        const got = learned.model.merges.length;
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        process.stdout.write(`learned ${got} merges from ${learned.lines} lines (${learned.tokens} words, ${learned.distinctWords} distinct) in ${seconds} s → ${flags.out}\n`);
        if (got < flags.merges) process.stdout.write(`stopped early: no pair occurs ${flags.minFrequency} times or more\n`);
        if (flags.vocabOut) process.stdout.write(`vocabulary → ${flags.vocabOut}\n`);
      });
    });
}

function addModelOptions(cmd: Command): Command {
  return cmd
    .requiredOption('--model <spec>', MODEL_HELP)
    .option('--vocabulary <file>', 'bpe: a vocabulary ("PIECE COUNT" lines); pieces outside it are split back (apply_bpe.py --vocabulary)')
    .option('--vocabulary-threshold <k>', 'bpe: pieces seen fewer than k times in the vocabulary count as outside it', int(0));
}

function loadModel(flags: ModelFlags): data.SubwordModel {
  if (flags.vocabularyThreshold !== undefined && flags.vocabulary === undefined) throw new GlimpseError('--vocabulary-threshold needs --vocabulary FILE');
  return loadSubwordModelFile(flags.model, {
    ...(flags.vocabulary !== undefined ? { vocabulary: flags.vocabulary } : {}),
    ...(flags.vocabularyThreshold !== undefined ? { vocabularyThreshold: flags.vocabularyThreshold } : {}),
  });
}

export function registerSubwords(program: Command): void {
  registerBpe(program);
  const group = program.command('subwords').description('Split text into subword pieces and join pieces back into text.');
  addModelOptions(group
    .command('encode')
    .description('Read lines on standard input; write each line\'s pieces separated by single spaces (as spm_encode --output_format=piece).'))
    .option('--dropout <p>', 'BPE-dropout probability (BPE models only; for training data)', float(0, 1), 0)
    .option('--seed <n>', 'seed of the dropout draws', int(0), 0)
    .action(async (flags: EncodeFlags, cmd: Command) => {
      await runAction('subwords encode', cmd.optsWithGlobals().verbose, async () => {
        if (flags.dropout >= 1) throw new GlimpseError(`--dropout must be below 1, got ${flags.dropout}`);
        const model = loadModel(flags);
        const options = flags.dropout > 0 ? { dropout: flags.dropout, rng: new Rng(flags.seed) } : {};
        model.encode('', options); // refuses dropout for models without it before any input is read
        await mapLines((line) => model.encodeBytes(line, options).join(' '));
      });
    });
  addModelOptions(group
    .command('decode')
    .description('Read lines of pieces (separated by spaces) on standard input; write each line\'s text (as spm_decode).'))
    .action(async (flags: ModelFlags, cmd: Command) => {
      await runAction('subwords decode', cmd.optsWithGlobals().verbose, async () => {
        const model = loadModel(flags);
        const text = new TextDecoder('utf-8', { ignoreBOM: true });
        await mapLines((line) => {
          return model.decode(text.decode(line).split(' '));
        });
      });
    });
}

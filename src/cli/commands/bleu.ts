import type { Command } from 'commander';
import { GlimpseError, metrics } from '../../index.js';
import { READ_LIMITS, readTextChecked } from '../../node.js';
import { runAction } from '../errors.js';
import { int, oneOf } from '../parse.js';
import { readStdin } from '../stdin.js';

interface BleuFlags {
  ref: string;
  hyp?: string;
  tokenize: '13a' | 'none' | 'char';
  metric: 'bleu' | 'chrf';
  lowercase: boolean;
  format: 'text' | 'json';
  width: number;
  scoreOnly: boolean;
}

/** A reference or hypothesis file as sacreBLEU opens it (strict UTF-8, a BOM kept), through the checked reader. */
function readFileText(path: string, what: string): string {
  return readTextChecked(path, 'text', { label: `${what} file`, keepBom: true });
}

export function registerBleu(program: Command): void {
  program
    .command('bleu')
    .description('Score detokenised hypotheses against references as sacreBLEU 2.x does (same score and signature).')
    .requiredOption('--ref <file>', 'reference file, one sentence per line')
    .option('--hyp <file>', 'hypothesis file, one sentence per line (default: standard input)')
    .option('--tokenize <name>', 'tokenizer: 13a, none or char', oneOf(['13a', 'none', 'char'] as const), '13a')
    .option('--metric <name>', 'bleu or chrf', oneOf(['bleu', 'chrf'] as const), 'bleu')
    .option('--lowercase', 'lowercase before scoring (sacreBLEU -lc)', false)
    .option('--format <fmt>', 'text (score line with signature) or json (sacreBLEU\'s default output)', oneOf(['text', 'json'] as const), 'text')
    .option('--width <n>', 'decimals of the score', int(0), 2)
    .option('--score-only', 'print the score only (sacreBLEU -b)', false)
    .action(async (flags: BleuFlags, cmd: Command) => {
      await runAction('bleu', cmd.optsWithGlobals().verbose, async () => {
        const refLines = metrics.readSacrebleuLines(readFileText(flags.ref, 'reference'), 'file');
        let hypLines: string[];
        if (flags.hyp) hypLines = metrics.readSacrebleuLines(readFileText(flags.hyp, 'hypothesis'), 'file');
        else {
          if (process.stdin.isTTY) throw new GlimpseError('no hypotheses: pass --hyp FILE or pipe them on standard input');
          const bytes = await readStdin(READ_LIMITS.text.maxBytes);
          if (bytes.length === 0) throw new GlimpseError('standard input is empty; expected one hypothesis per reference line (or pass --hyp FILE)');
          hypLines = metrics.readSacrebleuLines(metrics.decodeUtf8(bytes, 'standard input'), 'stdin');
        }
        const result = metrics.bleuCommand({
          refLines, refName: flags.ref, hypLines, hypName: flags.hyp ?? 'standard input', hypFromStdin: !flags.hyp,
          metric: flags.metric, tokenize: flags.tokenize, lowercase: flags.lowercase, format: flags.format,
          width: flags.width, scoreOnly: flags.scoreOnly,
        });
        for (const w of result.warnings) process.stderr.write(`${w}\n`);
        process.stdout.write(`${result.lines.join('\n')}\n`);
      });
    });
}

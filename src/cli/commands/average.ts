import type { Command } from 'commander';
import { io, train } from '../../index.js';
import { RunFolder, averageWeightFiles, derivedRunFiles } from '../../node.js';
import { UsageError, runAction } from '../errors.js';
import { int, oneOf, runDir } from '../parse.js';
import { checkRunOutput, writeRunOutput } from '../run-output.js';
import { VERSION } from '../version.js';

interface AverageFlags {
  run: string;
  last?: number;
  files?: string[];
  out: string;
  dtype: io.WeightDtype;
  force: boolean;
}

/** The checkpoints to average: the run's last N kept ones, or the files given. */
function chooseFiles(run: RunFolder, flags: AverageFlags): string[] {
  if ((flags.last === undefined) === (flags.files === undefined)) throw new UsageError('give either --last N (the run\'s kept step checkpoints) or --files A B …');
  if (flags.files) return flags.files;
  const kept = run.keptCheckpoints();
  const n = flags.last!;
  if (kept.length < n) {
    throw new UsageError(`--last ${n}: ${flags.run} keeps ${kept.length} step checkpoint${kept.length === 1 ? '' : 's'}` +
      `${kept.length ? ` (${kept.map((k) => k.step).join(', ')})` : ''}; train it with --keep-checkpoints ${n} or more, or pass --files`);
  }
  return kept.slice(-n).map((k) => k.file);
}

export function registerAverage(program: Command): void {
  program
    .command('average')
    .description('Average checkpoints of a run elementwise (as Joey NMT and OpenNMT do) into a new run folder that eval, translate and generate use (see docs/weights.md).')
    .requiredOption('--run <dir>', 'the run whose model the checkpoints hold (its config and vocabularies are copied)', runDir)
    .option('--last <n>', `the run's last n kept step checkpoints (step-<step>.safetensors, kept by train --keep-checkpoints; at most ${train.MAX_AVERAGED})`, int(1, train.MAX_AVERAGED))
    .option('--files <files...>', `safetensors weights files of the run's model to average (at most ${train.MAX_AVERAGED})`)
    .requiredOption('--out <dir>', 'the new run folder (created if missing; existing files are refused without --force)')
    .option('--dtype <name>', `how the averaged weights are stored: ${io.WEIGHT_DTYPE_NAMES.join(', ')}`, oneOf(io.WEIGHT_DTYPE_NAMES), 'f32')
    .option('--force', 'replace the files of an earlier average or export in --out (never a training run\'s)', false)
    .action(async (flags: AverageFlags, cmd: Command) => {
      await runAction('average', cmd.optsWithGlobals().verbose, () => {
        const run = RunFolder.open(flags.run);
        const files = chooseFiles(run, flags);
        if (files.length > train.MAX_AVERAGED) throw new UsageError(`--files: ${files.length} files; at most ${train.MAX_AVERAGED} are averaged`);
        checkRunOutput(flags.out, [flags.run], [], flags.force);
        const weights = averageWeightFiles(files);
        const out = derivedRunFiles(run, weights, `the average of ${files.join(', ')}`, {
          dtype: flags.dtype, metadata: { averaged_from: JSON.stringify(files), run: run.dir, glimpse: VERSION },
        });
        checkRunOutput(flags.out, [flags.run], out.map((f) => f.name), flags.force);
        const bytes = writeRunOutput(flags.out, out);
        console.log(`averaged ${files.length} checkpoint${files.length === 1 ? '' : 's'} into ${flags.out} (${out.map((f) => f.name).join(', ')}; ${(bytes / 1024).toFixed(1)} KiB)`);
      });
    });
}

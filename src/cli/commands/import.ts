import type { Command } from 'commander';
import { importPytorch } from '../../node.js';
import { runAction } from '../errors.js';
import { checkRunOutput, writeRunOutput } from '../run-output.js';

interface ImportFlags {
  from: string;
  run: string;
  weights?: string;
  force: boolean;
}

export function registerImport(program: Command): void {
  program
    .command('import')
    .description('Make a run folder from a PyTorch package (glimpse export --format pytorch) after training it with train_ddp.py; ' +
      'the weights are checked against the run\'s model and the loss PyTorch recorded on the check batch is recomputed (see docs/scale.md).')
    .requiredOption('--from <dir>', 'the exported package (with out/model.safetensors and out/check.json from train_ddp.py)')
    .requiredOption('--run <dir>', 'the new run folder to write (config, vocabularies, best.safetensors)')
    .option('--weights <file>', 'safetensors weights to import instead of out/model.safetensors (no loss check then)')
    .option('--force', 'replace the files of an earlier import in --run (never a training run\'s)', false)
    .action(async (flags: ImportFlags, cmd: Command) => {
      await runAction('import', cmd.optsWithGlobals().verbose, () => {
        const { files, check, weights } = importPytorch(flags.from, flags.weights ? { weights: flags.weights } : {});
        checkRunOutput(flags.run, [flags.from], files.map((f) => f.name), flags.force);
        if (check) {
          console.log(`loss on ${check.examples} check ${check.unit}: glimpse ${check.glimpse.toFixed(6)}, PyTorch ${check.pytorch.toFixed(6)} (|Δ| ${Math.abs(check.glimpse - check.pytorch).toExponential(1)})`);
        }
        const bytes = writeRunOutput(flags.run, files);
        console.log(`wrote ${files.map((f) => f.name).join(', ')} to ${flags.run} (${(bytes / 1024).toFixed(1)} KiB) from ${weights}`);
      });
    });
}

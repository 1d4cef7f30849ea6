import type { Command } from 'commander';
import { setBackend } from '../../index.js';
import { runDemo } from '../demo.js';
import { runAction } from '../errors.js';

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('The quick tour: learn to reverse strings with attention (about 20 s of training on 2 cores), show examples with the attention heatmap, and write the attention picture and training curves.')
    .option('--runs <dir>', 'folder of runs', 'runs')
    .option('--quick', 'a smaller, faster version (a few seconds of training)', false)
    .option('--backend <name>', 'kernels: native, wasm or js (default: the fastest available)')
    .option('--no-progress', 'no progress bar')
    .action(async (flags: { runs: string; quick: boolean; backend?: string; progress: boolean }, cmd: Command) => {
      await runAction('demo', cmd.optsWithGlobals().verbose, async () => {
        if (flags.backend) setBackend(flags.backend);
        await runDemo({ runsDir: flags.runs, quick: flags.quick, progress: flags.progress });
      });
    });
}

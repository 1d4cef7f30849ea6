import type { Command } from 'commander';
import { GlimpseError, train } from '../../index.js';
import { RunFolder, writeTrainingCurvesPng } from '../../node.js';
import { runAction } from '../errors.js';
import { FORCE_HELP, checkOutput } from '../outputs.js';
import { runDir } from '../parse.js';

export function registerPlot(program: Command): void {
  program
    .command('plot')
    .description('Draw a run\'s training curves (loss per epoch, train and valid, and the validation metric) as a PNG.')
    .requiredOption('--run <dir>', 'run folder', runDir)
    .option('--out <file>', 'PNG to write (default: <run>/curves.png, replaced on each plot)')
    .option('--force', FORCE_HELP, false)
    .action(async (flags: { run: string; out?: string; force: boolean }, cmd: Command) => {
      await runAction('plot', cmd.optsWithGlobals().verbose, async () => {
        if (flags.out !== undefined) checkOutput(flags.out, '--out', flags.force);
        const run = RunFolder.open(flags.run);
        const { epochs, steps, metricName, logEvery } = train.curvesFromLog(run.metrics(), run.config().task);
        if (epochs.length === 0) throw new GlimpseError(`${flags.run} has no evaluations in its metrics log yet; nothing to plot`);
        const out = flags.out ?? run.path('curves.png');
        await writeTrainingCurvesPng(out, epochs, { title: `Training curves: ${run.dir.split('/').pop()}`, steps, metricName, stepInterval: logEvery });
        process.stdout.write(`${out}\n`);
      });
    });
}

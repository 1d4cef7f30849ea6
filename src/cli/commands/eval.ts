import type { Command } from 'commander';
import { noGrad } from '../../core/grad.js';
import { setBackend } from '../../backend/registry.js';
import { loadRun } from '../../train/session.js';
import { runAction } from '../errors.js';
import { oneOf } from '../parse.js';

interface EvalFlags {
  run: string;
  split: 'valid' | 'test';
  checkpoint: 'best' | 'last';
  json: boolean;
  backend?: string;
}

export function registerEval(program: Command): void {
  program
    .command('eval')
    .description('Evaluate a trained run on a split: loss and perplexity (teacher-forced), exact match and token accuracy (synthetic tasks).')
    .requiredOption('--run <dir>', 'run folder (made by glimpse train)')
    .option('--split <name>', 'valid or test', oneOf(['valid', 'test'] as const), 'test')
    .option('--checkpoint <which>', 'best or last', oneOf(['best', 'last'] as const), 'best')
    .option('--json', 'print the metrics as JSON', false)
    .option('--backend <name>', 'kernels: native, wasm or js (default: the fastest available)')
    .action(async (flags: EvalFlags, cmd: Command) => {
      await runAction('eval', cmd.optsWithGlobals().verbose, () => {
        if (flags.backend) setBackend(flags.backend);
        const { experiment } = loadRun(flags.run, flags.checkpoint);
        const metrics = noGrad(() => experiment.task.evaluate(flags.split));
        if (flags.json) process.stdout.write(`${JSON.stringify({ run: flags.run, split: flags.split, checkpoint: flags.checkpoint, ...metrics })}\n`);
        else for (const [k, v] of Object.entries(metrics)) process.stdout.write(`${k.padEnd(10)} ${v.toFixed(4)}\n`);
      });
    });
}

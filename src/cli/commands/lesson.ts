import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { isTableKey, setBackend } from '../../index.js';
import { UsageError, runAction } from '../errors.js';
import { LESSONS, LESSON_NAMES } from '../lessons/index.js';
import { int } from '../parse.js';

interface LessonFlags {
  out?: string; quick: boolean; full: boolean; seed: number; data?: string; steps?: number; backend?: string;
}

/** The lessons, one line each. */
function listing(): string[] {
  const width = Math.max(...LESSON_NAMES.map((n) => n.length));
  return LESSON_NAMES.map((n) => `  ${n.padEnd(width)}  ${LESSONS[n].summary}`);
}

/** Makes `dir` (and its parents) and checks it is a folder this process can write; one line otherwise. */
function outFolder(dir: string): string {
  let stat;
  try {
    stat = statSync(dir);
  } catch {
    try {
      mkdirSync(dir, { recursive: true });
    } catch (e) {
      throw new UsageError(`--out ${dir}: cannot create this folder (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    return dir;
  }
  if (!stat.isDirectory()) throw new UsageError(`--out ${dir} is a file; expected a folder for the lesson's pictures`);
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    throw new UsageError(`--out ${dir}: this folder is not writable`);
  }
  return dir;
}

export function registerLesson(program: Command): void {
  program
    .command('lesson')
    .argument('[name]', `the lesson to run: ${LESSON_NAMES.join(', ')} (none: list them)`)
    .description('Run one of the seed lessons end to end: it trains what it needs, prints what it found and writes its pictures into --out.')
    .option('--out <dir>', 'folder for the pictures, runs and results (default: lessons/<name>)')
    .option('--quick', 'a seconds-long version (what the tests run)', false)
    .option('--full', 'the protocol\'s own settings, where the lesson follows one (bottleneck: PROTOCOL W3b; long)', false)
    .option('--seed <n>', 'random seed', int(0, 2 ** 32 - 1), 1)
    .option('--data <name>', 'the lesson\'s data, where it takes one (lstm-vs-gru: reverse, copy, sort, dates, or a text such as tinyshakespeare)')
    .option('--steps <n>', 'training steps per model, where the lesson trains (default: the lesson\'s budget)', int(1, 1_000_000))
    .option('--backend <name>', 'kernels: native, wasm or js (default: the fastest available)')
    .action(async (name: string | undefined, flags: LessonFlags, cmd: Command) => {
      await runAction('lesson', cmd.optsWithGlobals().verbose, async () => {
        if (name === undefined) {
          process.stdout.write(`The lessons (glimpse lesson NAME [--quick] [--out DIR] [--seed N]):\n${listing().join('\n')}\n`);
          return;
        }
        if (!isTableKey(LESSONS, name)) throw new UsageError(`unknown lesson "${name}"; the lessons are: ${LESSON_NAMES.join(', ')} (glimpse lesson lists them with a line each)`);
        if (flags.backend) setBackend(flags.backend);
        const out = outFolder(flags.out ?? `lessons/${name}`);
        await LESSONS[name].run({
          out, quick: flags.quick, full: flags.full, seed: flags.seed, data: flags.data, steps: flags.steps,
          print: (line) => process.stdout.write(`${line}\n`),
          say: (line) => process.stderr.write(`${line}\n`),
        });
      });
    });
}

import { Command } from 'commander';
import { registerBleu } from './commands/bleu.js';
import { registerData } from './commands/data.js';
import { registerTrain } from './commands/train.js';
import { registerEval } from './commands/eval.js';
import { registerGenerate } from './commands/generate.js';
import { registerTranslate } from './commands/translate.js';
import { registerPlot } from './commands/plot.js';
import { registerDemo } from './commands/demo.js';
import { registerSubwords } from './commands/subwords.js';
import { registerLesson } from './commands/lesson.js';
import { registerExport } from './commands/export.js';
import { registerServe } from './commands/serve.js';
import { registerAverage } from './commands/average.js';
import { registerPretrained } from './commands/pretrained.js';
import { registerImport } from './commands/import.js';
import { registerExplore } from './commands/explore.js';
import { EXIT } from './errors.js';
import { VERSION } from './version.js';

/** commander's own outcomes that are not errors. */
const NOT_ERRORS = new Set(['commander.helpDisplayed', 'commander.help', 'commander.version', 'commander.executeSubCommandAsync']);

/**
 * The command tree. Every command's options are listed with their defaults by `--help`; bad
 * flags fail with commander's one-line error; failures inside a command go through runAction.
 */
export function buildProgram(): Command {
  const program = new Command('glimpse')
    .description('Attention-based sequence models on CPU: train, generate, translate and see what the model attends to.')
    .version(VERSION)
    .option('--verbose', 'print stack traces of errors', false)
    .configureHelp({ showGlobalOptions: true })
    // A bad flag or argument is a usage error: commander has printed its line; exit 2.
    .exitOverride((err) => process.exit(NOT_ERRORS.has(err.code) ? err.exitCode : EXIT.usage));
  registerDemo(program);
  registerTrain(program);
  registerEval(program);
  registerGenerate(program);
  registerTranslate(program);
  registerPlot(program);
  registerData(program);
  registerBleu(program);
  registerSubwords(program);
  registerLesson(program);
  registerExport(program);
  registerServe(program);
  registerExplore(program);
  registerAverage(program);
  registerPretrained(program);
  registerImport(program);
  return program;
}

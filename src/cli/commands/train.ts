import { type Command, Option } from 'commander';
import { GlimpseError, models, optim, ruleOf, setBackend, train } from '../../index.js';
import { checkRunName, readRunConfigInput, resumeSession, startSession } from '../../node.js';
import { EXIT, UsageError, runAction } from '../errors.js';
import { oneOf } from '../parse.js';
import { CONFIG_FLAGS, type FlagContext, addConfigFlags, applyConfigFlags } from '../train-flags.js';
import { fmt, trainWithProgress } from '../train-progress.js';
import { VERSION } from '../version.js';

interface TrainFlags {
  task?: string; model?: string; arch?: string; attention?: string; config?: string; name?: string; runs: string; resume?: string;
  backend?: string; progress: boolean;
}

/** The flags the user typed (not defaults), by option key. */
function givenFlags(cmd: Command): Map<string, unknown> {
  const given = new Map<string, unknown>();
  for (const [key, value] of Object.entries(cmd.opts())) {
    if (cmd.getOptionValueSource(key) === 'cli') given.set(key, value);
  }
  return given;
}

/**
 * The run config the user asked for: the `--config` file (a run config input, or a run's own
 * config.json), then the flags they typed over it, over the task's preset. A flag overrides the
 * file only when it was given; a flag that means nothing for the chosen task, model, optimizer
 * or schedule is refused.
 */
function runConfigFrom(flags: TrainFlags, given: ReadonlyMap<string, unknown>): train.RunConfig {
  const base: train.RunConfigInput = flags.config ? readRunConfigInput(flags.config) : {};
  const input: train.RunConfigInput = {
    ...base,
    ...(flags.task !== undefined ? { task: flags.task } : {}),
    ...(flags.model !== undefined ? { modelName: flags.model } : {}),
    ...(flags.arch !== undefined ? { arch: flags.arch } : {}),
    ...(flags.attention !== undefined ? { attention: flags.attention } : {}),
  };
  // Resolve once without the flags to learn the task, model, optimizer and schedule they refer to.
  const first = asUsage(!flags.config, () => (flags.config ? inFile(flags.config, () => train.resolveRunConfig(input)) : train.resolveRunConfig(input)));
  const ctx = flagContext(first, given);
  const keysOf = (section: 'data' | 'model' | 'train' | 'objective'): readonly string[] => ({
    data: Object.keys(train.DATA_KINDS[ctx.task.data].spec),
    model: ctx.modelKeys,
    train: Object.keys(train.TRAIN_SPEC),
    objective: train.OBJECTIVE_KEYS[ctx.task.family],
  })[section];
  return asUsage(!flags.config, () => train.resolveRunConfig(applyConfigFlags(input, given, ctx, keysOf)));
}

/** Runs `fn`; a GlimpseError it throws names the file first. */
function inFile<T>(file: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof GlimpseError && !e.message.startsWith(file)) throw new GlimpseError(`${file}: ${e.message}`);
    throw e;
  }
}

/** Errors of a config made only of flags are usage errors (exit 2); a config file's are errors in that file. */
function asUsage<T>(fromFlags: boolean, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (fromFlags && e instanceof GlimpseError && !(e instanceof UsageError)) throw new UsageError(e.message);
    throw e;
  }
}

function flagContext(config: train.RunConfig, given: ReadonlyMap<string, unknown>): FlagContext {
  const task = train.TASKS[config.task];
  const arch = ruleOf(models.FAMILIES[task.family].archs, config.model.arch, 'architecture');
  const attentionName = typeof config.model.attention === 'string' ? config.model.attention : null;
  const optimizerName = String(given.get('optimizer') ?? config.train.optimizer);
  const scheduleName = String(given.get('schedule') ?? config.train.schedule);
  return {
    taskName: config.task,
    task,
    archName: config.model.arch,
    modelKeys: arch.keys,
    attention: attentionName === null ? null : ruleOf(models.ATTENTION, attentionName, 'attention'),
    attentionName,
    optimizer: ruleOf(optim.OPTIMIZERS, optimizerName, 'optimizer'),
    optimizerName,
    schedule: ruleOf(optim.SCHEDULES, scheduleName, 'schedule'),
    scheduleName,
  };
}

/** `<task>-<model>` for a language model, `<task>-<attention>` for seq2seq: reverse-luong-general. */
function defaultName(config: train.RunConfig, flags: TrainFlags): string {
  const m = config.model;
  if (flags.model) return `${config.task}-${flags.model}`;
  const variant = typeof m.attention === 'string' ? m.attention : `${String(m.cell ?? m.arch)}${m.attention === true ? '-attn' : ''}`;
  return `${config.task}-${variant}`;
}

const list = (names: readonly string[]): string => names.join(', ');

export function registerTrain(program: Command): void {
  const command = program
    .command('train')
    .description('Train a model; the run (config, vocabularies, checkpoints, metrics log) goes to runs/<name>/.')
    .addOption(new Option('--task <name>', `what to learn (default reverse): ${train.TASK_NAMES.map((t) => `${t}: ${train.TASKS[t].summary}`).join('; ')}`).argParser(oneOf(train.TASK_NAMES)))
    .addOption(new Option('--model <name>', `language model (task lm): ${list(train.LM_MODEL_NAMES)}`).argParser(oneOf(train.LM_MODEL_NAMES)))
    .addOption(new Option('--arch <name>', `architecture: ${list(Object.keys(models.SEQ2SEQ_ARCHS))} (default rnn; a language model can also be named with --model)`))
    .addOption(new Option('--attention <name>', `seq2seq attention (default: bahdanau for translate, luong-general for synthetic tasks): ${list(models.ATTENTION_KINDS)}`).argParser(oneOf(models.ATTENTION_KINDS)))
    .option('--config <file>', 'JSON run config ({task, modelName, arch, attention, data, model, train, objective}) or a run\'s config.json; flags you give override it')
    .option('--name <name>', 'run name (default: <task>-<model or attention>; -2, -3… when taken)')
    .option('--runs <dir>', 'folder of runs', 'runs')
    .option('--resume <dir>', 'continue an interrupted run from its last checkpoint, exactly, with its own config')
    .option('--backend <name>', 'kernels: native, wasm or js (default: the fastest available)')
    .option('--no-progress', 'no progress bar');
  addConfigFlags(command);
  command
    .addHelpText('after', `
Presets (PROTOCOL.md workloads; any flag overrides them):
  lm         W1: 2-layer LSTM 256, dropout 0.2, batch 32 streams × 35, Adam 2e-3, clip 0.25,
             6 epochs, lr halved after an epoch without improvement; data tinyshakespeare
  translate  W2: bi-GRU 256 encoder, GRU 512 decoder, Bahdanau attention 512, dropout 0.3,
             batch 128, Adam 1e-3, clip 1, 10 epochs; data multi30k (en → de)
  reverse, copy, sort, dates
             W3: bi-GRU 64 encoder, GRU 128 decoder, Luong general attention with input
             feeding, embeddings 64, batch 64, Adam 1e-3, clip 1, at most 20 epochs,
             evaluation every 100 steps, lr halved after two evaluations without a new best,
             stop at 99.5 % validation exact match; data generated in-process
  --arch transformer (seq2seq tasks)
             translate: W5: post-norm Transformer, d_model 256, 3 + 3 layers, 4 heads,
             feed-forward 1024, dropout 0.1, label smoothing 0.1, Adam (0.9, 0.98) ε 1e-9,
             lr 5e-4 with 1,000 warm-up steps then 1/√step, clip 1, 10 epochs
             reverse, copy, sort, dates: d_model 64, 2 + 2 layers, 4 heads, feed-forward 256,
             label smoothing 0.1, Adam (0.9, 0.98) lr 1e-3, 200 warm-up steps then 1/√step
  lm --model transformer
             W1 transformer: 4 pre-norm GELU layers of 256, 4 heads, feed-forward 1024,
             learned positions over the 35-token window, dropout 0.2, Adam lr 1e-3

Examples:
  glimpse train --task reverse --attention luong-general
  glimpse train --task lm --model lstm-attn --data tinyshakespeare
  glimpse train --task translate --data multi30k --epochs 5
  glimpse train --task reverse --arch transformer --d-model 128 --heads 8 --norm pre
  glimpse train --task lm --model transformer --layers 2
  glimpse train --task reverse --schedule warmup-cosine --warmup-steps 200 --max-steps 2000
  glimpse train --resume runs/reverse-luong-general`)
    .action(async (flags: TrainFlags, cmd: Command) => {
      await runAction('train', cmd.optsWithGlobals().verbose, async () => {
        const given = givenFlags(cmd);
        if (flags.backend) setBackend(flags.backend);
        let session;
        if (flags.resume) {
          const extra = [...given.keys()].filter((k) => k in CONFIG_FLAGS || ['task', 'model', 'arch', 'attention', 'config', 'name'].includes(k));
          if (extra.length) {
            throw new UsageError(`--resume continues a run with its own config; it cannot be combined with ${extra.map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(', ')}`);
          }
          session = resumeSession(flags.resume);
        } else {
          const config = runConfigFrom(flags, given);
          const name = flags.name ?? defaultName(config, flags);
          asUsage(true, () => checkRunName(name));
          session = startSession(config, { runsDir: flags.runs, name, version: VERSION });
        }
        const { run, trainer, experiment } = session;
        const out = process.stderr;
        out.write(`${session.resumed ? 'resuming' : 'training'} ${experiment.config.task} (${experiment.model.numParameters().toLocaleString('en-US')} parameters) in ${run.dir}\n`);
        if (session.cleaned.length) out.write(`removed ${session.cleaned.length} temporary file(s) left by an interrupted save: ${session.cleaned.join(', ')}\n`);
        if (session.repairedLast) out.write(`last.safetensors did not hold the checkpoint's step ${trainer.state.step}; rewritten from checkpoint.safetensors\n`);
        const summary = await trainWithProgress(session, flags.progress, (line) => out.write(`${line}\n`));
        if (!summary.finished) {
          out.write(`interrupted${summary.signal ? ` (${summary.signal})` : ''} at step ${summary.steps}; the checkpoint was saved; resume with: glimpse train --resume ${run.dir}\n`);
          process.exitCode = summary.signal === 'SIGTERM' ? EXIT.terminated : EXIT.interrupted;
          return;
        }
        out.write(`${summary.stopReason} after ${summary.steps} steps (${summary.trainSeconds.toFixed(1)} s of training)\n`);
        if (summary.best) out.write(`best validation ${trainer.task.primary.name} ${fmt(summary.best.value)} at step ${summary.best.step}\n`);
        if (summary.test) out.write(`test: ${Object.entries(summary.test).map(([k, v]) => `${k} ${fmt(v)}`).join(', ')}\n`);
        out.write(`run folder: ${run.dir}\n`);
      });
    });
}

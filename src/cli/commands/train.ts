import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { GlimpseError, models, setBackend, train } from '../../index.js';
import { resumeSession, startSession } from '../../node.js';
import { EXIT, runAction } from '../errors.js';
import { fmt } from '../train-progress.js';
import { float, int, oneOf } from '../parse.js';
import { trainWithProgress } from '../train-progress.js';
import { VERSION } from '../version.js';

interface TrainFlags {
  task?: string; model?: string; attention?: string; data?: string; config?: string; name?: string; runs: string; resume?: string;
  epochs?: number; maxSteps?: number; stepsPerEpoch?: number; batchSize?: number; lr?: number; clip?: number; optimizer?: string;
  weightDecay?: number; schedule?: string; dropout?: number; embedding?: number; hidden?: number; encoderHidden?: number; layers?: number;
  heads?: number; inputFeeding?: boolean; tieWeights?: boolean; labelSmoothing?: number; teacherForcing?: number; earlyStopping?: number;
  evalEvery?: number; target?: number; seed?: number; level?: string; bucket?: boolean; backend?: string; progress: boolean;
}

function readConfigFile(path: string): train.RunConfigInput {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new GlimpseError(`cannot read the config file ${path}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new GlimpseError(`${path} is not valid JSON: ${(e as Error).message}`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new GlimpseError(`${path}: expected a JSON object`);
  // A run folder's config.json works too: its run config sits under "run".
  const obj = ('run' in parsed ? (parsed as { run: unknown }).run : parsed) as Record<string, unknown>;
  const known = ['task', 'modelName', 'attention', 'data', 'objective', 'model', 'train'];
  for (const k of Object.keys(obj)) if (!known.includes(k)) throw new GlimpseError(`${path}: unknown key "${k}" (known keys: ${known.join(', ')})`);
  return obj as train.RunConfigInput;
}

const set = (target: Record<string, unknown>, key: string, value: unknown): void => {
  if (value !== undefined) target[key] = value;
};

/** Flags over the config file over the task preset. */
function runInput(f: TrainFlags): train.RunConfigInput {
  const base = f.config ? readConfigFile(f.config) : {};
  const task = f.task ?? base.task;
  const lm = task === 'lm';
  const data = { ...base.data };
  const model = { ...base.model };
  const train = { ...base.train };
  const objective = { ...base.objective };
  set(data, 'source', f.data);
  set(data, 'batchSize', f.batchSize);
  set(data, 'level', f.level);
  set(data, 'bucket', f.bucket);
  set(model, 'dropout', f.dropout);
  set(model, 'embeddingSize', f.embedding);
  set(model, lm ? 'hiddenSize' : 'decoderHidden', f.hidden);
  set(model, 'encoderHidden', f.encoderHidden);
  set(model, lm ? 'numLayers' : 'encoderLayers', f.layers);
  set(model, 'heads', f.heads);
  set(model, 'inputFeeding', f.inputFeeding);
  set(model, 'tieWeights', f.tieWeights);
  for (const k of ['epochs', 'maxSteps', 'stepsPerEpoch', 'lr', 'clip', 'optimizer', 'weightDecay', 'schedule', 'earlyStopping', 'evalEvery', 'target', 'seed'] as const) {
    set(train, k, f[k]);
  }
  set(objective, 'labelSmoothing', f.labelSmoothing);
  set(objective, 'teacherForcing', f.teacherForcing);
  return { ...base, task, modelName: f.model ?? base.modelName, attention: f.attention ?? base.attention, data, model, train, objective };
}

/** `<task>-<model>` for a language model, `<task>-<attention>` for seq2seq: reverse-luong-general. */
function defaultName(config: train.RunConfig): string {
  const m = config.model;
  const variant = config.task === 'lm' ? `${m.cell}${m.attention ? '-attn' : ''}` : String(m.attention);
  return `${config.task}-${variant}`;
}


export function registerTrain(program: Command): void {
  program
    .command('train')
    .description('Train a model; the run (config, vocabularies, checkpoints, metrics log) goes to runs/<name>/.')
    .option('--task <name>', `what to learn: ${train.TASKS.join(', ')}`, oneOf(train.TASKS), 'reverse')
    .option('--model <name>', `language model (task lm): ${train.LM_MODELS.join(', ')}`, oneOf(train.LM_MODELS))
    .option('--attention <name>', `seq2seq attention: ${models.ATTENTION_KINDS.join(', ')} (default: bahdanau for translate, luong-general for synthetic tasks)`, oneOf(models.ATTENTION_KINDS))
    .option('--data <name|path>', 'dataset name (tinyshakespeare, multi30k) or path (lm: text file; translate: folder of train/val/test.<lang> files)')
    .option('--config <file>', 'JSON run config ({task, modelName, attention, data, model, train, objective}); flags override it')
    .option('--name <name>', 'run name (default: <task>-<model or attention>; -2, -3… when taken)')
    .option('--runs <dir>', 'folder of runs', 'runs')
    .option('--resume <dir>', 'continue an interrupted run from its last checkpoint, exactly')
    .option('--epochs <n>', 'passes over the training data (preset)', int(1))
    .option('--max-steps <n>', 'stop after n steps in total', int(0))
    .option('--steps-per-epoch <n>', 'use only the first n batches of each epoch', int(0))
    .option('--batch-size <n>', 'examples per batch (lm: streams) (preset)', int(1))
    .option('--lr <x>', 'learning rate (preset)', float(0, Infinity, true))
    .option('--clip <x>', 'gradient-norm clipping, 0 = off (preset)', float(0))
    .option('--optimizer <name>', 'adam, adamw or sgd (default adam)', oneOf(['adam', 'adamw', 'sgd'] as const))
    .option('--weight-decay <x>', 'weight decay (default 0)', float(0))
    .option('--schedule <name>', 'none, plateau, step, exponential, warmup-cosine, warmup-invsqrt (preset)', oneOf(['none', 'plateau', 'step', 'exponential', 'warmup-cosine', 'warmup-invsqrt'] as const))
    .option('--dropout <p>', 'dropout probability (preset)', float(0, 1))
    .option('--embedding <n>', 'embedding size (preset)', int(1))
    .option('--hidden <n>', 'hidden size: lm LSTM/GRU, seq2seq decoder (preset)', int(1))
    .option('--encoder-hidden <n>', 'seq2seq encoder hidden size per direction (preset)', int(1))
    .option('--layers <n>', 'recurrent layers: lm layers, seq2seq encoder layers (preset)', int(1))
    .option('--heads <n>', 'heads of multi-head attention (default 4)', int(1))
    .option('--input-feeding', 'Luong input feeding (default on for Luong attention in synthetic tasks)')
    .option('--no-input-feeding', 'turn input feeding off')
    .option('--tie-weights', 'tie the output layer to the embedding')
    .option('--label-smoothing <e>', 'label smoothing ε (default 0)', float(0, 1))
    .option('--teacher-forcing <r>', 'probability of feeding the reference token (default 1)', float(0, 1))
    .option('--early-stopping <n>', 'stop after n evaluations without improvement, 0 = off (default 0)', int(0))
    .option('--eval-every <n>', 'evaluate every n steps, 0 = every epoch (preset)', int(0))
    .option('--target <x>', 'stop when the validation metric reaches x (synthetic tasks: exact match, preset 0.995)', float())
    .option('--seed <n>', 'random seed (default 1)', int(0))
    .option('--level <level>', 'lm tokens: word or char (default word)', oneOf(['word', 'char'] as const))
    .option('--bucket', 'group similar lengths into batches (seq2seq)')
    .option('--backend <name>', 'kernels: native, wasm or js (default: the fastest available)')
    .option('--no-progress', 'no progress bar')
    .addHelpText('after', `
Presets (PROTOCOL.md workloads; any flag overrides them):
  lm         W1: 2-layer LSTM 256, dropout 0.2, batch 32 streams × 35, Adam 2e-3, clip 0.25,
             6 epochs, lr halved after an epoch without improvement; data tinyshakespeare
  translate  W2: bi-GRU 256 encoder, GRU 512 decoder, Bahdanau attention 512, dropout 0.3,
             batch 128, Adam 1e-3, clip 1, 10 epochs; data multi30k (en → de)
  reverse    W3: bi-GRU 64 encoder, GRU 128 decoder, Luong general attention with input
  copy, sort feeding, embeddings 64, batch 64, Adam 1e-3, clip 1, 10 epochs, evaluation every
  dates      100 steps, stop at 99.5 % validation exact match; data generated in-process

Examples:
  glimpse train --task reverse --attention luong-general
  glimpse train --task lm --model lstm-attn --data tinyshakespeare
  glimpse train --task translate --data multi30k --epochs 5
  glimpse train --resume runs/reverse-luong-general`)
    .action(async (flags: TrainFlags, cmd: Command) => {
      await runAction('train', cmd.optsWithGlobals().verbose, async () => {
        if (flags.backend) setBackend(flags.backend);
        let session;
        if (flags.resume) session = resumeSession(flags.resume);
        else {
          const input = runInput(flags);
          const config = train.resolveRunConfig(input);
          session = startSession(config, { runsDir: flags.runs, name: flags.name ?? defaultName(config), version: VERSION });
        }
        const { run, trainer, experiment } = session;
        const out = process.stderr;
        out.write(`${session.resumed ? 'resuming' : 'training'} ${experiment.config.task} (${experiment.model.numParameters().toLocaleString('en-US')} parameters) in ${run.dir}\n`);
        const summary = await trainWithProgress(session, flags.progress, (line) => out.write(`${line}\n`));
        if (summary.stopReason === 'interrupted') {
          out.write(`interrupted at step ${summary.steps}; resume with: glimpse train --resume ${run.dir}\n`);
          process.exitCode = EXIT.interrupted;
          return;
        }
        out.write(`${summary.stopReason} after ${summary.steps} steps (${summary.trainSeconds.toFixed(1)} s of training)\n`);
        if (summary.best) out.write(`best validation ${trainer.task.primary.name} ${fmt(summary.best.value)} at step ${summary.best.step}\n`);
        if (summary.test) out.write(`test: ${Object.entries(summary.test).map(([k, v]) => `${k} ${fmt(v)}`).join(', ')}\n`);
        out.write(`run folder: ${run.dir}\n`);
      });
    });
}

import { appendFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Tensor } from '../core/tensor.js';
import type { Vocab } from '../data/index.js';
import { loadSafetensors, readSafetensorsHeader } from '../io/node.js';
import { encodeSafetensors } from '../io/safetensors.js';
import type { Module, StateDict } from '../nn/index.js';
import { GlimpseError } from '../util/errors.js';
import { readTextChecked, withCheckedFile, writeFileAtomic } from '../util/fs-node.js';
import { type CheckpointMeta, parseCheckpointMeta } from './checkpoint-meta.js';
import { parseMetricsLog } from './metrics-log.js';
import type { RunVocabs, TrainedModel } from './model.js';
import { RUN_FILES, VOCAB_SIDES, buildRunModel, keptStep, checkRunVocabs, formatRunConfig, parseRunConfig, parseVocab } from './run-file.js';
import type { RunConfig } from './run-config.js';
import { inFile } from './run-config-check.js';
import type { CheckpointSink, EvalRecord, TrainingSnapshot } from './trainer.js';
import { checkCheckpointFit, checkWeightsFit } from './weights-check.js';

export { RUN_FILES, RUN_FORMAT, RUN_VERSION } from './run-file.js';

/**
 * A run's folder (`runs/<name>/`): its resolved config, vocabularies, checkpoints and metrics
 * log. Every file is written atomically (temp file + rename), so a crash never leaves a
 * half-written checkpoint; a new run always gets a new folder, so it never overwrites another
 * run's checkpoints.
 *
 * - `best.safetensors`, `last.safetensors`: the weights, with PyTorch state-dict names.
 * - `checkpoint.safetensors`: everything to resume exactly (weights, optimizer moments, carried
 *   state; the trainer's state, RNG states and schedule as JSON metadata).
 * - `step-<step>.safetensors`: with `train.keepCheckpoints` N > 0, the weights of the last N
 *   saved checkpoints (older ones are removed), for `glimpse average --last N`.
 */
export class RunFolder implements CheckpointSink {
  private keep: number | undefined;

  private constructor(readonly dir: string) {}

  /**
   * A new folder under `runsDir` named `name`, or `name-2`, `name-3`, … when taken.
   */
  static create(runsDir: string, name: string, config: RunConfig, version: string): RunFolder {
    checkRunName(name);
    mkdirSync(runsDir, { recursive: true });
    let dir = join(runsDir, name);
    for (let k = 2; existsSync(dir); k++) dir = join(runsDir, `${name}-${k}`);
    mkdirSync(dir);
    const run = new RunFolder(resolve(dir));
    writeFileAtomic(run.path(RUN_FILES.config), formatRunConfig(config, version));
    return run;
  }

  /** An existing run folder; anything else is an error saying what is missing. */
  static open(dir: string): RunFolder {
    const st = statSync(dir, { throwIfNoEntry: false });
    if (!st) throw new GlimpseError(`${dir} is not a run folder: it does not exist`);
    if (!st.isDirectory()) throw new GlimpseError(`${dir} is not a run folder: it is not a folder`);
    if (!existsSync(join(dir, RUN_FILES.config))) {
      throw new GlimpseError(`${dir} is not a run folder: it has no ${RUN_FILES.config} (runs are made by glimpse train)`);
    }
    const run = new RunFolder(resolve(dir));
    run.config(); // validates the file
    return run;
  }

  path(file: string): string {
    return join(this.dir, file);
  }

  has(file: string): boolean {
    return existsSync(this.path(file));
  }

  /** The run's config, checked as flags are (see checkRunConfig); errors name config.json. */
  config(): RunConfig {
    const file = this.path(RUN_FILES.config);
    return parseRunConfig(readTextChecked(file, 'config'), file);
  }

  saveVocabs(vocabs: RunVocabs): void {
    for (const [side, v] of Object.entries(vocabs) as [keyof RunVocabs, Vocab | undefined][]) {
      if (v) writeFileAtomic(this.path(RUN_FILES.vocab(side)), `${JSON.stringify(v.toJSON())}\n`);
    }
  }

  /** The run's vocabularies, each checked, and those its task needs present. */
  vocabs(): RunVocabs {
    const out: RunVocabs = {};
    for (const side of VOCAB_SIDES) {
      const p = this.path(RUN_FILES.vocab(side));
      if (existsSync(p)) out[side] = parseVocab(readTextChecked(p, 'vocab'), p);
    }
    checkRunVocabs(this.config(), out, (side) => this.path(RUN_FILES.vocab(side)));
    return out;
  }

  /** The run's model (fresh weights) from its config and vocabularies; errors name the files. */
  buildModel(): TrainedModel {
    return buildRunModel(this.config(), this.vocabs(), { config: this.path(RUN_FILES.config), vocab: (side) => this.path(RUN_FILES.vocab(side)) });
  }

  /** Appends one record to metrics.jsonl. */
  log(record: Record<string, unknown>): void {
    appendFileSync(this.path(RUN_FILES.metrics), `${JSON.stringify(record)}\n`);
  }

  /** The records of metrics.jsonl, each line checked (errors name the file and line). */
  metrics(): Record<string, unknown>[] {
    if (!this.has(RUN_FILES.metrics)) return [];
    const file = this.path(RUN_FILES.metrics);
    return parseMetricsLog(readTextChecked(file, 'metrics'), file);
  }

  saveBest(model: StateDict, record: EvalRecord): void {
    writeFileAtomic(this.path(RUN_FILES.best), encodeSafetensors(model, { step: String(record.step), epoch: String(record.epoch), metrics: JSON.stringify(record.metrics) }));
  }

  saveLast(s: TrainingSnapshot): void {
    const tensors: Record<string, Tensor> = {};
    for (const [k, v] of Object.entries(s.model)) tensors[`model.${k}`] = v;
    for (const [k, v] of Object.entries(s.optimizer.tensors)) tensors[`optimizer.${k}`] = v;
    for (const [k, v] of Object.entries(s.carried)) tensors[`carried.${k}`] = v;
    const { tensors: _, ...optimizerJson } = s.optimizer;
    writeFileAtomic(this.path(RUN_FILES.checkpoint), encodeSafetensors(tensors, {
      format: 'glimpse-checkpoint', trainer: JSON.stringify(s.state), optimizer: JSON.stringify(optimizerJson), schedule: JSON.stringify(s.schedule),
    }));
    // Checkpoint first: a kill between the two leaves the checkpoint (what --resume reads) ahead,
    // and resuming rewrites last.safetensors from it (repairLast).
    this.writeLast(s);
  }

  private writeLast(s: TrainingSnapshot): void {
    const bytes = encodeSafetensors(s.model, { step: String(s.state.step), epoch: String(s.state.epoch) });
    writeFileAtomic(this.path(RUN_FILES.last), bytes);
    this.keep ??= this.config().train.keepCheckpoints;
    if (this.keep > 0) {
      writeFileAtomic(this.path(RUN_FILES.step(s.state.step)), bytes);
      // Written first, removed after: a kill in between leaves one file too many, never too few.
      for (const old of this.keptCheckpoints().slice(0, -this.keep)) rmSync(old.file, { force: true });
    }
  }

  /** The kept step checkpoints (`step-<step>.safetensors`), oldest first. */
  keptCheckpoints(): { step: number; file: string }[] {
    return readdirSync(this.dir)
      .map((name) => ({ step: keptStep(name), file: this.path(name) }))
      .filter((k): k is { step: number; file: string } => k.step !== null)
      .sort((a, b) => a.step - b.step);
  }

  /** The step last.safetensors records in its metadata (null when it is missing or has none). */
  lastStep(): number | null {
    if (!this.has(RUN_FILES.last)) return null;
    const file = this.path(RUN_FILES.last);
    const meta = withCheckedFile(file, 'weights', (f) => readSafetensorsHeader(f).metadata);
    const step = Object.hasOwn(meta, 'step') ? Number(meta.step) : NaN;
    return Number.isSafeInteger(step) ? step : null;
  }

  /**
   * Rewrites last.safetensors from the checkpoint's weights when it is missing or records
   * another step (a process killed between the two saves); returns whether it did.
   */
  repairLast(s: TrainingSnapshot): boolean {
    let step: number | null;
    try {
      step = this.lastStep();
    } catch {
      step = null; // unreadable: the checkpoint's weights replace it
    }
    if (step === s.state.step) return false;
    this.writeLast(s);
    return true;
  }

  /** The checkpoint's trainer state and optimizer JSON, from its header alone (null when there is none). */
  snapshotMeta(): CheckpointMeta | null {
    if (!this.has(RUN_FILES.checkpoint)) return null;
    const file = this.path(RUN_FILES.checkpoint);
    return withCheckedFile(file, 'checkpoint', (f) => parseCheckpointMeta(readSafetensorsHeader(f).metadata, file));
  }

  /**
   * The resumable state, or null when the run has not saved one yet. With `model`, the
   * checkpoint's tensors are checked against it before any is read (see checkCheckpointFit).
   */
  snapshot(model?: Module): TrainingSnapshot | null {
    if (!this.has(RUN_FILES.checkpoint)) return null;
    const file = this.path(RUN_FILES.checkpoint);
    let meta: CheckpointMeta | undefined;
    const { tensors } = loadSafetensors(file, {
      kind: 'checkpoint',
      check: (header) => {
        meta = parseCheckpointMeta(header.metadata, file);
        if (model) checkCheckpointFit(header, model, file);
      },
    });
    const pick = (prefix: string): Record<string, Tensor> => {
      const out = Object.create(null) as Record<string, Tensor>;
      for (const [k, v] of Object.entries(tensors)) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = v;
      return out;
    };
    return { state: meta!.state, model: pick('model.'), optimizer: { ...meta!.optimizer, tensors: pick('optimizer.') }, schedule: meta!.schedule, carried: pick('carried.') };
  }

  private weightsFile(which: 'best' | 'last'): string {
    const file = this.path(which === 'best' ? RUN_FILES.best : RUN_FILES.last);
    if (!existsSync(file)) throw new GlimpseError(`${this.dir} has no ${which} checkpoint yet (${which === 'best' ? RUN_FILES.best : RUN_FILES.last}); train it first`);
    return file;
  }

  /** Weights of `best` (default) or `last`. */
  weights(which: 'best' | 'last' = 'best'): StateDict {
    return loadSafetensors(this.weightsFile(which)).tensors;
  }

  /**
   * Loads the weights of `best` (default) or `last` into `model`: their names, shapes and
   * dtypes are checked against it from the header, before any tensor is read.
   */
  loadWeights(model: Module, which: 'best' | 'last' = 'best'): void {
    const file = this.weightsFile(which);
    const { tensors } = loadSafetensors(file, { check: (header) => checkWeightsFit(header, model, file) });
    inFile(file, () => model.loadStateDict(tensors));
  }
}

/**
 * Throws unless `name` can name a run folder: letters, digits and . _ + -, not only dots (so it
 * stays one folder inside the runs folder).
 *
 * @example checkRunName('reverse-luong'); // fine; checkRunName('..') throws
 */
export function checkRunName(name: string): void {
  if (!/^[\w.+-]+$/.test(name)) throw new GlimpseError(`run name "${name}" may only use letters, digits and . _ + -`);
  if (/^\.+$/.test(name)) throw new GlimpseError(`run name "${name}" is only dots; it needs a letter, digit or _ + -`);
}

/** Names of the runs in a runs folder, newest first. */
export function listRuns(runsDir: string): string[] {
  if (!existsSync(runsDir)) return [];
  return readdirSync(runsDir)
    .filter((n) => existsSync(join(runsDir, n, RUN_FILES.config)))
    .map((n) => [n, statSync(join(runsDir, n), { throwIfNoEntry: false })?.mtimeMs ?? 0] as const)
    .sort((a, b) => b[1] - a[1])
    .map(([n]) => n);
}

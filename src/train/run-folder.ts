import { appendFileSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Tensor } from '../core/tensor.js';
import { Vocab } from '../data/index.js';
import { decodeSafetensors, encodeSafetensors } from '../io/safetensors.js';
import type { StateDict } from '../nn/index.js';
import type { OptimizerStateDict } from '../optim/index.js';
import { GlimpseError } from '../util/errors.js';
import { writeFileAtomic } from '../util/fs-node.js';
import type { RunVocabs } from './model.js';
import { RUN_FILES, VOCAB_SIDES, formatRunConfig, parseRunConfig } from './run-file.js';
import type { RunConfig } from './run-config.js';
import type { CheckpointSink, EvalRecord, TrainingSnapshot } from './trainer.js';

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
 */
export class RunFolder implements CheckpointSink {
  private constructor(readonly dir: string) {}

  /**
   * A new folder under `runsDir` named `name`, or `name-2`, `name-3`, … when taken.
   */
  static create(runsDir: string, name: string, config: RunConfig, version: string): RunFolder {
    if (!/^[\w.+-]+$/.test(name)) throw new GlimpseError(`run name "${name}" may only use letters, digits and . _ + -`);
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
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new GlimpseError(`${dir} is not a run folder: it does not exist`);
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

  config(): RunConfig {
    return parseRunConfig(readFileSync(this.path(RUN_FILES.config), 'utf8'), this.path(RUN_FILES.config));
  }

  saveVocabs(vocabs: RunVocabs): void {
    for (const [side, v] of Object.entries(vocabs) as [keyof RunVocabs, Vocab | undefined][]) {
      if (v) writeFileAtomic(this.path(RUN_FILES.vocab(side)), `${JSON.stringify(v.toJSON())}\n`);
    }
  }

  vocabs(): RunVocabs {
    const out: RunVocabs = {};
    for (const side of VOCAB_SIDES) {
      const p = this.path(RUN_FILES.vocab(side));
      if (existsSync(p)) out[side] = Vocab.fromJSON(readFileSync(p, 'utf8'));
    }
    return out;
  }

  /** Appends one record to metrics.jsonl. */
  log(record: Record<string, unknown>): void {
    appendFileSync(this.path(RUN_FILES.metrics), `${JSON.stringify(record)}\n`);
  }

  /** The records of metrics.jsonl. */
  metrics(): Record<string, unknown>[] {
    if (!this.has(RUN_FILES.metrics)) return [];
    return readFileSync(this.path(RUN_FILES.metrics), 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Record<string, unknown>);
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
    writeFileAtomic(this.path(RUN_FILES.last), encodeSafetensors(s.model, { step: String(s.state.step), epoch: String(s.state.epoch) }));
  }

  /** The resumable state, or null when the run has not saved one yet. */
  snapshot(): TrainingSnapshot | null {
    if (!this.has(RUN_FILES.checkpoint)) return null;
    const file = this.path(RUN_FILES.checkpoint);
    const { tensors, metadata } = decodeSafetensors(readFileSync(file), file);
    if (metadata.format !== 'glimpse-checkpoint') throw new GlimpseError(`${file} is not a glimpse training checkpoint`);
    const pick = (prefix: string): Record<string, Tensor> =>
      Object.fromEntries(Object.entries(tensors).filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));
    const optimizer = { ...(JSON.parse(metadata.optimizer!) as Omit<OptimizerStateDict, 'tensors'>), tensors: pick('optimizer.') };
    return { state: JSON.parse(metadata.trainer!), model: pick('model.'), optimizer, schedule: JSON.parse(metadata.schedule!), carried: pick('carried.') };
  }

  /** Weights of `best` (default) or `last`. */
  weights(which: 'best' | 'last' = 'best'): StateDict {
    const file = this.path(which === 'best' ? RUN_FILES.best : RUN_FILES.last);
    if (!existsSync(file)) throw new GlimpseError(`${this.dir} has no ${which} checkpoint yet (${which === 'best' ? RUN_FILES.best : RUN_FILES.last}); train it first`);
    return decodeSafetensors(readFileSync(file), file).tensors;
  }
}

/** Names of the runs in a runs folder, newest first. */
export function listRuns(runsDir: string): string[] {
  if (!existsSync(runsDir)) return [];
  return readdirSync(runsDir)
    .filter((n) => existsSync(join(runsDir, n, RUN_FILES.config)))
    .sort((a, b) => statSync(join(runsDir, b)).mtimeMs - statSync(join(runsDir, a)).mtimeMs);
}

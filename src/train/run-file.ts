/**
 * The files of a run folder as text and bytes, without a file system: what `glimpse train`
 * writes, read back in Node (run-folder.ts) or in a browser from files the user picked.
 */
import { Vocab } from '../data/index.js';
import { decodeSafetensors } from '../io/safetensors.js';
import { GlimpseError } from '../util/errors.js';
import { type RunVocabs, type TrainedModel, buildModel } from './model.js';
import { DATA_KINDS } from './data-config.js';
import { OBJECTIVE_KEYS, type RunConfig, type RunConfigInput, resolveRunConfig } from './run-config.js';
import { TASKS } from './task-rules/index.js';
import { isTableKey } from '../util/table.js';

export const RUN_FORMAT = 'glimpse-run';
/** 2 (glimpse 0.2): `model.arch`, and only the keys the task uses. Version 1 files are read and converted. */
export const RUN_VERSION = 2;

/** The files of a run folder. */
export const RUN_FILES = {
  config: 'config.json',
  best: 'best.safetensors',
  last: 'last.safetensors',
  checkpoint: 'checkpoint.safetensors',
  metrics: 'metrics.jsonl',
  summary: 'summary.json',
  vocab: (side: keyof RunVocabs) => `vocab.${side}.json`,
} as const;

/** The sides a run may have a vocabulary for. */
export const VOCAB_SIDES = ['lm', 'src', 'tgt'] as const satisfies readonly (keyof RunVocabs)[];

/** What config.json holds. */
export interface RunConfigFile {
  format: typeof RUN_FORMAT;
  version: number;
  glimpse: string;
  run: RunConfig;
}

/** The text of config.json for a run made by glimpse `version`. */
export function formatRunConfig(config: RunConfig, version: string): string {
  const file: RunConfigFile = { format: RUN_FORMAT, version: RUN_VERSION, glimpse: version, run: config };
  return `${JSON.stringify(file, null, 2)}\n`;
}

/**
 * Reads the text of a run's config.json; `where` names the file in error messages. Anything
 * but a glimpse run config of a version this glimpse reads is a GlimpseError.
 *
 * @example
 * const config = parseRunConfig(await file.text(), file.name);
 */
export function parseRunConfig(text: string, where: string): RunConfig {
  let file: unknown;
  try {
    file = JSON.parse(text);
  } catch (e) {
    throw new GlimpseError(`${where} is not valid JSON: ${(e as Error).message}`);
  }
  const f = (file !== null && typeof file === 'object' ? file : {}) as Partial<Record<keyof RunConfigFile, unknown>>;
  if (f.format !== RUN_FORMAT || f.run === null || typeof f.run !== 'object' || Array.isArray(f.run)) {
    throw new GlimpseError(`${where} is not a glimpse run config (format "${String(f.format)}")`);
  }
  const run = f.run as Record<string, unknown>;
  if (f.version === 1) return fromVersion1(run, where);
  if (f.version !== RUN_VERSION) throw new GlimpseError(`${where} was written by a newer glimpse (run format ${String(f.version)}; this one reads ${RUN_VERSION})`);
  // Resolving a resolved config gives it back unchanged; it also checks every key and value.
  return named(where, () => resolveRunConfig(run as RunConfigInput));
}

/**
 * A run config of glimpse 0.1 (format 1) in today's form: its model is the family's `rnn`
 * architecture, and of its data and objective only the keys its task uses are kept (0.1
 * stored every key of every task); the rest is resolved as a new run's would be.
 */
function fromVersion1(run: Record<string, unknown>, where: string): RunConfig {
  const task = String(run.task);
  if (!isTableKey(TASKS, task)) throw new GlimpseError(`${where}: unknown task "${task}"`);
  const rule = TASKS[task];
  const keep = (given: unknown, keys: readonly string[]): Record<string, unknown> =>
    Object.fromEntries(Object.entries((given ?? {}) as Record<string, unknown>).filter(([k]) => keys.includes(k)));
  return named(where, () => resolveRunConfig({
    task,
    data: keep(run.data, Object.keys(DATA_KINDS[rule.data].spec)),
    objective: keep(run.objective, OBJECTIVE_KEYS[rule.family]),
    model: { arch: 'rnn', ...(run.model as Record<string, unknown>) },
    train: run.train as Record<string, unknown>,
  }));
}

/** A run's files as read from anywhere: config.json and vocab.*.json as text, weights as bytes. */
export interface RunFileContents {
  config: string;
  vocabs: Partial<Record<keyof RunVocabs, string>>;
  /** A weights file (best.safetensors or last.safetensors). */
  weights: Uint8Array;
  /** Names the run in error messages (a folder name). Default `'run'`. */
  name?: string;
}

/**
 * Builds a run's model from its files and loads the weights, in eval mode: what
 * `loadTrainedModel` does in Node, for files a web page was given.
 *
 * @example
 * const trained = trainedModelFromFiles({ config, vocabs: { src, tgt }, weights });
 * const out = translateText(trained, 'abcdef', { beam: 1, nBest: 1, maxTokens: 30 });
 */
export function trainedModelFromFiles(files: RunFileContents): TrainedModel {
  const name = files.name ?? 'run';
  const config = parseRunConfig(files.config, `${name}/${RUN_FILES.config}`);
  const vocabs: RunVocabs = {};
  for (const side of VOCAB_SIDES) {
    const text = files.vocabs[side];
    if (text !== undefined) vocabs[side] = named(`${name}/${RUN_FILES.vocab(side)}`, () => Vocab.fromJSON(text));
  }
  const trained = buildModel(config, vocabs);
  const weights = decodeSafetensors(files.weights, `${name}/weights`).tensors;
  named(`${name}/weights`, () => trained.model.loadStateDict(weights));
  trained.model.eval();
  return trained;
}

/** Runs `fn`, prefixing the message of a GlimpseError it throws with the file it was reading. */
function named<T>(where: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof GlimpseError) throw new GlimpseError(`${where}: ${e.message}`);
    throw e;
  }
}

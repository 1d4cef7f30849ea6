/**
 * The files of a run folder as text and bytes, without a file system: what `glimpse train`
 * writes, read back in Node (run-folder.ts) or in a browser from files the user picked.
 */
import { BOS, EOS, PAD, Vocab } from '../data/index.js';
import { decodeSafetensors, parseSafetensorsHeader } from '../io/safetensors.js';
import { GlimpseError } from '../util/errors.js';
import { type RunVocabs, type TrainedModel, buildModel } from './model.js';
import { DATA_KINDS } from './data-config.js';
import { OBJECTIVE_KEYS, type RunConfig, resolveRunConfig } from './run-config.js';
import { checkRunConfig, inFile } from './run-config-check.js';
import { TASKS } from './task-rules/index.js';
import { checkWeightsFit } from './weights-check.js';
import type { ModelFamily } from '../models/index.js';
import { isTableKey } from '../util/table.js';
import { jsonError } from '../util/text.js';

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
  /** The weights kept at a step (train.keepCheckpoints). */
  step: (step: number) => `step-${step}.safetensors`,
} as const;

/** The step of a kept checkpoint's file name (`step-120.safetensors` → 120), or null. */
export function keptStep(name: string): number | null {
  const m = /^step-(0|[1-9]\d{0,14})\.safetensors$/.exec(name);
  return m ? Number(m[1]) : null;
}

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
    throw new GlimpseError(`${where} is not valid JSON: ${jsonError(e)}`);
  }
  const own = (k: string): unknown => (file !== null && typeof file === 'object' && Object.hasOwn(file, k) ? (file as Record<string, unknown>)[k] : undefined);
  if (file === null || typeof file !== 'object' || Array.isArray(file) || own('format') !== RUN_FORMAT) {
    throw new GlimpseError(`${where} is not a glimpse run config (format ${short(own('format'))})`);
  }
  const version = own('version');
  if (version === 1) return fromVersion1(own('run'), where);
  if (version !== RUN_VERSION) {
    throw new GlimpseError(typeof version === 'number' && Number.isInteger(version) && version > RUN_VERSION
      ? `${where} was written by a newer glimpse (run format ${version}; this one reads ${RUN_VERSION})`
      : `${where}: "version" must be ${RUN_VERSION}, got ${short(version)}`);
  }
  return checkRunConfig(own('run'), where);
}

/**
 * A run config of glimpse 0.1 (format 1) in today's form: its model is the family's `rnn`
 * architecture, and of its data and objective only the keys its task uses are kept (0.1
 * stored every key of every task); the rest is resolved as a new run's would be.
 */
function fromVersion1(run: unknown, where: string): RunConfig {
  return inFile(where, () => {
    const r = (run !== null && typeof run === 'object' ? run : {}) as Record<string, unknown>;
    const task = Object.hasOwn(r, 'task') ? String(r.task) : '';
    if (!isTableKey(TASKS, task)) throw new GlimpseError(`unknown task ${short(r.task)}`);
    const rule = TASKS[task];
    const keep = (given: unknown, keys: readonly string[]): Record<string, unknown> =>
      Object.fromEntries(Object.entries((given ?? {}) as Record<string, unknown>).filter(([k]) => keys.includes(k)));
    const model = Object.hasOwn(r, 'model') && r.model !== null && typeof r.model === 'object' ? r.model as Record<string, unknown> : {};
    return resolveRunConfig({
      task,
      data: keep(r.data, Object.keys(DATA_KINDS[rule.data].spec)),
      objective: keep(r.objective, OBJECTIVE_KEYS[rule.family]),
      model: { arch: 'rnn', ...model },
      train: keep(r.train, Object.keys(r.train ?? {})),
    });
  });
}

/** A value for a message: JSON, cut to 60 characters. */
function short(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/**
 * Reads a vocabulary file's text; errors name the file (`where`).
 *
 * @example const src = parseVocab(await file.text(), 'vocab.src.json');
 */
export function parseVocab(text: string, where: string): Vocab {
  return inFile(where, () => Vocab.fromJSON(text));
}

/** The vocabularies each family's runs have, and the specials their decoders need in them. */
const FAMILY_VOCABS: { readonly [F in ModelFamily]: { sides: readonly (keyof RunVocabs)[]; specials: readonly [keyof RunVocabs, readonly string[]][] } } = {
  lm: { sides: ['lm'], specials: [] },
  seq2seq: { sides: ['src', 'tgt'], specials: [['tgt', [PAD, BOS, EOS]]] },
};

/**
 * Throws unless a run has the vocabularies its task needs, and a seq2seq target vocabulary
 * the decoder's specials; `name` gives each vocabulary's file name for the message.
 */
export function checkRunVocabs(config: RunConfig, vocabs: RunVocabs, name: (side: keyof RunVocabs) => string): void {
  const needs = FAMILY_VOCABS[TASKS[config.task].family];
  for (const side of needs.sides) if (!vocabs[side]) throw new GlimpseError(`${name(side)} is missing; a ${config.task} run needs it`);
  for (const [side, specials] of needs.specials) {
    const missing = specials.filter((t) => !vocabs[side]!.has(t));
    if (missing.length) throw new GlimpseError(`${name(side)} lacks ${missing.join(', ')}; the decoder of a ${config.task} run needs ${specials.join(', ')}`);
  }
}

/**
 * Builds a run's model from its config and vocabularies, with errors that name the files:
 * a missing vocabulary, a target vocabulary without the decoder's specials, a model too large
 * to allocate. `names` are the file names used in messages.
 */
export function buildRunModel(config: RunConfig, vocabs: RunVocabs, names: { config: string; vocab: (side: keyof RunVocabs) => string }): TrainedModel {
  checkRunVocabs(config, vocabs, names.vocab);
  try {
    return inFile(names.config, () => buildModel(config, vocabs));
  } catch (e) {
    // An allocation failure: the sizes in config.json (or the vocabularies) make a model too large.
    if (e instanceof RangeError) throw new GlimpseError(`${names.config}: the model it describes is too large to build (${e.message})`);
    throw e;
  }
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
    if (text !== undefined) vocabs[side] = parseVocab(text, `${name}/${RUN_FILES.vocab(side)}`);
  }
  const trained = buildRunModel(config, vocabs, { config: `${name}/${RUN_FILES.config}`, vocab: (side) => `${name}/${RUN_FILES.vocab(side)}` });
  const where = `${name}/weights`;
  checkWeightsFit(parseSafetensorsHeader(files.weights, where), trained.model, where);
  const weights = decodeSafetensors(files.weights, where).tensors;
  inFile(where, () => trained.model.loadStateDict(weights));
  trained.model.eval();
  return trained;
}

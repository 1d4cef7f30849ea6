/**
 * The files of a run folder as text and bytes, without a file system: what `glimpse train`
 * writes, read back in Node (run-folder.ts) or in a browser from files the user picked.
 */
import { Vocab } from '../data/index.js';
import { decodeSafetensors } from '../io/safetensors.js';
import { GlimpseError } from '../util/errors.js';
import { type RunVocabs, type TrainedModel, buildModel } from './model.js';
import type { RunConfig } from './run-config.js';

export const RUN_FORMAT = 'glimpse-run';
export const RUN_VERSION = 1;

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
  let file: RunConfigFile;
  try {
    file = JSON.parse(text) as RunConfigFile;
  } catch (e) {
    throw new GlimpseError(`${where} is not valid JSON: ${(e as Error).message}`);
  }
  if (file === null || typeof file !== 'object' || file.format !== RUN_FORMAT || typeof file.run !== 'object' || file.run === null) {
    throw new GlimpseError(`${where} is not a glimpse run config (format "${String((file as Partial<RunConfigFile> | null)?.format)}")`);
  }
  if (file.version !== RUN_VERSION) throw new GlimpseError(`${where} was written by a newer glimpse (run format ${file.version}; this one reads ${RUN_VERSION})`);
  return file.run;
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

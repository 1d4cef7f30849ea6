import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { SyntheticTaskName } from '../data/index.js';
import { GlimpseError } from '../util/errors.js';
import { tableKeys } from '../util/table.js';

/**
 * The runs shipped inside the package, under `pretrained/NAME/`: run folders in f16 (config,
 * vocabularies, `best.safetensors`, and `pretrained.json`, the card saying how they were made).
 * They are trained by `npm run train:pretrained` (tools/train-pretrained.ts) from this table,
 * never by hand, so `--run pretrained:dates` works offline right after `npm install`.
 */
export interface PretrainedRule {
  /** The synthetic task the run was trained on. */
  readonly task: SyntheticTaskName;
  /** One line for `glimpse pretrained`. */
  readonly summary: string;
  /** The training flags after `glimpse train --task TASK` (the task's preset does the rest). */
  readonly trainFlags: readonly string[];
  /** Inputs with the outputs the shipped run must give: the training script refuses a run that misses one. */
  readonly checks: readonly { readonly input: string; readonly output: string }[];
}

const table = {
  dates: {
    task: 'dates',
    summary: 'written dates to YYYY-MM-DD (14 spellings, years 1900–2099): bidirectional GRU encoder, GRU decoder, Luong general attention',
    trainFlags: ['--seed', '1'],
    checks: [
      { input: '3rd of March 2021', output: '2021-03-03' },
      { input: 'March 3, 2021', output: '2021-03-03' },
      { input: 'the 31st of December, 1999', output: '1999-12-31' },
      { input: '29.2.2024', output: '2024-02-29' },
    ],
  },
  reverse: {
    task: 'reverse',
    summary: 'reverse a string of 5–20 letters a–z (PROTOCOL W3): bidirectional GRU encoder, GRU decoder, Luong general attention',
    trainFlags: ['--seed', '1'],
    checks: [
      { input: 'helloworld', output: 'dlrowolleh' },
      { input: 'attention', output: 'noitnetta' },
      { input: 'abcdefghijklmnopqrst', output: 'tsrqponmlkjihgfedcba' },
    ],
  },
} satisfies Record<string, PretrainedRule>;

/** The shipped runs: a new one is a row here, then `npm run train:pretrained`. */
export type PretrainedName = keyof typeof table;
export const PRETRAINED: { readonly [K in PretrainedName]: PretrainedRule } = table;
export const PRETRAINED_NAMES = tableKeys(PRETRAINED);

/** The prefix that names a shipped run where a run folder is expected. */
export const PRETRAINED_PREFIX = 'pretrained:';

/** The folder that holds the shipped runs (the package's `pretrained/`, beside `src/` and `dist/`). */
export function pretrainedRoot(): string {
  return fileURLToPath(new URL('../../pretrained/', import.meta.url));
}

/** The folder of the shipped run `name` (an unknown name is an error listing the known ones). */
export function pretrainedDir(name: string): string {
  if (!Object.hasOwn(PRETRAINED, name)) {
    throw new GlimpseError(`${PRETRAINED_PREFIX}${name}: no such pretrained run; there are ${PRETRAINED_NAMES.join(', ')} (glimpse pretrained lists them)`);
  }
  const dir = fileURLToPath(new URL(`../../pretrained/${name}/`, import.meta.url));
  if (!existsSync(dir)) {
    throw new GlimpseError(`${PRETRAINED_PREFIX}${name}: ${dir} is missing from this installation (npm run train:pretrained makes it in a checkout)`);
  }
  return dir.replace(/[\\/]$/, '');
}

/**
 * Where a run is: `pretrained:NAME` is the shipped run's folder, anything else a path as given.
 *
 * @example
 * loadTrainedModel(resolveRunDir('pretrained:dates')); // the dates model that ships with glimpse
 */
export function resolveRunDir(spec: string): string {
  return spec.startsWith(PRETRAINED_PREFIX) ? pretrainedDir(spec.slice(PRETRAINED_PREFIX.length)) : spec;
}

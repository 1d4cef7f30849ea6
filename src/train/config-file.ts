/**
 * Reading a `--config` file (Node only): a JSON run-config input, or a run folder's own
 * config.json (any format version this glimpse reads), so a run can be started again from it.
 */
import { readFileSync, statSync } from 'node:fs';
import { GlimpseError } from '../util/errors.js';
import { RUN_FORMAT, parseRunConfig } from './run-file.js';
import { RUN_INPUT_KEYS, type RunConfigInput } from './run-config.js';

/** A config file larger than this is not a config file. */
export const MAX_CONFIG_BYTES = 1 << 20;

/**
 * The run-config input a file holds. Every top-level key is used or refused by name; a run's
 * config.json becomes the input that reproduces it.
 *
 * @example
 * const input = readRunConfigInput('runs/reverse-luong-general/config.json');
 */
export function readRunConfigInput(path: string): RunConfigInput {
  let text: string;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new GlimpseError(`the config file ${path} is not a regular file`);
    if (st.size > MAX_CONFIG_BYTES) throw new GlimpseError(`the config file ${path} is ${st.size} bytes; a config file is at most ${MAX_CONFIG_BYTES}`);
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if (e instanceof GlimpseError) throw e;
    throw new GlimpseError(`cannot read the config file ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new GlimpseError(`${path} is not valid JSON: ${(e as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new GlimpseError(`${path}: expected a JSON object`);
  if ((parsed as { format?: unknown }).format === RUN_FORMAT) {
    const { task, data, objective, model, train } = parseRunConfig(text, path);
    return { task, data: { ...data }, objective: { ...objective }, model: { ...model }, train: { ...train } };
  }
  const known: readonly string[] = RUN_INPUT_KEYS;
  for (const key of Object.keys(parsed)) {
    if (!known.includes(key)) throw new GlimpseError(`${path}: unknown key "${key}" (known keys: ${known.join(', ')})`);
  }
  for (const section of ['data', 'objective', 'model', 'train'] as const) {
    const v = (parsed as Record<string, unknown>)[section];
    if (v !== undefined && (v === null || typeof v !== 'object' || Array.isArray(v))) throw new GlimpseError(`${path}: "${section}" must be an object`);
  }
  for (const key of ['task', 'modelName', 'arch', 'attention'] as const) {
    const v = (parsed as Record<string, unknown>)[key];
    if (v !== undefined && typeof v !== 'string') throw new GlimpseError(`${path}: "${key}" must be a string`);
  }
  return parsed as RunConfigInput;
}

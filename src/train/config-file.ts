/**
 * Reading a `--config` file (Node only): through the checked reader (a regular file of at most
 * `READ_LIMITS.config`), parsed as JSON, checked key by key, every error naming the file. A run
 * folder's own config.json is a valid `--config` too: it becomes the input that reproduces it.
 */
import { GlimpseError } from '../util/errors.js';
import { readTextChecked } from '../util/fs-node.js';
import { jsonError } from '../util/text.js';
import { RUN_FORMAT, parseRunConfig } from './run-file.js';
import type { RunConfigInput } from './run-config.js';
import { checkRunConfigInput } from './run-config-check.js';

/**
 * The run-config input a file holds: a partial RunConfig (`{task, modelName, arch, attention,
 * data, objective, model, train}`) or a run folder's config.json (any format this glimpse reads).
 *
 * @example
 * const input = readRunConfigInput('runs/reverse-luong-general/config.json');
 */
export function readRunConfigInput(path: string): RunConfigInput {
  const text = readTextChecked(path, 'config');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new GlimpseError(`${path} is not valid JSON: ${jsonError(e)}`);
  }
  if (parsed !== null && typeof parsed === 'object' && Object.hasOwn(parsed, 'format') && (parsed as { format: unknown }).format === RUN_FORMAT) {
    const { task, data, objective, model, train } = parseRunConfig(text, path);
    return { task, data: { ...data }, objective: { ...objective }, model: { ...model }, train: { ...train } };
  }
  return checkRunConfigInput(parsed, path);
}

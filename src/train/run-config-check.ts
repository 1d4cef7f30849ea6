/**
 * Checks of run configs read from files (a run's config.json, a `--config` file) before they
 * are resolved: only the known top-level keys (own keys, so `constructor` or `__proto__` are
 * unknown, not inherited), strings where names go, objects where sections go, every error naming
 * the file. The sections' keys and values are then checked by `resolveRunConfig` through the
 * tables (the task's data kind, the family's architecture, TRAIN_SPEC). Browser-safe: the web
 * page checks the config.json a user picked the same way.
 */
import { GlimpseError } from '../util/errors.js';
import { oneLine } from '../util/text.js';
import { RUN_INPUT_KEYS, type RunConfig, type RunConfigInput, resolveRunConfig } from './run-config.js';

/** The keys of the `run` object of a run's config.json (a complete RunConfig). */
const RUN_KEYS = ['task', 'data', 'objective', 'model', 'train'] as const;
const NAME_KEYS = ['task', 'modelName', 'arch', 'attention'] as const;
const SECTIONS = ['data', 'objective', 'model', 'train'] as const;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Runs `fn`; a GlimpseError it throws gets `where: ` in front (the file it came from). */
export function inFile<T>(where: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof GlimpseError && !e.message.startsWith(where)) throw new GlimpseError(`${where}: ${e.message}`);
    throw e;
  }
}

const shown = (v: unknown): string => oneLine(JSON.stringify(v) ?? String(v), 60);

/** The object's shape as a RunConfigInput: known keys, strings and objects; errors say what is wrong (no file). */
function checkShape(obj: unknown, known: readonly string[], what: string): RunConfigInput {
  if (!isObject(obj)) throw new GlimpseError(`${what} must be a JSON object, got ${shown(obj)}`);
  for (const k of Object.keys(obj)) {
    if (!known.includes(k)) throw new GlimpseError(`unknown key ${shown(k)} in ${what} (known keys: ${known.join(', ')})`);
  }
  const out: Record<string, unknown> = {};
  for (const k of NAME_KEYS) {
    if (!Object.hasOwn(obj, k)) continue;
    if (typeof obj[k] !== 'string') throw new GlimpseError(`"${k}" must be a string, got ${shown(obj[k])}`);
    out[k] = obj[k];
  }
  for (const k of SECTIONS) {
    if (!Object.hasOwn(obj, k)) continue;
    if (!isObject(obj[k])) throw new GlimpseError(`"${k}" must be an object, got ${shown(obj[k])}`);
    out[k] = obj[k];
  }
  return out as RunConfigInput;
}

/**
 * The run-config input in a parsed `--config` file (a partial run config); every key is used or
 * refused by name. `where` (the file's path) starts every error.
 *
 * @example
 * const input = checkRunConfigInput(JSON.parse(text), 'my.json');
 */
export function checkRunConfigInput(parsed: unknown, where: string): RunConfigInput {
  return inFile(where, () => checkShape(parsed, RUN_INPUT_KEYS, 'the run config'));
}

/**
 * Checks the `run` object of a run's config.json: exactly the keys of a RunConfig, then resolved
 * again by {@link resolveRunConfig} (a resolved config resolves to itself; a hand-edited or
 * hostile file gets the checks flags get). Errors start with `where`.
 */
export function checkRunConfig(run: unknown, where: string): RunConfig {
  return inFile(where, () => {
    const input = checkShape(run, RUN_KEYS, '"run"');
    if (input.task === undefined) throw new GlimpseError('"run" has no "task"');
    return resolveRunConfig(input);
  });
}

import { join } from 'node:path';
import type { Tensor } from '../core/tensor.js';
import type { Module } from '../nn/module.js';
import { GlimpseError } from '../util/errors.js';
import { type CheckedFile, readRange, readTextChecked, withCheckedFile, writeFileAtomic } from '../util/fs-node.js';
import {
  type EncodeOptions, type SafetensorsContent, type SafetensorsHeader, decodeTensor, emptyContent, encodeSafetensors, headerLength, parseHeaderBytes,
} from './safetensors.js';
import { jsonError } from '../util/text.js';

// Node.js-only file functions (exported from `glimpse/node`, never from the browser-safe index).

export { writeFileAtomic };

/**
 * Saves tensors (e.g. `model.stateDict()`) as a safetensors file, atomically; `options.dtype`
 * stores float32 tensors as F16 or BF16 (see encodeSafetensors).
 * @example saveSafetensors('model.safetensors', model.stateDict(), { format: 'pt' }, { dtype: 'f16' });
 */
export function saveSafetensors(path: string, tensors: Record<string, Tensor>, metadata?: Record<string, string>, options?: EncodeOptions): void {
  writeFileAtomic(path, encodeSafetensors(tensors, metadata, options));
}

/** Options of {@link loadSafetensors}. */
export interface LoadSafetensorsOptions {
  /** Which size limit applies (`READ_LIMITS`): `'weights'` (default) or `'checkpoint'`. */
  kind?: 'weights' | 'checkpoint';
  /**
   * Called with the checked header before any tensor is read: throw to refuse the file (e.g.
   * names or shapes that do not fit a model) without reading its data.
   */
  check?: (header: SafetensorsHeader) => void;
}

/** The header of an open safetensors file, read with its own bound (the format's 100 MB). */
export function readSafetensorsHeader(file: CheckedFile): SafetensorsHeader {
  const n = headerLength(readRange(file, 0, Math.min(8, file.size)), file.size, file.path);
  return { ...parseHeaderBytes(readRange(file, 8, n), file.size - 8 - n, file.path), dataStart: 8 + n };
}

/**
 * Reads a safetensors file lazily: the file is checked (a regular file within the size limit
 * of its kind), then its header (at most 100 MB), then each tensor's bytes by offset, so
 * nothing is read whole and a file that does not fit is refused before its data are read.
 * Errors name the file and what is wrong with it.
 *
 * @example model.loadStateDict(loadSafetensors('model.safetensors').tensors);
 */
export function loadSafetensors(path: string, options: LoadSafetensorsOptions = {}): SafetensorsContent {
  return withCheckedFile(path, options.kind ?? 'weights', (file) => {
    const header = readSafetensorsHeader(file);
    options.check?.(header);
    const content = emptyContent(header.metadata);
    for (const e of header.entries) {
      content.tensors[e.name] = decodeTensor(path, e, readRange(file, header.dataStart + e.begin, e.end - e.begin));
      content.dtypes[e.name] = e.dtype;
    }
    return content;
  });
}

/** File names inside a model folder (Hugging Face's layout). */
export const MODEL_FILE = 'model.safetensors';
export const CONFIG_FILE = 'config.json';

/**
 * Saves a model folder: `model.safetensors` (the state dict, metadata `format: pt`) and
 * `config.json` (the config that rebuilds the architecture), each written atomically.
 *
 * @example
 * saveModel('runs/lm', lstm, lstm.config);
 * const { config, tensors } = loadModel('runs/lm');
 * const again = new LSTM(config as RNNConfig);
 * again.loadStateDict(tensors);
 */
export function saveModel(dir: string, model: Module, config: unknown, metadata: Record<string, string> = {}): void {
  let json: string;
  try {
    json = `${JSON.stringify(config, null, 2)}\n`;
  } catch (e) {
    throw new GlimpseError(`saveModel: the config cannot be written as JSON: ${(e as Error).message}`);
  }
  saveSafetensors(join(dir, MODEL_FILE), model.stateDict(), { format: 'pt', ...metadata });
  writeFileAtomic(join(dir, CONFIG_FILE), json);
}

/** Reads a folder written by {@link saveModel}: the tensors, their metadata and the parsed config. */
export function loadModel(dir: string): SafetensorsContent & { config: unknown } {
  const content = loadSafetensors(join(dir, MODEL_FILE));
  const configPath = join(dir, CONFIG_FILE);
  const text = readTextChecked(configPath, 'config');
  try {
    return { ...content, config: JSON.parse(text) as unknown };
  } catch (e) {
    throw new GlimpseError(`loadModel: ${configPath} is not valid JSON: ${jsonError(e)}`);
  }
}

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Tensor } from '../core/tensor.js';
import type { Module } from '../nn/module.js';
import { GlimpseError } from '../util/errors.js';
import { writeFileAtomic } from '../util/fs-node.js';
import { type SafetensorsContent, decodeSafetensors, encodeSafetensors } from './safetensors.js';

// Node.js-only file functions (exported from `glimpse/node`, never from the browser-safe index).

export { writeFileAtomic };

function readBytes(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new GlimpseError(`safetensors: cannot read ${path}: ${(e as Error).message}`);
  }
}

/**
 * Saves tensors (e.g. `model.stateDict()`) as a safetensors file, atomically.
 * @example saveSafetensors('model.safetensors', model.stateDict(), { format: 'pt' });
 */
export function saveSafetensors(path: string, tensors: Record<string, Tensor>, metadata?: Record<string, string>): void {
  writeFileAtomic(path, encodeSafetensors(tensors, metadata));
}

/**
 * Reads a safetensors file; errors name the file and what is wrong with it.
 * @example model.loadStateDict(loadSafetensors('model.safetensors').tensors);
 */
export function loadSafetensors(path: string): SafetensorsContent {
  return decodeSafetensors(readBytes(path), path);
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
  const text = new TextDecoder().decode(readBytes(configPath));
  try {
    return { ...content, config: JSON.parse(text) as unknown };
  } catch (e) {
    throw new GlimpseError(`loadModel: ${configPath} is not valid JSON: ${(e as Error).message}`);
  }
}

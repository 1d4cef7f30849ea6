import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Tensor } from '../core/tensor.js';
import type { Module } from '../nn/module.js';
import { GlimpseError } from '../util/errors.js';
import { type SafetensorsContent, decodeSafetensors, encodeSafetensors } from './safetensors.js';

// Node.js-only file functions (exported from `glimpse/node`, never from the browser-safe index).

/**
 * Writes `data` to `path` atomically: a temporary file beside it is written, flushed to disk
 * (fsync) and renamed over `path`, so a crash leaves the old file or the new one, never half
 * of either. The directory is fsynced too where the platform allows.
 *
 * @example writeFileAtomic('run/model.safetensors', bytes);
 */
export function writeFileAtomic(path: string, data: Uint8Array | string): void {
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  let fd: number | null = null;
  try {
    fd = openSync(tmp, 'w', 0o644);
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
    fsyncSync(fd);
    closeSync(fd);
    fd = null;
    renameSync(tmp, path);
  } catch (e) {
    if (fd !== null) closeSync(fd);
    rmSync(tmp, { force: true });
    throw new GlimpseError(`writeFileAtomic: could not write ${path}: ${(e as Error).message}`);
  }
  try {
    const dirFd = openSync(dirname(path), 'r');
    try {
      fsyncSync(dirFd);
    } finally {
      closeSync(dirFd);
    }
  } catch {
    // Directories cannot be opened or fsynced on some platforms (Windows); the rename stands.
  }
}

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

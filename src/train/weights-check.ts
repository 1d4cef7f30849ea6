/**
 * Does a safetensors header fit a model? Checked on the header alone, before any tensor's
 * bytes are read, so a weights file or checkpoint that claims gigabytes of tensors the model
 * does not have is refused at the cost of reading its header. Browser-safe.
 */
import type { Tensor } from '../core/tensor.js';
import type { SafetensorsDtype, SafetensorsEntry, SafetensorsHeader } from '../io/safetensors.js';
import type { Module } from '../nn/module.js';
import { GlimpseError } from '../util/errors.js';
import { shapeStr } from '../util/shape.js';
import { oneLine } from '../util/text.js';

/** What a file's dtype becomes when read (see decodeSafetensors). */
function readsAs(dtype: SafetensorsDtype): 'float' | 'int32' | 'bool' | null {
  if (dtype === 'F32' || dtype === 'F64' || dtype === 'F16' || dtype === 'BF16') return 'float';
  if (dtype === 'BOOL') return 'bool';
  if (dtype === 'F8_E4M3' || dtype === 'F8_E5M2') return null;
  return 'int32';
}

function kindOf(t: Tensor): 'float' | 'int32' | 'bool' {
  return t.dtype === 'float32' || t.dtype === 'float64' ? 'float' : t.dtype;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** `a, b, c and 7 more`: a hostile file may have millions of names; a message stays short. */
export function listNames(names: readonly string[], max = 8): string {
  const shown = names.slice(0, max).map((n) => oneLine(n, 60));
  return names.length > max ? `${shown.join(', ')} and ${names.length - max} more` : shown.join(', ');
}

/**
 * The problems of `entries` (names already stripped of a prefix) against `expected` tensors,
 * in the words of Module.loadStateDict: missing keys, unexpected keys, shape or dtype mismatches.
 */
export function fitProblems(entries: readonly SafetensorsEntry[], expected: Readonly<Record<string, Tensor>>, strip = ''): string[] {
  const seen = new Set<string>();
  const unexpected: string[] = [];
  const mismatches: string[] = [];
  for (const e of entries) {
    const name = e.name.slice(strip.length);
    if (!Object.hasOwn(expected, name)) {
      unexpected.push(name);
      continue;
    }
    seen.add(name);
    const dst = expected[name]!;
    if (!sameShape(e.shape, dst.shape)) mismatches.push(`${oneLine(name, 60)}: module has ${shapeStr(dst.shape)}, state dict has ${shapeStr(e.shape)}`);
    else if (readsAs(e.dtype) !== kindOf(dst)) mismatches.push(`${oneLine(name, 60)}: module has ${dst.dtype}, state dict has ${e.dtype}`);
  }
  const missing = Object.keys(expected).filter((n) => !seen.has(n));
  const problems: string[] = [];
  if (missing.length) problems.push(`missing keys: ${listNames(missing)}`);
  if (unexpected.length) problems.push(`unexpected keys: ${listNames(unexpected)}`);
  problems.push(...mismatches.slice(0, 8).map((m) => `mismatch: ${m}`));
  if (mismatches.length > 8) problems.push(`and ${mismatches.length - 8} more mismatches`);
  return problems;
}

/** Throws the one-line error of a state dict that does not fit `model`, naming `file`. */
function refuse(file: string, model: Module, problems: string[]): never {
  throw new GlimpseError(`${file}: ${model.constructor.name}.loadStateDict: nothing was loaded; the state dict does not fit this module ` +
    `(${problems.length} problem${problems.length > 1 ? 's' : ''}): ${problems.join('; ')}`);
}

/**
 * Throws unless the tensors of `header` are exactly `model`'s state dict (names, shapes,
 * dtypes). Use as `loadSafetensors(file, { check: (h) => checkWeightsFit(h, model, file) })`.
 */
export function checkWeightsFit(header: SafetensorsHeader, model: Module, file: string): void {
  const problems = fitProblems(header.entries, model.stateDict());
  if (problems.length) refuse(file, model, problems);
}

/** The most buffers an optimizer keeps per parameter (Adam with AMSGrad keeps three). */
export const MAX_OPTIMIZER_BUFFERS = 4;
/** The most bytes of carried state (a language model's hidden state between batches) in a checkpoint. */
export const MAX_CARRIED_BYTES = 256 * 2 ** 20;

/**
 * Throws unless a checkpoint's header fits `model`: `model.*` is its state dict exactly,
 * `optimizer.<i>.<name>` are float tensors shaped like parameter i (at most
 * {@link MAX_OPTIMIZER_BUFFERS} each), `carried.*` hold at most {@link MAX_CARRIED_BYTES},
 * and nothing else is there.
 */
export function checkCheckpointFit(header: SafetensorsHeader, model: Module, file: string): void {
  const modelPart = header.entries.filter((e) => e.name.startsWith('model.'));
  const problems = fitProblems(modelPart, model.stateDict(), 'model.');
  const params = model.parameters();
  const perParam = new Map<number, number>();
  let carried = 0;
  const strays: string[] = [];
  for (const e of header.entries) {
    if (e.name.startsWith('model.')) continue;
    if (e.name.startsWith('carried.')) {
      carried += e.end - e.begin;
      continue;
    }
    const m = /^optimizer\.(0|[1-9]\d{0,8})\.[^.]+$/.exec(e.name);
    const p = m ? params[Number(m[1])] : undefined;
    if (!m || !p) {
      strays.push(e.name);
      continue;
    }
    const i = Number(m[1]);
    perParam.set(i, (perParam.get(i) ?? 0) + 1);
    if (!sameShape(e.shape, p.shape) || readsAs(e.dtype) !== 'float') {
      problems.push(`mismatch: ${oneLine(e.name, 60)}: parameter ${i} is ${shapeStr(p.shape)}, the checkpoint has ${e.dtype} ${shapeStr(e.shape)}`);
    } else if (perParam.get(i)! > MAX_OPTIMIZER_BUFFERS) {
      problems.push(`parameter ${i} has more than ${MAX_OPTIMIZER_BUFFERS} optimizer buffers`);
    }
  }
  if (strays.length) problems.push(`tensors that are not model.*, optimizer.<parameter>.* or carried.*: ${listNames(strays)}`);
  if (carried > MAX_CARRIED_BYTES) problems.push(`carried.* hold ${carried} bytes, more than the ${MAX_CARRIED_BYTES}-byte limit`);
  if (problems.length) refuse(file, model, problems.slice(0, 12));
}

/**
 * Checkpoint averaging (Joey NMT's and OpenNMT's `average_checkpoints`): the elementwise mean
 * of several state dicts of one model, θ̄ = (1/N) Σᵢ θᵢ, accumulated in float64 and stored as
 * float32. The tensors' names and shapes are compared first, from headers alone, and every
 * mismatch is reported. Browser-safe.
 */
import { Tensor } from '../core/tensor.js';
import type { StateDict } from '../nn/index.js';
import { GlimpseError } from '../util/errors.js';
import { shapeStr } from '../util/shape.js';
import { oneLine } from '../util/text.js';

/** Most state dicts averaged at once. */
export const MAX_AVERAGED = 100;
/** Most mismatch lines an error lists (a hostile file may have millions of names). */
const MAX_LINES = 40;

/** What averaging needs to know of one tensor before reading it. */
export interface TensorSignature {
  name: string;
  shape: readonly number[];
  /** `float` tensors are averaged; others must be equal in every state dict. */
  kind: 'float' | 'other';
}

/** One state dict's tensors as signatures, and the name that messages use for it. */
export interface SignedSource {
  source: string;
  tensors: readonly TensorSignature[];
}

/**
 * The mismatches of every source against the first, one line each: a tensor the first has and
 * another lacks, one it has that the first lacks, another shape or another kind of dtype.
 *
 * @example averageMismatches([{ source: 'a', tensors: [...] }, { source: 'b', tensors: [...] }]) // [] when they match
 */
export function averageMismatches(sources: readonly SignedSource[]): string[] {
  const [first, ...rest] = sources;
  if (!first) return [];
  const byName = new Map(first.tensors.map((t) => [t.name, t]));
  const lines: string[] = [];
  const name = (n: string): string => JSON.stringify(oneLine(n, 60));
  for (const other of rest) {
    const seen = new Set<string>();
    for (const t of other.tensors) {
      seen.add(t.name);
      const ref = byName.get(t.name);
      if (!ref) lines.push(`${other.source} has ${name(t.name)}, which ${first.source} lacks`);
      else if (ref.shape.length !== t.shape.length || ref.shape.some((d, i) => d !== t.shape[i])) {
        lines.push(`${name(t.name)} is ${shapeStr(t.shape)} in ${other.source} but ${shapeStr(ref.shape)} in ${first.source}`);
      } else if (ref.kind !== t.kind) lines.push(`${name(t.name)} is ${t.kind === 'float' ? 'a float' : 'not a float'} tensor in ${other.source}, unlike in ${first.source}`);
    }
    for (const t of first.tensors) if (!seen.has(t.name)) lines.push(`${other.source} lacks ${name(t.name)}, which ${first.source} has`);
  }
  return lines;
}

/** Throws one GlimpseError listing every mismatch on a line of its own (at most 40, then a count). */
export function refuseMismatches(lines: readonly string[]): void {
  if (lines.length === 0) return;
  const shown = lines.slice(0, MAX_LINES);
  if (lines.length > MAX_LINES) shown.push(`and ${lines.length - MAX_LINES} more`);
  throw new GlimpseError(`cannot average: the checkpoints do not hold the same tensors (${lines.length} mismatch${lines.length > 1 ? 'es' : ''}):`, { details: shown });
}

/**
 * A running elementwise mean of state dicts that match (check them with averageMismatches
 * first): float tensors are summed in float64 and divided once; other tensors (integer
 * buffers) must be equal in every state dict.
 *
 * @example
 * const mean = new StateDictMean();
 * for (const file of files) mean.add(loadSafetensors(file).tensors, file);
 * const averaged = mean.result();
 */
export class StateDictMean {
  private readonly sums = new Map<string, { shape: readonly number[]; sum: Float64Array }>();
  private readonly kept = new Map<string, Tensor>();
  private first: string | null = null;
  private count = 0;

  /** Adds one state dict; `source` names it when its non-float tensors differ from the first's. */
  add(tensors: StateDict, source: string): void {
    if (this.count >= MAX_AVERAGED) throw new GlimpseError(`cannot average more than ${MAX_AVERAGED} checkpoints`);
    for (const [name, t] of Object.entries(tensors)) {
      if (t.dtype === 'float32' || t.dtype === 'float64') {
        let acc = this.sums.get(name);
        if (!acc) this.sums.set(name, (acc = { shape: t.shape, sum: new Float64Array(t.size) }));
        const d = t.data;
        for (let i = 0; i < d.length; i++) acc.sum[i]! += d[i]!;
      } else {
        const ref = this.kept.get(name);
        if (!ref) this.kept.set(name, t);
        else if (ref.data.some((v, i) => v !== t.data[i])) {
          throw new GlimpseError(`cannot average: ${JSON.stringify(oneLine(name, 60))} is a ${t.dtype} tensor, which is not averaged, and ${source} holds other values than ${this.first}`);
        }
      }
    }
    this.first ??= source;
    this.count++;
  }

  /** The mean of what was added, float tensors as float32 (an object without a prototype). */
  result(): StateDict {
    if (this.count === 0) throw new GlimpseError('cannot average: no checkpoints were given');
    const out = Object.create(null) as StateDict;
    for (const [name, { shape, sum }] of this.sums) {
      const mean = new Float32Array(sum.length);
      for (let i = 0; i < sum.length; i++) mean[i] = sum[i]! / this.count;
      out[name] = new Tensor(mean, shape);
    }
    for (const [name, t] of this.kept) out[name] = t;
    return out;
  }
}

/** The signatures of a state dict's tensors (for averageMismatches). */
export function signatures(tensors: StateDict): TensorSignature[] {
  return Object.entries(tensors).map(([name, t]) => ({ name, shape: t.shape, kind: t.dtype === 'float32' || t.dtype === 'float64' ? 'float' : 'other' }));
}

/**
 * The elementwise mean of state dicts of one model; mismatched names or shapes are refused
 * with every mismatch listed.
 *
 * @example const averaged = averageStateDicts([a.stateDict(), b.stateDict()]);
 */
export function averageStateDicts(dicts: readonly StateDict[], sources: readonly string[] = dicts.map((_, i) => `state dict ${i + 1}`)): StateDict {
  if (dicts.length > MAX_AVERAGED) throw new GlimpseError(`cannot average ${dicts.length} checkpoints; at most ${MAX_AVERAGED}`);
  refuseMismatches(averageMismatches(dicts.map((d, i) => ({ source: sources[i]!, tensors: signatures(d) }))));
  const mean = new StateDictMean();
  dicts.forEach((d, i) => mean.add(d, sources[i]!));
  return mean.result();
}

/**
 * Padding, masks and batch order for sequence pairs. Shapes use the glossary: B batch,
 * S source length, T target length. Batches are time-major (`[S, B]`, element `[s * B + b]`)
 * like the reference and glimpse's RNN ops, or batch-major (`[B, S]`) with `batchFirst`.
 */
import { check } from '../util/errors.js';
import { Rng, defaultRng } from '../util/rng.js';
import type { Seq2SeqExample } from './parallel.js';

/** Padded id sequences with their lengths and a mask (1 = real token). */
export interface PaddedBatch {
  /** `[maxLen, B]` (or `[B, maxLen]` when `batchFirst`). */
  data: Int32Array;
  /** `[B]`. */
  lengths: Int32Array;
  /** Same layout as `data`; 1 where a real token is, 0 at padding. */
  mask: Uint8Array;
  maxLen: number;
  batchSize: number;
  batchFirst: boolean;
}

/**
 * Pads `seqs` to the longest with `pad`.
 *
 * @example
 * const p = padSequences([[5, 6, 7], [8]], 0);
 * p.data;   // Int32Array [5, 8, 6, 0, 7, 0]   ([3, 2], time-major)
 * p.mask;   // Uint8Array [1, 1, 1, 0, 1, 0]
 */
export function padSequences(seqs: readonly ArrayLike<number>[], pad: number, options: { batchFirst?: boolean } = {}): PaddedBatch {
  check(seqs.length > 0, 'padSequences: no sequences to pad');
  const batchFirst = options.batchFirst ?? false;
  const B = seqs.length;
  let maxLen = 0;
  const lengths = new Int32Array(B);
  for (let b = 0; b < B; b++) {
    lengths[b] = seqs[b]!.length;
    if (lengths[b]! > maxLen) maxLen = lengths[b]!;
  }
  const data = new Int32Array(maxLen * B).fill(pad);
  const mask = new Uint8Array(maxLen * B);
  for (let b = 0; b < B; b++) {
    const s = seqs[b]!;
    for (let t = 0; t < s.length; t++) {
      const k = batchFirst ? b * maxLen + t : t * B + b;
      data[k] = s[t]!;
      mask[k] = 1;
    }
  }
  return { data, lengths, mask, maxLen, batchSize: B, batchFirst };
}

/** One batch of sequence pairs for teacher forcing. */
export interface Seq2SeqBatch {
  /** Indices of the examples in this batch, in batch order. */
  indices: number[];
  /** Source `[S, B]`. */
  src: PaddedBatch;
  /** Decoder input `<bos> y_1 … y_n`, `[T, B]`. */
  tgtIn: PaddedBatch;
  /** Decoder target `y_1 … y_n <eos>`, `[T, B]`. */
  tgtOut: PaddedBatch;
  /** Real target tokens (`<eos>` included, padding excluded): the loss's denominator. */
  numTargetTokens: number;
}

/** Makes the batch of `examples[indices]`: pads the sources, builds `<bos> y…` and `y… <eos>`. */
export function makeSeq2SeqBatch(
  examples: readonly Seq2SeqExample[],
  indices: readonly number[],
  ids: { pad: number; bos: number },
  options: { batchFirst?: boolean } = {},
): Seq2SeqBatch {
  const srcs: Int32Array[] = [];
  const outs: Int32Array[] = [];
  const ins: Int32Array[] = [];
  let numTargetTokens = 0;
  for (const i of indices) {
    const ex = examples[i];
    check(ex !== undefined, () => `makeSeq2SeqBatch: example ${i} out of range [0, ${examples.length})`);
    check(ex.tgt.length > 0, () => `makeSeq2SeqBatch: example ${i} has an empty target (expected at least <eos>)`);
    srcs.push(ex.src);
    outs.push(ex.tgt);
    const tin = new Int32Array(ex.tgt.length);
    tin[0] = ids.bos;
    tin.set(ex.tgt.subarray(0, ex.tgt.length - 1), 1);
    ins.push(tin);
    numTargetTokens += ex.tgt.length;
  }
  return {
    indices: [...indices],
    src: padSequences(srcs, ids.pad, options),
    tgtIn: padSequences(ins, ids.pad, options),
    tgtOut: padSequences(outs, ids.pad, options),
    numTargetTokens,
  };
}

/** Options of {@link planBatches}. */
export interface BatchPlanOptions {
  batchSize: number;
  /** Shuffle the examples (default true). */
  shuffle?: boolean;
  /** Generator for the shuffle (default: the global one, see `manualSeed`). */
  rng?: Rng;
  /**
   * Group similar lengths: the shuffled examples are cut into pools of `poolBatches` batches, each
   * pool sorted by length, cut into batches, and the batches shuffled. Off by default (the
   * protocol's like-for-like mode: shuffled, then cut in order).
   */
  bucket?: boolean | { poolBatches?: number };
  /** Length of example i, for bucketing. */
  lengthOf?: (i: number) => number;
  /** Drop a last, smaller batch (default false). */
  dropLast?: boolean;
}

/**
 * The batches of one epoch as lists of example indices. Like-for-like mode (the default):
 * a random permutation cut into consecutive batches (29,000 pairs → 227 batches of ≤ 128).
 * Deterministic given the generator's state, so a resumed run can rebuild the same epoch.
 */
export function planBatches(count: number, options: BatchPlanOptions): number[][] {
  const { batchSize } = options;
  check(Number.isInteger(batchSize) && batchSize >= 1, `planBatches: batchSize must be a positive integer, got ${batchSize}`);
  check(Number.isInteger(count) && count >= 0, `planBatches: count must be a non-negative integer, got ${count}`);
  const shuffle = options.shuffle ?? true;
  const rng = options.rng ?? defaultRng();
  const order = shuffle ? rng.permutation(count) : Array.from({ length: count }, (_, i) => i);
  let batches: number[][] = [];
  if (options.bucket) {
    check(options.lengthOf !== undefined, 'planBatches: bucketing needs lengthOf(i)');
    const lengthOf = options.lengthOf;
    const poolBatches = (typeof options.bucket === 'object' ? options.bucket.poolBatches : undefined) ?? 50;
    check(Number.isInteger(poolBatches) && poolBatches >= 1, `planBatches: poolBatches must be a positive integer, got ${poolBatches}`);
    const pool = poolBatches * batchSize;
    for (let p = 0; p < order.length; p += pool) {
      const chunk = order.slice(p, p + pool);
      // Stable sort by length keeps the shuffled order among equal lengths.
      const keyed = chunk.map((i, k) => [lengthOf(i), k, i] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      const sorted = keyed.map((x) => x[2]);
      for (let k = 0; k < sorted.length; k += batchSize) batches.push(sorted.slice(k, k + batchSize));
    }
    if (shuffle) rng.shuffle(batches);
  } else {
    for (let k = 0; k < order.length; k += batchSize) batches.push(order.slice(k, k + batchSize));
  }
  if (options.dropLast) batches = batches.filter((b) => b.length === batchSize);
  return batches;
}

/**
 * The batches of one epoch over `examples`, made lazily.
 *
 * @example
 * for (const batch of seq2seqBatches(corpus.examples.train, { batchSize: 128, rng, pad: 0, bos: 2 })) {
 *   // batch.src.data [S, B], batch.tgtIn.data [T, B], batch.tgtOut.data [T, B]
 * }
 */
export function* seq2seqBatches(
  examples: readonly Seq2SeqExample[],
  options: BatchPlanOptions & { pad: number; bos: number; batchFirst?: boolean; from?: number },
): Generator<Seq2SeqBatch> {
  const plan = planBatches(examples.length, {
    ...options,
    lengthOf: options.lengthOf ?? ((i) => examples[i]!.src.length * 1024 + examples[i]!.tgt.length),
  });
  for (let k = options.from ?? 0; k < plan.length; k++) {
    yield makeSeq2SeqBatch(examples, plan[k]!, options, { batchFirst: options.batchFirst });
  }
}

import { tensor } from '../../core/create.js';
import type { Tensor } from '../../core/tensor.js';
import { indexSelect } from '../../ops/index.js';

/**
 * Keys and values of one attention, per head, each [B, nh, T, hd]. A layer's self-attention
 * cache holds every earlier position (appended at each step); a cross-attention cache holds the
 * memory's, computed once.
 */
export interface KeyValue {
  k: Tensor;
  v: Tensor;
}

/** Cross-attention keys and values of the memory with its padding mask (bool [B, S], true = padding, or null). */
export interface MemoryKeyValue extends KeyValue {
  keyPaddingMask: Tensor | null;
}

/** What a decoder layer carries between steps: its self-attention cache (null before the first step) and the memory's keys and values. */
export interface DecoderLayerCache {
  self: KeyValue | null;
  cross: MemoryKeyValue;
}

/** Positions already in a self-attention cache. */
export function cachedLength(cache: KeyValue | null): number {
  return cache ? cache.k.shape[2]! : 0;
}

/** The rows `rows` of every tensor of a cache (rows may repeat): reorders caches between beam-search steps. */
export function selectRows<C extends KeyValue | MemoryKeyValue>(cache: C, rows: Int32Array): C {
  const idx = tensor(Int32Array.from(rows));
  const out = { ...cache, k: indexSelect(cache.k, 0, idx), v: indexSelect(cache.v, 0, idx) };
  if ('keyPaddingMask' in cache && cache.keyPaddingMask) (out as MemoryKeyValue).keyPaddingMask = indexSelect(cache.keyPaddingMask, 0, idx);
  return out;
}

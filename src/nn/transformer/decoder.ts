import type { Tensor } from '../../core/tensor.js';
import { GlimpseError } from '../../util/errors.js';
import type { InitOptions } from '../config.js';
import { LayerNorm } from '../layernorm.js';
import { Module, ModuleList } from '../module.js';
import { type DecoderLayerCache, selectRows } from './cache.js';
import type { ResolvedLayerConfig } from './config.js';
import { type DecoderLayerForwardOptions, TransformerDecoderLayer } from './decoder-layer.js';
import { fromBatchFirst, toBatchFirst } from './encoder-layer.js';
import { type TransformerStackConfig, resolveStackConfig } from './encoder.js';

/** Every decoder layer's cache, bottom layer first. */
export type DecoderCache = readonly DecoderLayerCache[];

/** What the decoder stack returns: the output and each layer's attention weights per head. */
export interface DecoderStackOutput {
  output: Tensor;
  /** Per layer: self-attention weights [B, nh, T, Tk]. */
  selfWeights: Tensor[];
  /** Per layer: cross-attention weights [B, nh, T, S]. */
  crossWeights: Tensor[];
}

/**
 * PyTorch's nn.TransformerDecoder: `numLayers` decoder layers (`layers.0.…`), then optionally a
 * LayerNorm `norm`. {@link startCache} and {@link step} decode incrementally: the memory's keys
 * and values are projected once per layer, and each step appends the new position's
 * self-attention keys and values.
 *
 * @example
 * const dec = new TransformerDecoder({ dModel: 16, nhead: 4, numLayers: 2, finalNorm: true, batchFirst: true });
 * let cache = dec.startCache(memory, srcPadding);
 * const { output, cache: next, crossWeights } = dec.step(xt, cache); // xt [B, 1, 16]
 */
export class TransformerDecoder extends Module {
  readonly config: Readonly<{ layer: ResolvedLayerConfig; numLayers: number; finalNorm: boolean }>;
  readonly layers: ModuleList<TransformerDecoderLayer>;
  readonly norm: LayerNorm | null;

  constructor(config: TransformerStackConfig, init: InitOptions = {}) {
    super();
    this.config = Object.freeze(resolveStackConfig('TransformerDecoder', config));
    const { layer, numLayers, finalNorm } = this.config;
    this.layers = this.registerModule('layers', new ModuleList(Array.from({ length: numLayers }, () => new TransformerDecoderLayer(layer, init))));
    this.norm = finalNorm ? this.registerModule('norm', new LayerNorm({ normalizedShape: layer.dModel, eps: layer.layerNormEps, bias: layer.bias }, init)) : null;
  }

  /**
   * @param tgt [B, T, E] with batchFirst, else [T, B, E]
   * @param memory [B, S, E] with batchFirst, else [S, B, E]
   * @returns like tgt
   */
  forward(tgt: Tensor, memory: Tensor, options: DecoderLayerForwardOptions = {}): Tensor {
    const c = this.config.layer;
    const x = toBatchFirst('TransformerDecoder', 'tgt', tgt, c);
    const m = toBatchFirst('TransformerDecoder', 'memory', memory, c);
    return fromBatchFirst(this.forwardBatchFirst(x, m, options).output, c);
  }

  /** As {@link forward} on x [B, T, E] and memory [B, S, E], also returning every layer's attention weights. */
  forwardBatchFirst(x: Tensor, memory: Tensor, options: DecoderLayerForwardOptions = {}): DecoderStackOutput {
    const selfWeights: Tensor[] = [];
    const crossWeights: Tensor[] = [];
    let h = x;
    for (const layer of this.layers) {
      const r = layer.forwardBatchFirst(h, memory, options);
      h = r.output;
      selfWeights.push(r.selfWeights);
      crossWeights.push(r.crossWeights);
    }
    return { output: this.norm ? this.norm.forward(h) : h, selfWeights, crossWeights };
  }

  /** Every layer's cache to start decoding from (memory [B, S, E] batch-first; padding [B, S] or null). */
  startCache(memory: Tensor, memoryKeyPaddingMask: Tensor | null = null): DecoderCache {
    return [...this.layers].map((layer) => layer.startCache(memory, memoryKeyPaddingMask));
  }

  /**
   * L new positions x [B, L, E] (batch-first) after those in the cache, equal to {@link forward}
   * over the prefix with a causal tgtMask. Returns the output [B, L, E], the extended cache and
   * every layer's weights: self [B, nh, L, past + L], cross [B, nh, L, S].
   */
  step(x: Tensor, cache: DecoderCache): DecoderStackOutput & { cache: DecoderCache } {
    if (cache.length !== this.layers.length) throw new GlimpseError(`TransformerDecoder.step: ${cache.length} layer caches for ${this.layers.length} layers`);
    const next: DecoderLayerCache[] = [];
    const selfWeights: Tensor[] = [];
    const crossWeights: Tensor[] = [];
    let h = x;
    [...this.layers].forEach((layer, i) => {
      const r = layer.step(h, cache[i]!);
      h = r.output;
      next.push(r.cache);
      selfWeights.push(r.selfWeights);
      crossWeights.push(r.crossWeights);
    });
    return { output: this.norm ? this.norm.forward(h) : h, cache: next, selfWeights, crossWeights };
  }
}

/** The rows `rows` of every layer's cache (rows may repeat), for beam search. */
export function selectDecoderCache(cache: DecoderCache, rows: Int32Array): DecoderCache {
  return cache.map((c) => ({ self: c.self ? selectRows(c.self, rows) : null, cross: selectRows(c.cross, rows) }));
}

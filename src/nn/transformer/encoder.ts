import type { Tensor } from '../../core/tensor.js';
import { GlimpseError } from '../../util/errors.js';
import { type InitOptions, resolveConfig } from '../config.js';
import { LayerNorm } from '../layernorm.js';
import { Module, ModuleList } from '../module.js';
import type { KeyValue } from './cache.js';
import { type ResolvedLayerConfig, TRANSFORMER_LAYER_SPEC, type TransformerLayerConfig, resolveLayerConfig } from './config.js';
import { TransformerEncoderLayer, fromBatchFirst, toBatchFirst } from './encoder-layer.js';

/** A stack of layers: the layer's config, how many, and whether a LayerNorm follows the last one. */
export interface TransformerStackConfig extends TransformerLayerConfig {
  /** Number of layers (PyTorch's num_layers). */
  numLayers: number;
  /** A final LayerNorm `norm` after the last layer (PyTorch's `norm` argument). Default false. */
  finalNorm?: boolean;
}

/** Splits a stack config into its layer config and the stack's own fields. */
export function resolveStackConfig(component: string, config: TransformerStackConfig): { layer: ResolvedLayerConfig; numLayers: number; finalNorm: boolean } {
  const c = resolveConfig<Required<TransformerStackConfig>>(component, config, {
    ...TRANSFORMER_LAYER_SPEC, numLayers: { type: 'int', min: 1 }, finalNorm: { type: 'boolean', default: false },
  });
  const { numLayers, finalNorm, ...layer } = c;
  return { layer: resolveLayerConfig(component, layer), numLayers, finalNorm };
}

export interface EncoderForwardOptions {
  /** [S, S] or [B·nh, S, S]: bool, true = excluded (PyTorch's `mask`), or additive float. */
  mask?: Tensor | null;
  /** [B, S]: bool, true = padding, or additive float. */
  srcKeyPaddingMask?: Tensor | null;
  /** Also exclude key j > query i in every layer. Default false. */
  isCausal?: boolean;
}

/**
 * PyTorch's nn.TransformerEncoder: `numLayers` encoder layers (`layers.0.…`, `layers.1.…`), then
 * optionally a LayerNorm `norm`. Each layer draws its own initial values (PyTorch deep-copies
 * one layer, so its layers start equal; the distributions are the same).
 *
 * @example
 * const enc = new TransformerEncoder({ dModel: 16, nhead: 4, numLayers: 2, finalNorm: true, batchFirst: true });
 * const memory = enc.forward(x, { srcKeyPaddingMask: paddingMask(lengths, S) }); // [B, S, 16]
 */
export class TransformerEncoder extends Module {
  readonly config: Readonly<{ layer: ResolvedLayerConfig; numLayers: number; finalNorm: boolean }>;
  readonly layers: ModuleList<TransformerEncoderLayer>;
  readonly norm: LayerNorm | null;

  constructor(config: TransformerStackConfig, init: InitOptions = {}) {
    super();
    this.config = Object.freeze(resolveStackConfig('TransformerEncoder', config));
    const { layer, numLayers, finalNorm } = this.config;
    this.layers = this.registerModule('layers', new ModuleList(Array.from({ length: numLayers }, () => new TransformerEncoderLayer(layer, init))));
    this.norm = finalNorm ? this.registerModule('norm', new LayerNorm({ normalizedShape: layer.dModel, eps: layer.layerNormEps, bias: layer.bias }, init)) : null;
  }

  /**
   * @param src [B, S, E] with batchFirst, else [S, B, E]
   * @returns the same shape
   */
  forward(src: Tensor, options: EncoderForwardOptions = {}): Tensor {
    const x = toBatchFirst('TransformerEncoder', 'src', src, this.config.layer);
    return fromBatchFirst(this.forwardBatchFirst(x, options).output, this.config.layer);
  }

  /** As {@link forward} on x [B, S, E], also returning each layer's attention weights [B, nh, S, S]. */
  forwardBatchFirst(x: Tensor, options: EncoderForwardOptions = {}): { output: Tensor; weights: Tensor[] } {
    const weights: Tensor[] = [];
    let h = x;
    for (const layer of this.layers) {
      const r = layer.forwardBatchFirst(h, { srcMask: options.mask ?? null, srcKeyPaddingMask: options.srcKeyPaddingMask ?? null, isCausal: options.isCausal ?? false });
      h = r.output;
      weights.push(r.weights);
    }
    return { output: this.norm ? this.norm.forward(h) : h, weights };
  }

  /**
   * Causal, incremental: L new positions x [B, L, E] after those in `caches` (one per layer, or
   * null to start), as {@link forward} over the whole prefix with a causal mask. Returns the
   * output [B, L, E], the caches with the new positions and each layer's weights [B, nh, L, past + L].
   */
  step(x: Tensor, caches: readonly (KeyValue | null)[] | null): { output: Tensor; caches: KeyValue[]; weights: Tensor[] } {
    if (caches && caches.length !== this.layers.length) {
      throw new GlimpseError(`TransformerEncoder.step: ${caches.length} layer caches for ${this.layers.length} layers`);
    }
    const next: KeyValue[] = [];
    const weights: Tensor[] = [];
    let h = x;
    [...this.layers].forEach((layer, i) => {
      const r = layer.step(h, caches ? caches[i]! : null);
      h = r.output;
      next.push(r.cache);
      weights.push(r.weights);
    });
    return { output: this.norm ? this.norm.forward(h) : h, caches: next, weights };
  }
}

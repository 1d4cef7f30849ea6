import { GlimpseError } from '../../util/errors.js';
import { type ConfigSpec, resolveConfig } from '../config.js';
import { TRANSFORMER_ACTIVATIONS, type TransformerActivation } from './activation.js';

/**
 * What one encoder or decoder layer is made of, with PyTorch's defaults (nn.TransformerEncoderLayer
 * and nn.TransformerDecoderLayer take the same arguments).
 */
export interface TransformerLayerConfig {
  /** E: model size (d_model). */
  dModel: number;
  /** nh: attention heads; E must be divisible by it. */
  nhead: number;
  /** Hidden size of the feed-forward block. Default 2048. */
  dimFeedforward?: number;
  /** Dropout on the attention weights, after each sub-layer and inside the feed-forward block. Default 0.1. */
  dropout?: number;
  /** Activation of the feed-forward block. Default "relu". */
  activation?: TransformerActivation;
  /** ε of the LayerNorms. Default 1e-5. */
  layerNormEps?: number;
  /** Inputs and outputs are [B, T, E] instead of PyTorch's default [T, B, E]. Default false. */
  batchFirst?: boolean;
  /** Pre-norm x + f(norm(x)) instead of post-norm norm(x + f(x)). Default false (post-norm, Vaswani et al. 2017). */
  normFirst?: boolean;
  /** Linear and LayerNorm layers learn an additive bias. Default true. */
  bias?: boolean;
}

export type ResolvedLayerConfig = Readonly<Required<TransformerLayerConfig>>;

export const TRANSFORMER_LAYER_SPEC: ConfigSpec<TransformerLayerConfig> = {
  dModel: { type: 'int', min: 1 },
  nhead: { type: 'int', min: 1 },
  dimFeedforward: { type: 'int', min: 1, default: 2048 },
  dropout: { type: 'number', min: 0, max: 1, maxExclusive: true, default: 0.1 },
  activation: { type: 'enum', values: TRANSFORMER_ACTIVATIONS, default: 'relu' },
  layerNormEps: { type: 'number', min: 0, default: 1e-5 },
  batchFirst: { type: 'boolean', default: false },
  normFirst: { type: 'boolean', default: false },
  bias: { type: 'boolean', default: true },
};

/** Resolves a layer config (unknown keys and wrong types are errors); E must divide into nh heads. */
export function resolveLayerConfig(component: string, config: TransformerLayerConfig): ResolvedLayerConfig {
  const c = resolveConfig<TransformerLayerConfig>(component, config, TRANSFORMER_LAYER_SPEC);
  if (c.dModel % c.nhead !== 0) {
    throw new GlimpseError(`${component}: config.dModel ${c.dModel} is not divisible by config.nhead ${c.nhead} (the head size dModel / nhead must be an integer)`);
  }
  return Object.freeze(c);
}

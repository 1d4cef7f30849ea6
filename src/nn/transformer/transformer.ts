import type { Tensor } from '../../core/tensor.js';
import { GlimpseError } from '../../util/errors.js';
import { checkMask } from '../attention/heads.js';
import { type InitOptions, resolveConfig } from '../config.js';
import { xavierUniform } from '../init.js';
import { Module } from '../module.js';
import { TRANSFORMER_LAYER_SPEC, type TransformerLayerConfig } from './config.js';
import { type DecoderStackOutput, TransformerDecoder } from './decoder.js';
import type { DecoderLayerForwardOptions } from './decoder-layer.js';
import { fromBatchFirst, toBatchFirst } from './encoder-layer.js';
import { TransformerEncoder } from './encoder.js';
import { generateSquareSubsequentMask } from './masks.js';

/** nn.Transformer's arguments, with its defaults (the "base" model of Vaswani et al. 2017). */
export interface TransformerConfig extends Partial<TransformerLayerConfig> {
  /** Default 512. */
  dModel?: number;
  /** Default 8. */
  nhead?: number;
  /** Default 6. */
  numEncoderLayers?: number;
  /** Default 6. */
  numDecoderLayers?: number;
}

export interface TransformerForwardOptions extends DecoderLayerForwardOptions {
  /** [S, S] or [B·nh, S, S]: bool, true = excluded, or additive float. */
  srcMask?: Tensor | null;
  /** [B, S]: bool, true = padding, or additive float. */
  srcKeyPaddingMask?: Tensor | null;
}

/** The whole pass with every attention map: encoder self-attention, decoder self- and cross-attention, per layer and head. */
export interface TransformerOutput extends DecoderStackOutput {
  /** The encoder's output [B, S, E] (after encoder.norm). */
  memory: Tensor;
  /** Per encoder layer: [B, nh, S, S]. */
  encoderWeights: Tensor[];
}

/**
 * PyTorch's nn.Transformer: an encoder stack with a final LayerNorm (`encoder.norm`) and a
 * decoder stack with one (`decoder.norm`); every matrix drawn Xavier-uniform, as
 * `_reset_parameters` does. Post-norm by default, pre-norm with `normFirst`.
 *
 * @example
 * const model = new Transformer({ dModel: 32, nhead: 4, numEncoderLayers: 2, numDecoderLayers: 2, dimFeedforward: 64, batchFirst: true });
 * const T = tgt.shape[1];
 * const y = model.forward(src, tgt, { tgtMask: Transformer.generateSquareSubsequentMask(T), srcKeyPaddingMask, memoryKeyPaddingMask: srcKeyPaddingMask });
 */
export class Transformer extends Module {
  readonly config: Readonly<Required<TransformerConfig>>;
  readonly encoder: TransformerEncoder;
  readonly decoder: TransformerDecoder;

  /** PyTorch's causal float mask [T, T]: 0 on and below the diagonal, −∞ above. */
  static generateSquareSubsequentMask = generateSquareSubsequentMask;

  constructor(config: TransformerConfig = {}, init: InitOptions = {}) {
    super();
    const c = resolveConfig<Required<TransformerConfig>>('Transformer', config, {
      ...TRANSFORMER_LAYER_SPEC,
      dModel: { type: 'int', min: 1, default: 512 },
      nhead: { type: 'int', min: 1, default: 8 },
      numEncoderLayers: { type: 'int', min: 1, default: 6 },
      numDecoderLayers: { type: 'int', min: 1, default: 6 },
    });
    if (c.dModel % c.nhead !== 0) throw new GlimpseError(`Transformer: config.dModel ${c.dModel} is not divisible by config.nhead ${c.nhead} (the head size dModel / nhead must be an integer)`);
    this.config = Object.freeze(c);
    const { numEncoderLayers, numDecoderLayers, ...layer } = c;
    this.encoder = this.registerModule('encoder', new TransformerEncoder({ ...layer, numLayers: numEncoderLayers, finalNorm: true }, init));
    this.decoder = this.registerModule('decoder', new TransformerDecoder({ ...layer, numLayers: numDecoderLayers, finalNorm: true }, init));
    for (const [, p] of this.namedParameters()) {
      if (p.ndim > 1) p.data.set(xavierUniform([p.shape[0]!, p.shape[1]!], { ...init, dtype: p.dtype === 'float64' ? 'float64' : 'float32' }).data);
    }
  }

  /**
   * @param src [B, S, E] with batchFirst, else [S, B, E]
   * @param tgt [B, T, E] with batchFirst, else [T, B, E]
   * @returns the decoder's output, like tgt
   */
  forward(src: Tensor, tgt: Tensor, options: TransformerForwardOptions = {}): Tensor {
    const layer = this.encoder.config.layer;
    const s = toBatchFirst('Transformer', 'src', src, layer);
    const t = toBatchFirst('Transformer', 'tgt', tgt, layer);
    return fromBatchFirst(this.forwardBatchFirst(s, t, options).output, layer);
  }

  /** As {@link forward} on src [B, S, E] and tgt [B, T, E], returning every attention map too. */
  forwardBatchFirst(src: Tensor, tgt: Tensor, options: TransformerForwardOptions = {}): TransformerOutput {
    const [B, S] = src.shape as [number, number];
    if (tgt.shape[0] !== B) throw new GlimpseError(`Transformer: src has batch ${B} but tgt has ${tgt.shape[0]}`);
    const nh = this.config.nhead;
    // Checked here too, so an error names the Transformer's own arguments.
    checkMask('Transformer', 'srcMask', options.srcMask, [[S, S], [B * nh, S, S]]);
    checkMask('Transformer', 'srcKeyPaddingMask', options.srcKeyPaddingMask, [[B, S]]);
    const enc = this.encoder.forwardBatchFirst(src, { mask: options.srcMask ?? null, srcKeyPaddingMask: options.srcKeyPaddingMask ?? null });
    const dec = this.decoder.forwardBatchFirst(tgt, enc.output, options);
    return { ...dec, memory: enc.output, encoderWeights: enc.weights };
  }
}

import type { Tensor } from '../../core/tensor.js';
import { gelu, relu } from '../../ops/index.js';

/** The feed-forward activations of the Transformer layers (PyTorch's `activation="relu" | "gelu"`). */
export const TRANSFORMER_ACTIVATIONS = ['relu', 'gelu'] as const;
export type TransformerActivation = (typeof TRANSFORMER_ACTIVATIONS)[number];

/**
 * One function per activation name: a typed table, so a new name without its function does not
 * compile. GELU is the exact (erf) form, PyTorch's default.
 */
export const ACTIVATION_FUNCTIONS: { readonly [K in TransformerActivation]: (x: Tensor) => Tensor } = {
  relu,
  gelu,
};

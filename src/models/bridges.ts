/**
 * How a seq2seq decoder's initial state is made from the encoder's final states
 * last = [h_fwd_last; h_bwd_first] (size M), as a table.
 */
import { zeros } from '../core/create.js';
import type { Tensor } from '../core/tensor.js';
import { type InitOptions, Linear } from '../nn/index.js';
import { tanh } from '../ops/index.js';
import { tableKeys } from '../util/table.js';

export interface BridgeRule {
  readonly summary: string;
  /** The bridge's layer for M → D, or null. */
  build(M: number, D: number, init: InitOptions): Linear | null;
  /** What is wrong with these sizes, or null. */
  check?(M: number, D: number): string | null;
  /** s_0 [B, D] from last [B, M]. */
  apply(last: Tensor, layer: Linear | null, D: number): Tensor;
}

const table = {
  'tanh-linear': {
    summary: 's_0 = tanh(W [h_fwd_last; h_bwd_first]) (Bahdanau 2015)',
    build: (M, D, init) => new Linear({ inFeatures: M, outFeatures: D }, init),
    apply: (last, layer) => tanh(layer!.forward(last)),
  },
  concat: {
    summary: 's_0 = [h_fwd_last; h_bwd_first] as it is (sizes must match)',
    build: () => null,
    check: (M, D) => (M === D ? null : `bridge "concat" needs decoderHidden = encoder state size (${M}), got ${D}; use bridge "tanh-linear"`),
    apply: (last) => last,
  },
  zeros: {
    summary: 's_0 = 0',
    build: () => null,
    apply: (last, _layer, D) => zeros([last.shape[0]!, D], { dtype: last.dtype as 'float32' | 'float64' }),
  },
} satisfies Record<string, BridgeRule>;

export type BridgeKind = keyof typeof table;
export const BRIDGES: { readonly [K in BridgeKind]: BridgeRule } = table;
export const BRIDGE_KINDS = tableKeys(BRIDGES);

/**
 * PyTorch's Transformer layers as ONNX subgraphs, with multi-head attention decomposed into
 * MatMul / Softmax (no opset `Attention` op): batch-first values [B, T, E], heads [B, nh, T, hd].
 */
import type { TransformerActivation } from '../../nn/index.js';
import type { OnnxGraph } from './graph.js';
import { type Params, attention, gelu, layerNorm, linear, packedLinear } from './layers.js';

/** The feed-forward activations as ONNX subgraphs: a typed table, like the models' own. */
const ACTIVATIONS: { readonly [K in TransformerActivation]: (g: OnnxGraph, x: string) => string } = {
  relu: (g, x) => g.op('Relu', [x]),
  gelu,
};

/** What a layer needs of its config. */
export interface LayerShape {
  dModel: number;
  nhead: number;
  normFirst: boolean;
  layerNormEps: number;
  activation: TransformerActivation;
}

/** [B, T, E] → [B, nh, T, hd] */
function splitHeads(g: OnnxGraph, x: string, s: LayerShape): string {
  const r = g.op('Reshape', [x, g.ints('shape', [0, 0, s.nhead, s.dModel / s.nhead])]);
  return g.op('Transpose', [r], { perm: { ints: [0, 2, 1, 3] } });
}

/** [B, nh, T, hd] → [B, T, E] */
function mergeHeads(g: OnnxGraph, x: string, s: LayerShape): string {
  return g.op('Reshape', [g.op('Transpose', [x], { perm: { ints: [0, 2, 1, 3] } }), g.ints('shape', [0, 0, s.dModel])]);
}

/**
 * nn.MultiheadAttention of query x [B, Tq, E] over memory [B, Tk, E] (x itself for
 * self-attention), `keep` as {@link attention}: context [B, Tq, E], weights per head [B, nh, Tq, Tk].
 */
export function multihead(g: OnnxGraph, params: Params, prefix: string, x: string, memory: string, s: LayerShape, keep: 'causal' | string | null): { context: string; weights: string } {
  const q = splitHeads(g, packedLinear(g, params, x, prefix, 0), s);
  const k = splitHeads(g, packedLinear(g, params, memory, prefix, 1), s);
  const v = splitHeads(g, packedLinear(g, params, memory, prefix, 2), s);
  const a = attention(g, q, k, v, 4, 1 / Math.sqrt(s.dModel / s.nhead), keep);
  return { context: linear(g, params, mergeHeads(g, a.context, s), `${prefix}.out_proj`), weights: a.weights };
}

/** post-norm norm(x + f(x)) or pre-norm x + f(norm(x)) (dropout is the identity in eval). */
export function residual(g: OnnxGraph, params: Params, x: string, norm: string, s: LayerShape, f: (h: string) => string): string {
  return s.normFirst
    ? g.op('Add', [x, f(layerNorm(g, params, x, norm, s.layerNormEps))])
    : layerNorm(g, params, g.op('Add', [x, f(x)]), norm, s.layerNormEps);
}

/** linear2(act(linear1(x))) */
export function feedForward(g: OnnxGraph, params: Params, prefix: string, x: string, s: LayerShape): string {
  return linear(g, params, ACTIVATIONS[s.activation](g, linear(g, params, x, `${prefix}.linear1`)), `${prefix}.linear2`);
}

/** nn.TransformerEncoderLayer on x [B, T, E]: the output and the self-attention weights [B, nh, T, T]. */
export function encoderLayer(g: OnnxGraph, params: Params, prefix: string, x: string, s: LayerShape, keep: 'causal' | string | null): { y: string; weights: string } {
  let weights = '';
  const h = residual(g, params, x, `${prefix}.norm1`, s, (z) => {
    const a = multihead(g, params, `${prefix}.self_attn`, z, z, s, keep);
    weights = a.weights;
    return a.context;
  });
  return { y: residual(g, params, h, `${prefix}.norm2`, s, (z) => feedForward(g, params, prefix, z, s)), weights };
}

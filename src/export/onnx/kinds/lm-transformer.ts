/**
 * The decoder-only Transformer language model (`--model transformer`) as one graph over a
 * window, equal to `TransformerLanguageModel.forward`:
 *   ids int64 [T, B], T ≤ contextSize → logits [T, B, V], attention [B, T, T]
 * (the last layer's causal self-attention averaged over heads).
 */
import type { TransformerLanguageModelConfig } from '../../../models/index.js';
import { OnnxGraph } from '../graph.js';
import { layerNorm, linear } from '../layers.js';
import { encoderLayer } from '../transformer.js';
import { type ExportRule, finish } from './rule.js';

export const LM_TRANSFORMER_EXPORT: ExportRule = {
  usage: 'lm.onnx runs a window of at most contextSize token ids (time-major [T, B]) and returns next-token logits; nothing is carried between windows.',
  graphs({ params, config }, producerVersion) {
    const c = config as Required<TransformerLanguageModelConfig>;
    const g = new OnnxGraph('glimpse_transformer_lm');
    const ids = g.input('ids', 'int64', ['T', 'B']);
    const bt = g.op('Transpose', [ids], { perm: { ints: [1, 0] } }); // [B, T]
    const tokens = g.op('Gather', [g.param('encoder.weight', params['encoder.weight']!), bt]); // [B, T, E]
    // Learned positions 0…T−1: pos.weight[0:T]
    const T = g.op('Slice', [g.op('Shape', [ids]), g.ints('start', [0]), g.ints('end', [1])]);
    const positions = g.op('Slice', [g.param('pos.weight', params['pos.weight']!), g.ints('start', [0]), T, g.ints('axes', [0])]);
    let x = g.op('Add', [tokens, positions]);
    let last = '';
    for (let l = 0; l < c.numLayers; l++) {
      const layer = encoderLayer(g, params, `blocks.layers.${l}`, x, c, 'causal');
      x = layer.y;
      last = layer.weights;
    }
    if (c.normFirst) x = layerNorm(g, params, x, 'norm', c.layerNormEps);
    const logits = g.op('Transpose', [linear(g, params, x, 'decoder')], { perm: { ints: [1, 0, 2] } });
    g.output(logits, 'logits', 'float', ['T', 'B', c.vocabSize]);
    g.output(g.op('ReduceMean', [last], { axes: { ints: [1] }, keepdims: { i: 0 } }), 'attention', 'float', ['B', 'T', 'T']);
    const what = `transformer language model, ${c.numLayers} ${c.normFirst ? 'pre' : 'post'}-norm layers × d_model ${c.dModel}, ${c.nhead} heads, context ${c.contextSize}`;
    return [finish(g, 'lm.onnx', `glimpse ${what}: one window, ids [T, B] → logits [T, B, V]`, producerVersion)];
  },
};

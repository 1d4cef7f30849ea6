/**
 * The recurrent encoder–decoder (`--arch rnn`, every attention kind) as two graphs, so that any
 * ONNX Runtime host can run greedy or beam search:
 *   encoder.onnx: src int64 [B, S], src_lengths int64 [B]
 *     → memory [B, S, M], keys [B, S, K] (the attention's precomputed key term; not for
 *       `none`), src_mask bool [B, S] (true = real token), h [B, D] (and c [B, D] for LSTM)
 *   decoder-step.onnx: prev_token int64 [n], memory, keys, src_mask (rows as the encoder's, or
 *     gathered for a beam), h, c, feed [n, D] (input feeding; zeros at the first step)
 *     → log_probs [n, V], h_out, c_out, feed_out, attention [n, S]
 * Equal to `Seq2Seq.encode` / `asStepModel().step` in eval mode.
 */
import { ATTENTION, type Seq2SeqConfig } from '../../../models/index.js';
import { OnnxGraph } from '../graph.js';
import { linear } from '../layers.js';
import { CELL_RULES, recurrentStack } from '../recurrent.js';
import { BRIDGE_EXPORTS, FLOW_EXPORTS } from '../seq2seq-parts.js';
import { SOURCE_ATTENTION_EXPORTS } from '../source-attention.js';
import { type ExportRule, type ExportSource, finish } from './rule.js';

function encoderGraph({ params, config }: ExportSource, producerVersion: string) {
  const c = config as Required<Seq2SeqConfig>;
  const dirs = c.bidirectional ? 2 : 1;
  const M = c.encoderHidden * dirs;
  const D = c.decoderHidden;
  const g = new OnnxGraph('glimpse_seq2seq_encoder');
  const src = g.input('src', 'int64', ['B', 'S']);
  const lengths = g.input('src_lengths', 'int64', ['B']);
  const x = g.op('Transpose', [g.op('Gather', [g.param('src_emb.weight', params['src_emb.weight']!), src])], { perm: { ints: [1, 0, 2] } }); // [S, B, E]
  const rnn = recurrentStack(g, params, { cell: c.cell, prefix: 'encoder', numLayers: c.encoderLayers, hiddenSize: c.encoderHidden, bidirectional: c.bidirectional },
    x, '', '', g.op('Cast', [lengths], { to: { i: 6 } }));
  const memory = g.op('Transpose', [rnn.y], { perm: { ints: [1, 0, 2] } }); // [B, S, M]
  // The top layer's final states [h_fwd_last; h_bwd_first] → [B, M]
  const top = (c.encoderLayers - 1) * dirs;
  const lastDirs = g.op('Slice', [rnn.h, g.ints('start', [top]), g.ints('end', [top + dirs]), g.ints('axes', [0])]);
  const last = g.op('Reshape', [g.op('Transpose', [lastDirs], { perm: { ints: [1, 0, 2] } }), g.ints('shape', [0, M])]);
  const batch = g.op('Slice', [g.op('Shape', [src]), g.ints('start', [0]), g.ints('end', [1])]);
  const zeros = g.op('ConstantOfShape', [g.op('Concat', [batch, g.ints('D', [D])], { axis: { i: 0 } })]); // float 0 [B, D]
  const S = g.op('Slice', [g.op('Shape', [src]), g.ints('start', [1]), g.ints('end', [2])]);
  const positions = g.op('Range', [g.ints('zero', [0], []), squeezeScalar(g, S), g.ints('one', [1], [])]);
  const mask = g.op('Less', [positions, g.op('Unsqueeze', [lengths, g.ints('axes', [1])])]); // [B, S]
  g.output(memory, 'memory', 'float', ['B', 'S', M]);
  const keys = SOURCE_ATTENTION_EXPORTS[c.attention].keys(g, params, memory, D);
  if (c.attention !== 'none') g.output(keys ?? memory, 'keys', 'float', ['B', 'S', 'K']);
  g.output(mask, 'src_mask', 'bool', ['B', 'S']);
  g.output(BRIDGE_EXPORTS[c.bridge](g, params, last, zeros), 'h', 'float', ['B', D]);
  if (CELL_RULES[c.cell].hasCell) g.output(zeros, 'c', 'float', ['B', D]);
  return finish(g, 'encoder.onnx', `glimpse seq2seq encoder (${c.cell}, ${c.attention} attention): src [B, S] → memory, keys, src_mask, decoder state`, producerVersion);
}

function squeezeScalar(g: OnnxGraph, oneElement: string): string {
  return g.op('Squeeze', [oneElement, g.ints('axes', [0])]);
}

function stepGraph({ params, config }: ExportSource, producerVersion: string) {
  const c = config as Required<Seq2SeqConfig>;
  const M = c.encoderHidden * (c.bidirectional ? 2 : 1);
  const D = c.decoderHidden;
  const attends = c.attention !== 'none';
  const hasCell = CELL_RULES[c.cell].hasCell;
  const g = new OnnxGraph('glimpse_seq2seq_decoder_step');
  const prev = g.input('prev_token', 'int64', ['n']);
  const memory = attends ? g.input('memory', 'float', ['n', 'S', M]) : '';
  const keys = attends ? g.input('keys', 'float', ['n', 'S', 'K']) : '';
  const keep = attends ? g.input('src_mask', 'bool', ['n', 'S']) : '';
  const h = g.input('h', 'float', ['n', D]);
  const cIn = hasCell ? g.input('c', 'float', ['n', D]) : '';
  const feed = c.inputFeeding ? g.input('feed', 'float', ['n', D]) : '';
  const e = g.op('Gather', [g.param('tgt_emb.weight', params['tgt_emb.weight']!), prev]); // [n, E]
  const attention = SOURCE_ATTENTION_EXPORTS[c.attention];
  const r = FLOW_EXPORTS[ATTENTION[c.attention].flow](g, params, {
    cell: c.cell, D, heads: c.heads, e, h, c: cIn, feed,
    attend: (q) => attention.attend(g, params, q, memory, keys, keep, { D, heads: c.heads }),
  });
  g.output(g.op('LogSoftmax', [linear(g, params, r.features, 'out')], { axis: { i: -1 } }), 'log_probs', 'float', ['n', c.tgtVocabSize]);
  g.output(r.h, 'h_out', 'float', ['n', D]);
  if (r.c) g.output(r.c, 'c_out', 'float', ['n', D]);
  if (r.feed) g.output(r.feed, 'feed_out', 'float', ['n', D]);
  if (r.weights) g.output(r.weights, 'attention', 'float', ['n', 'S']);
  return finish(g, 'decoder-step.onnx', `glimpse seq2seq decoder step (${c.cell}, ${c.attention} attention): previous token and state → log-probabilities, state, attention`, producerVersion);
}

export const SEQ2SEQ_RNN_EXPORT: ExportRule = {
  usage: 'encoder.onnx encodes a padded source batch once; decoder-step.onnx then runs one target position per call from <bos>, feeding each step\'s state outputs (h_out → h, c_out → c, feed_out → feed) into the next and choosing the next token from log_probs (argmax for greedy; for beam search gather the rows of every per-row input by the chosen beams).',
  graphs: (source, producerVersion) => [encoderGraph(source, producerVersion), stepGraph(source, producerVersion)],
};

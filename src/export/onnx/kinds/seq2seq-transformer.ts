/**
 * The Transformer encoder–decoder: not exported yet.
 */
import { GlimpseError } from '../../../util/errors.js';
import type { ExportRule } from './rule.js';

export const SEQ2SEQ_TRANSFORMER_EXPORT: ExportRule = {
  usage: 'not exported yet',
  graphs() {
    throw new GlimpseError('ONNX export of the Transformer encoder–decoder (arch "transformer") is not written yet: only the recurrent seq2seq model (arch "rnn") and the language models export to ONNX so far');
  },
};

/**
 * The lesson's encoder–decoder language model (`--model encdec-attn`): not exported yet.
 */
import { GlimpseError } from '../../../util/errors.js';
import type { ExportRule } from './rule.js';

export const LM_ENCDEC_EXPORT: ExportRule = {
  usage: 'not exported yet',
  graphs() {
    throw new GlimpseError('ONNX export of the encoder–decoder language model (arch "encdec", --model encdec-attn) is not written yet: the recurrent LMs (lstm, gru, lstm-attn, gru-attn, lstm-scratch) and the Transformer LM export to ONNX');
  },
};

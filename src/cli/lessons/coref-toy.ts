/**
 * The attention lesson's toy coreference task and model: they live in the library
 * (`train.coref`, src/train/coref-toy.ts) so the lessons page trains the very same model.
 */
import { train } from '../../index.js';

export type CorefModel = train.coref.CorefModel;
export type CorefTrace = train.coref.CorefTrace;
export const { SLOT, LENGTH, VOCAB, sentence, referent, trainCoref, headWeights } = train.coref;

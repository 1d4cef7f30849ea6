/**
 * glimpse's metrics: the protocol's corpus BLEU-4 on token lists, sacreBLEU-compatible BLEU and
 * chrF on detokenised text (with the sacreBLEU command line's behaviour), sequence accuracy and
 * perplexity. Tensor-free and browser-safe.
 *
 * @example
 * import { corpusBleu, sacreBleu, formatBleu } from './metrics/index.js';
 * corpusBleu(hypTokens, refTokens).bleu * 100;           // PROTOCOL W2's test BLEU
 * const s = sacreBleu(hypLines, refLines);                // sacreBLEU 2.6.0, 13a, exp smoothing
 * console.log(formatBleu(s, { signature: s.signature }));
 *
 * @packageDocumentation
 */
export { corpusBleu, cutAtEos, type CorpusBleu } from './bleu.js';
export {
  sacreBleu, computeBleu, formatBleu, bleuVerbose, bleuSignature, SACREBLEU_VERSION, SMOOTH_DEFAULTS,
  type SacreBleuOptions, type SacreBleuScore, type SmoothMethod,
} from './sacrebleu/bleu.js';
export { chrF, chrfSignature, type ChrfOptions, type ChrfScore } from './sacrebleu/chrf.js';
export { tokenize13a, tokenizeChar, tokenizeRegexp, sacreTokenizer, SACRE_TOKENIZERS, type SacreTokenizerName } from './sacrebleu/tokenizers.js';
export { bleuCommand, readSacrebleuLines, decodeUtf8, type BleuCommandOptions, type BleuCommandResult } from './sacrebleu/cli.js';
export { pyFixed, pyFloatRepr } from './sacrebleu/pyformat.js';
export { sequenceAccuracy, exactMatch, tokenAccuracy, type SequenceAccuracy, type SequenceAccuracyOptions } from './accuracy.js';
export { perplexity, PerplexityMeter } from './perplexity.js';

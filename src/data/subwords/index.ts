/**
 * Subword models, browser-safe: BPE learned and applied in glimpse (subword-nmt's codes
 * format and `@@` pieces), and SentencePiece `.model` files applied as `spm_encode` does.
 * Reading and writing files is in `./subwords-node.ts`.
 *
 * @example
 * import { learnBpe, loadSubwordModel } from './data/subwords/index.js';
 * const bpe = learnBpe(lines, { merges: 8000 });
 * const again = loadSubwordModel({ kind: 'bpe', bytes: bpe.serialize(), name: 'codes.bpe' });
 * again.decode(again.encode('A man in an orange hat.'));  // 'A man in an orange hat.'
 *
 * @packageDocumentation
 */
import { GlimpseError } from '../../util/errors.js';
import { BpeModel, type BpeModelOptions } from './bpe-model.js';
import type { SubwordKind, SubwordModel } from './model.js';
import { SentencePieceModel } from './spm-model.js';

export {
  SUBWORD_LIMITS, parseSubwordSpec,
  type SubwordKind, type SubwordModel, type SubwordModelInfo, type SubwordEncodeOptions, type SubwordSpec,
} from './model.js';
export { BpeModel, learnBpe, BPE_SEPARATOR, type BpeModelOptions, type LearnBpeOptions } from './bpe-model.js';
export { learnBpeMerges, bpeWords, WordCounter, END_OF_WORD, type BpeMergeOptions, type BpeMergeProgress } from './bpe-learn.js';
export { parseBpeCodes, formatBpeCodes, parseBpeVocabulary, formatBpeVocabulary, BPE_CODES_HEADER } from './bpe-codes.js';
export { SentencePieceModel, loadSentencePiece } from './spm-model.js';
export { SENTENCEPIECE_MODEL_PROTO, type SpmModelType } from './spm-proto.js';

/**
 * Rebuilds a model from the bytes {@link SubwordModel.serialize} gave (or a file's bytes):
 * `bpe` → a codes file (UTF-8 text), `spm` → a SentencePiece `.model`.
 *
 * @example
 * const m = loadSubwordModel({ kind: 'spm', bytes: modelBytes, name: 'm.model' });
 */
export function loadSubwordModel(source: { kind: SubwordKind; bytes: Uint8Array; name: string }, options: Omit<BpeModelOptions, 'name'> = {}): SubwordModel {
  const loaders: { [K in SubwordKind]: () => SubwordModel } = {
    bpe: () => BpeModel.fromCodes(decodeText(source.bytes, source.name, 'a BPE codes file'), source.name, options),
    spm: () => new SentencePieceModel(source.bytes, source.name),
  };
  return loaders[source.kind]();
}

/** UTF-8 text of a file's bytes, or one error naming it and what it should have been. */
export function decodeText(bytes: Uint8Array, name: string, expected: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new GlimpseError(`${name} is not UTF-8 text (a binary file?); expected ${expected}`);
  }
}

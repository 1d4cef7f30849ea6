/**
 * A SentencePiece model loaded from its `.model` bytes, encoding as `spm_encode
 * --output_format=piece` and decoding as `spm_decode` (`sentencepiece_processor.cc`):
 * normalize, segment by the model's type, then report pieces — runs of unknown characters
 * merged into one piece showing their text, or, with byte fallback, each unknown character's
 * UTF-8 bytes as `<0xHH>` pieces.
 */
import { GlimpseError } from '../../util/errors.js';
import { checkDropout, type SubwordEncodeOptions, type SubwordModel, type SubwordModelInfo } from './model.js';
import { checkSpmDropout, SPM_ENCODERS, type SpmEncoderState } from './spm-encoders.js';
import { SpmNormalizer } from './spm-normalizer.js';
import { decodeSpmModelProto, PIECE_TYPE, type SpmModelProto, type SpmModelType } from './spm-proto.js';
import { fromUtf8, SPACE_SYMBOL, utf8, validCharLen } from './spm-utf8.js';
import { byteKey, bytePiece, SpmVocab } from './spm-vocab.js';

/**
 * A SentencePiece model (unigram, BPE, word or char) read from a `.model` file.
 *
 * @example
 * const spm = loadSentencePiece(readFileSync('m.model'), 'm.model');
 * spm.encode('Hello world.');          // e.g. ['▁Hello', '▁world', '.']
 * spm.decode(['▁Hello', '▁world', '.']); // 'Hello world.'
 */
export class SentencePieceModel implements SubwordModel {
  readonly kind = 'spm' as const;
  readonly proto: SpmModelProto;
  private readonly vocab: SpmVocab;
  private readonly normalizer: SpmNormalizer;
  private readonly denormalizer: SpmNormalizer | null;
  private readonly state: SpmEncoderState;

  constructor(private readonly bytes: Uint8Array, readonly name: string) {
    this.proto = decodeSpmModelProto(bytes, name);
    this.vocab = new SpmVocab(this.proto, name);
    const p = this.proto;
    this.normalizer = new SpmNormalizer({ ...p.normalizer, treatWhitespaceAsSuffix: p.treatWhitespaceAsSuffix }, this.vocab.userDefined, name);
    this.denormalizer = p.denormalizer === null ? null
      : new SpmNormalizer({ ...p.denormalizer, treatWhitespaceAsSuffix: false }, null, name);
    this.state = SPM_ENCODERS[p.modelType].prepare(this.vocab);
    // As SentencePieceProcessor::Load: a model carrying self-test samples must reproduce them.
    for (const sample of p.selfTest) {
      const got = this.encode(sample.input).join(' ');
      if (got !== sample.expected) {
        throw new GlimpseError(`${name}: self-test failed on '${sample.input}': expected '${sample.expected}', got '${got}'`);
      }
    }
  }

  /** `unigram`, `bpe`, `word` or `char`. */
  get modelType(): SpmModelType {
    return this.proto.modelType;
  }

  /** Number of pieces (the vocabulary size). */
  get size(): number {
    return this.proto.pieces.length;
  }

  encode(text: string, options?: SubwordEncodeOptions): string[] {
    return this.encodeBytes(utf8(text), options);
  }

  /** Encodes one line given as UTF-8 bytes; malformed bytes become U+FFFD one byte at a time, as `spm_encode` reads them. */
  encodeBytes(input: Uint8Array, options?: SubwordEncodeOptions): string[] {
    const dropout = checkDropout(options, this.name);
    checkSpmDropout(this.proto.modelType, dropout, this.name);
    const normalized = this.normalizer.normalize(input);
    const pieces = SPM_ENCODERS[this.proto.modelType].encode(this.state, normalized, dropout, options?.rng);
    const out: string[] = [];
    let prevUnknown = false;
    for (const { start, end, id } of pieces) {
      const unknown = this.vocab.is(id, PIECE_TYPE.unknown);
      if (this.vocab.is(id, PIECE_TYPE.control)) {
        out.push(this.proto.pieces[id]!.piece);
      } else if (unknown && this.proto.byteFallback) {
        for (let k = start; k < end; k++) out.push(bytePiece(normalized[k]!));
      } else if (unknown && prevUnknown) {
        out[out.length - 1] += fromUtf8(normalized.subarray(start, end));
      } else {
        out.push(fromUtf8(normalized.subarray(start, end)));
      }
      prevUnknown = unknown;
    }
    return out;
  }

  decode(pieces: readonly string[]): string {
    const ids = pieces.map((p) => {
      const b = utf8(p);
      return this.vocab.pieceToId(byteKey(b, 0, b.length));
    });
    const spec = this.proto.normalizer;
    let text = '';
    let isBosSpace = true;
    let bosSpaceSeen = false;
    let byteStart = 0;
    for (let i = 0; i <= pieces.length; i++) {
      if (i < pieces.length && this.vocab.is(ids[i]!, PIECE_TYPE.byte)) continue;
      text += this.decodeBytes(pieces, byteStart, i);
      if (i === pieces.length) break;
      if (bosSpaceSeen || text !== '') isBosSpace = false;
      byteStart = i + 1;
      const id = ids[i]!;
      let piece = pieces[i]!;
      bosSpaceSeen = false;
      if (this.vocab.is(id, PIECE_TYPE.control)) continue;
      if (this.vocab.is(id, PIECE_TYPE.unknown)) {
        text += this.proto.pieces[id]!.piece === piece ? this.proto.unkSurface : piece;
        continue;
      }
      if (isBosSpace && (spec.addDummyPrefix || spec.removeExtraWhitespaces) && piece.startsWith(SPACE_SYMBOL)) {
        piece = piece.slice(SPACE_SYMBOL.length);
        bosSpaceSeen = !spec.removeExtraWhitespaces;
      }
      text += piece.replaceAll(SPACE_SYMBOL, ' ');
    }
    return this.denormalizer === null ? text : fromUtf8(this.denormalizer.normalize(utf8(text)));
  }

  /** The text of a run of byte pieces: their bytes as UTF-8, each malformed byte as U+FFFD. */
  private decodeBytes(pieces: readonly string[], from: number, to: number): string {
    if (from >= to) return '';
    const bytes = Uint8Array.from(pieces.slice(from, to), (p) => parseInt(p.slice(3, 5), 16));
    let out = '';
    for (let at = 0; at < bytes.length;) {
      const n = validCharLen(bytes, at);
      out += n === 0 ? '\ufffd' : fromUtf8(bytes.subarray(at, at + n));
      at += n === 0 ? 1 : n;
    }
    return out;
  }

  serialize(): Uint8Array {
    return this.bytes.slice();
  }

  toJSON(): SubwordModelInfo {
    return { kind: 'spm', name: this.name, size: this.size, algorithm: this.proto.modelType };
  }
}

/**
 * Loads a SentencePiece `.model` (the bytes `spm_train` wrote). A damaged file, a file of
 * another kind or a model that breaks SentencePiece's rules is one {@link GlimpseError}
 * naming `name`.
 *
 * @example
 * const spm = loadSentencePiece(new Uint8Array(await (await fetch('m.model')).arrayBuffer()), 'm.model');
 * spm.encode('Ein Mann.');  // e.g. ['▁Ein', '▁Mann', '.']
 */
export function loadSentencePiece(bytes: Uint8Array, name: string): SentencePieceModel {
  return new SentencePieceModel(bytes, name);
}

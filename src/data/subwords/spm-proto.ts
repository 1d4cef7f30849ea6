/**
 * Reading a SentencePiece `.model` file: a serialized `ModelProto` (SentencePiece's
 * `src/sentencepiece_model.proto`), decoded with protobufjs from the schema below, which lists
 * only the fields glimpse uses (field numbers, types and defaults as in the original, except
 * `model_type`, see there; unknown fields are skipped by the decoder, as protobuf requires).
 */
import protobuf from 'protobufjs';
import { GlimpseError } from '../../util/errors.js';
import { SUBWORD_LIMITS } from './model.js';

/** The subset of `sentencepiece_model.proto` glimpse reads (proto2). */
export const SENTENCEPIECE_MODEL_PROTO = `
syntax = "proto2";
package sentencepiece;

message TrainerSpec {
  // ModelType { UNIGRAM = 1; BPE = 2; WORD = 3; CHAR = 4; } read as its varint, so that a type
  // this schema does not know is reported instead of silently read as the default, UNIGRAM.
  optional int32 model_type = 3 [default = 1];
  optional int32 vocab_size = 4 [default = 8000];
  optional bool treat_whitespace_as_suffix = 24 [default = false];
  optional bool allow_whitespace_only_pieces = 26 [default = false];
  optional bool byte_fallback = 35 [default = false];
  optional string unk_surface = 44 [default = " \u2047 "];
}

message NormalizerSpec {
  optional string name = 1;
  optional bytes precompiled_charsmap = 2;
  optional bool add_dummy_prefix = 3 [default = true];
  optional bool remove_extra_whitespaces = 4 [default = true];
  optional bool escape_whitespaces = 5 [default = true];
}

message SelfTestData {
  message Sample {
    optional string input = 1;
    optional string expected = 2;
  }
  repeated Sample samples = 1;
}

message ModelProto {
  message SentencePiece {
    enum Type { NORMAL = 1; UNKNOWN = 2; CONTROL = 3; USER_DEFINED = 4; BYTE = 6; UNUSED = 5; }
    optional string piece = 1;
    optional float score = 2;
    optional Type type = 3 [default = NORMAL];
  }
  repeated SentencePiece pieces = 1;
  optional TrainerSpec trainer_spec = 2;
  optional NormalizerSpec normalizer_spec = 3;
  optional SelfTestData self_test_data = 4;
  optional NormalizerSpec denormalizer_spec = 5;
}
`;

/** `ModelProto.SentencePiece.Type`. */
export const PIECE_TYPE = { normal: 1, unknown: 2, control: 3, userDefined: 4, unused: 5, byte: 6 } as const;
/** `TrainerSpec.ModelType`, by name. */
export const SPM_MODEL_TYPES = { 1: 'unigram', 2: 'bpe', 3: 'word', 4: 'char' } as const;
export type SpmModelType = (typeof SPM_MODEL_TYPES)[keyof typeof SPM_MODEL_TYPES];

export interface SpmPiece {
  piece: string;
  score: number;
  type: number;
}

export interface SpmNormalizerSpec {
  name: string;
  precompiledCharsmap: Uint8Array;
  addDummyPrefix: boolean;
  removeExtraWhitespaces: boolean;
  escapeWhitespaces: boolean;
}

/** The parts of a `ModelProto` glimpse uses, as plain data. */
export interface SpmModelProto {
  pieces: SpmPiece[];
  modelType: SpmModelType;
  treatWhitespaceAsSuffix: boolean;
  allowWhitespaceOnlyPieces: boolean;
  byteFallback: boolean;
  unkSurface: string;
  normalizer: SpmNormalizerSpec;
  /** Present only when the model has one with a charsmap (as `SentencePieceProcessor::Load`). */
  denormalizer: SpmNormalizerSpec | null;
  selfTest: Array<{ input: string; expected: string }>;
}

let modelType: protobuf.Type | null = null;

function modelProtoType(): protobuf.Type {
  modelType ??= protobuf.parse(SENTENCEPIECE_MODEL_PROTO, { keepCase: true }).root.lookupType('sentencepiece.ModelProto');
  return modelType;
}

/** True when `bytes` start like a safetensors file (8-byte header length, then JSON). */
function looksLikeSafetensors(bytes: Uint8Array): boolean {
  if (bytes.length < 10) return false;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getUint32(0, true) + view.getUint32(4, true) * 2 ** 32;
  return bytes[8] === 0x7b && n + 8 <= bytes.length;
}

// protobufjs decodes into objects whose defaults live on the prototype.
type Decoded = Record<string, unknown>;

function normalizerSpec(m: Decoded | null | undefined): SpmNormalizerSpec {
  const spec = (m ?? {}) as Decoded;
  const charsmap = spec.precompiled_charsmap;
  return {
    name: typeof spec.name === 'string' ? spec.name : '',
    precompiledCharsmap: charsmap instanceof Uint8Array ? charsmap : new Uint8Array(0),
    addDummyPrefix: spec.add_dummy_prefix !== false,
    removeExtraWhitespaces: spec.remove_extra_whitespaces !== false,
    escapeWhitespaces: spec.escape_whitespaces !== false,
  };
}

/**
 * Decodes a `.model` file. A file that is not one (a safetensors file, text, a damaged or
 * truncated protobuf, an unknown model type, too many pieces) is one {@link GlimpseError}
 * naming `name` and what was expected.
 */
export function decodeSpmModelProto(bytes: Uint8Array, name: string): SpmModelProto {
  const expected = 'expected a SentencePiece model (the .model file spm_train writes)';
  if (bytes.length > SUBWORD_LIMITS.maxFileBytes) {
    throw new GlimpseError(`${name} is ${bytes.length} bytes, more than the limit of ${SUBWORD_LIMITS.maxFileBytes} for a SentencePiece model`);
  }
  if (bytes.length === 0) throw new GlimpseError(`${name} is empty; ${expected}`);
  if (looksLikeSafetensors(bytes)) throw new GlimpseError(`${name} is a safetensors file, not a SentencePiece model; ${expected}`);
  let m: Decoded;
  try {
    m = modelProtoType().decode(bytes) as unknown as Decoded;
  } catch (e) {
    throw new GlimpseError(`${name} is not a SentencePiece model (protobuf decoding failed: ${(e as Error).message}); ${expected}`);
  }
  const pieces = (m.pieces as Decoded[] | undefined) ?? [];
  if (pieces.length === 0) throw new GlimpseError(`${name} has no pieces; ${expected}`);
  if (pieces.length > SUBWORD_LIMITS.maxPieces) {
    throw new GlimpseError(`${name} has ${pieces.length} pieces, more than the limit of ${SUBWORD_LIMITS.maxPieces}`);
  }
  const trainer = (m.trainer_spec ?? {}) as Decoded;
  const typeNumber = (trainer.model_type as number | undefined) ?? 1;
  const type = (SPM_MODEL_TYPES as Record<number, SpmModelType>)[typeNumber];
  if (type === undefined) throw new GlimpseError(`${name}: unknown SentencePiece model type ${typeNumber} (known: 1 unigram, 2 bpe, 3 word, 4 char)`);
  const denormalizer = m.denormalizer_spec ? normalizerSpec(m.denormalizer_spec as Decoded) : null;
  const selfTest = (((m.self_test_data as Decoded | null | undefined)?.samples as Decoded[] | undefined) ?? [])
    .map((s) => ({ input: String(s.input ?? ''), expected: String(s.expected ?? '') }));
  return {
    pieces: pieces.map((p) => ({ piece: String(p.piece ?? ''), score: Number(p.score ?? 0), type: Number(p.type ?? PIECE_TYPE.normal) })),
    modelType: type,
    treatWhitespaceAsSuffix: trainer.treat_whitespace_as_suffix === true,
    allowWhitespaceOnlyPieces: trainer.allow_whitespace_only_pieces === true,
    byteFallback: trainer.byte_fallback === true,
    unkSurface: typeof trainer.unk_surface === 'string' ? trainer.unk_surface : ' \u2047 ',
    normalizer: normalizerSpec(m.normalizer_spec as Decoded | undefined),
    denormalizer: denormalizer !== null && denormalizer.precompiledCharsmap.length > 0 ? denormalizer : null,
    selfTest,
  };
}

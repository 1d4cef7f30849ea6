/**
 * A SentencePiece model's pieces as `model_interface.cc` arranges them: normal, user-defined
 * and unused pieces in one table (the ones segmentation can produce), control, unknown and
 * byte pieces in another (reserved), exactly one `<unk>`, and 256 byte pieces `<0x00>`…`<0xFF>`
 * when the model has byte fallback. Pieces are keyed by their UTF-8 bytes as a binary string,
 * so the models can look up byte ranges of the normalized text directly.
 */
import { GlimpseError } from '../../util/errors.js';
import { PIECE_TYPE, type SpmModelProto } from './spm-proto.js';
import { ByteTrie } from './spm-tries.js';
import { utf8 } from './spm-utf8.js';

/** `bytes[from..to)` as a binary string (one char per byte), the key of a piece. */
export function byteKey(bytes: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i += 4096) s += String.fromCharCode(...bytes.subarray(i, Math.min(to, i + 4096)));
  return s;
}

/** `<0x41>` for byte 0x41, as `ByteToPiece`. */
export function bytePiece(b: number): string {
  return `<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`;
}

const FLT_MAX = 3.4028234663852886e38;
const FLT_MIN = 1.1754943508222875e-38;

export class SpmVocab {
  /** Normal, user-defined and unused pieces (key: UTF-8 bytes as a binary string) → id. */
  readonly normal = new Map<string, number>();
  /** Control, unknown and byte pieces → id. */
  readonly reserved = new Map<string, number>();
  readonly unkId: number;
  readonly types: Uint8Array;
  readonly scores: Float32Array;
  /** User-defined symbols (matched before normalization and never split), or null when none. */
  readonly userDefined: ByteTrie | null;
  /** Smallest and largest score of a normal piece (`min_score_`, `max_score_`; FLT_MAX, FLT_MIN if none). */
  readonly minScore: number;
  readonly maxScore: number;
  /** Byte value → id of its byte piece (filled when the model has byte fallback). */
  readonly byteIds = new Int32Array(256).fill(-1);

  constructor(readonly proto: SpmModelProto, name: string) {
    const n = proto.pieces.length;
    this.types = new Uint8Array(n);
    this.scores = new Float32Array(n);
    const user = new ByteTrie();
    let unk = -1;
    let minScore = FLT_MAX;
    let maxScore = FLT_MIN;
    proto.pieces.forEach((p, id) => {
      if (p.piece === '') throw new GlimpseError(`${name}: piece ${id} is empty; a SentencePiece model's pieces must not be`);
      if (!Object.values(PIECE_TYPE).includes(p.type as never)) throw new GlimpseError(`${name}: piece ${id} '${p.piece}' has unknown type ${p.type}`);
      this.types[id] = p.type;
      this.scores[id] = p.score;
      const bytes = utf8(p.piece);
      const key = byteKey(bytes, 0, bytes.length);
      const isNormal = p.type === PIECE_TYPE.normal || p.type === PIECE_TYPE.userDefined || p.type === PIECE_TYPE.unused;
      const table = isNormal ? this.normal : this.reserved;
      if (table.has(key)) throw new GlimpseError(`${name}: piece '${p.piece}' is defined twice (ids ${table.get(key)} and ${id}); the model is damaged`);
      table.set(key, id);
      if (p.type === PIECE_TYPE.userDefined) user.insert(bytes, id);
      if (p.type === PIECE_TYPE.unknown) {
        if (unk >= 0) throw new GlimpseError(`${name}: two unknown pieces (ids ${unk} and ${id}); a model has exactly one`);
        unk = id;
      }
      if (p.type === PIECE_TYPE.byte) {
        if (!proto.byteFallback) throw new GlimpseError(`${name}: byte piece '${p.piece}' found although the model has no byte fallback`);
        const m = /^<0x([0-9A-F]{2})>$/.exec(p.piece);
        if (!m) throw new GlimpseError(`${name}: byte piece '${p.piece}' is not of the form <0xHH>`);
        this.byteIds[parseInt(m[1]!, 16)] = id;
      }
      if (p.type === PIECE_TYPE.normal) {
        minScore = Math.min(minScore, this.scores[id]!);
        maxScore = Math.max(maxScore, this.scores[id]!);
      }
    });
    if (unk < 0) throw new GlimpseError(`${name}: no unknown piece (<unk>); a SentencePiece model has exactly one`);
    if (proto.byteFallback && this.byteIds.includes(-1)) {
      throw new GlimpseError(`${name}: the model has byte fallback but not all 256 byte pieces <0x00>…<0xFF>`);
    }
    this.unkId = unk;
    this.userDefined = user.empty ? null : user;
    this.minScore = minScore;
    this.maxScore = maxScore;
  }

  /** `PieceToId`: reserved pieces first, then the others, else `<unk>`'s id. */
  pieceToId(key: string): number {
    return this.reserved.get(key) ?? this.normal.get(key) ?? this.unkId;
  }

  is(id: number, type: number): boolean {
    return this.types[id] === type;
  }
}

/**
 * Token ↔ id vocabularies, ordered as the reference scripts order them (specials first, then
 * tokens by descending count, ties by code point), with a JSON form saved beside a model.
 */
import { GlimpseError, check } from '../util/errors.js';
import { compareCodePoints } from '../util/pystring.js';
import { jsonError } from '../util/text.js';

export const PAD = '<pad>';
export const UNK = '<unk>';
export const BOS = '<bos>';
export const EOS = '<eos>';
/** The four specials, in the order that gives them ids 0–3. */
export const DEFAULT_SPECIALS: readonly string[] = [PAD, UNK, BOS, EOS];

/** Options of {@link Vocab.build}. */
export interface VocabBuildOptions {
  /** Tokens placed first, in this order (default `<pad> <unk> <bos> <eos>`). */
  specials?: readonly string[];
  /** Keep tokens seen at least this many times (default 1). */
  minFreq?: number;
  /** Largest vocabulary size, specials included (default: no limit). */
  maxSize?: number;
  /** The token unknown tokens map to; must be one of the specials (default `<unk>` if present, else none). */
  unk?: string | null;
}

/** The JSON form of a {@link Vocab}: `{"format": "glimpse-vocab", "version": 1, "itos": […], "unk": …}`. */
export interface VocabJSON {
  format: 'glimpse-vocab';
  version: 1;
  itos: string[];
  unk: string | null;
  specials: string[];
}

/** A token as JSON for a message, cut to 40 characters (tokens read from files can be huge). */
function quote(t: unknown): string {
  const s = JSON.stringify(t) ?? String(t);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

/** Counts tokens, e.g. to build a vocabulary from several sequences. */
export function countTokens(sequences: Iterable<readonly string[]>, into = new Map<string, number>()): Map<string, number> {
  for (const seq of sequences) for (const t of seq) into.set(t, (into.get(t) ?? 0) + 1);
  return into;
}

/**
 * A token ↔ id map. Ids are dense from 0; specials come first.
 *
 * @example
 * const vocab = Vocab.build([['a', 'b', 'a'], ['c']], { minFreq: 1 });
 * vocab.itos;                 // ['<pad>', '<unk>', '<bos>', '<eos>', 'a', 'b', 'c']
 * vocab.encode(['a', 'zzz']); // Int32Array [4, 1]
 * vocab.decode([4, 5]);       // ['a', 'b']
 */
export class Vocab {
  /** id → token. */
  readonly itos: readonly string[];
  /** The specials, a prefix of {@link itos}. */
  readonly specials: readonly string[];
  /** Id unknown tokens map to, or -1 when this vocabulary has no unknown token. */
  readonly unkIndex: number;
  private readonly stoi: Map<string, number>;

  constructor(itos: readonly string[], options: { specials?: readonly string[]; unk?: string | null } = {}) {
    check(itos.length > 0, 'Vocab: empty vocabulary (no tokens and no specials); expected at least one token');
    this.itos = [...itos];
    this.stoi = new Map();
    for (let i = 0; i < itos.length; i++) {
      const t = itos[i]!;
      check(typeof t === 'string', () => `Vocab: token ${i} is ${quote(t)}, expected a string`);
      check(!this.stoi.has(t), () => `Vocab: token ${quote(t)} appears twice (ids ${this.stoi.get(t)} and ${i})`);
      this.stoi.set(t, i);
    }
    const specials = options.specials ?? [];
    specials.forEach((s, i) =>
      check(this.itos[i] === s, () => `Vocab: special ${quote(s)} must have id ${i}, found ${quote(this.itos[i])}`),
    );
    this.specials = [...specials];
    const unk = options.unk === undefined ? (this.stoi.has(UNK) ? UNK : null) : options.unk;
    if (unk !== null) check(this.stoi.has(unk), () => `Vocab: unknown-token ${quote(unk)} is not in the vocabulary`);
    this.unkIndex = unk === null ? -1 : this.stoi.get(unk)!;
  }

  /**
   * Builds a vocabulary from token sequences or from counts: the specials, then every token
   * seen at least `minFreq` times by descending count (ties in code-point order), cut to `maxSize`.
   */
  static build(source: Iterable<readonly string[]> | ReadonlyMap<string, number>, options: VocabBuildOptions = {}): Vocab {
    const specials = options.specials ?? DEFAULT_SPECIALS;
    const minFreq = options.minFreq ?? 1;
    check(Number.isInteger(minFreq) && minFreq >= 1, `Vocab.build: minFreq must be an integer >= 1, got ${minFreq}`);
    const maxSize = options.maxSize ?? Infinity;
    check(maxSize === Infinity || (Number.isInteger(maxSize) && maxSize >= specials.length),
      `Vocab.build: maxSize must be an integer >= the ${specials.length} specials, got ${maxSize}`);
    const counts = source instanceof Map ? (source as ReadonlyMap<string, number>) : countTokens(source as Iterable<readonly string[]>);
    const specialSet = new Set(specials);
    const kept: string[] = [];
    for (const [t, c] of counts) if (c >= minFreq && !specialSet.has(t)) kept.push(t);
    kept.sort((a, b) => counts.get(b)! - counts.get(a)! || compareCodePoints(a, b));
    if (kept.length === 0) {
      throw new GlimpseError(`Vocab.build: empty vocabulary: no token seen at least ${minFreq} time(s) ` +
        `(${counts.size} distinct tokens counted); expected at least one (is the training data empty?)`);
    }
    const itos = [...specials, ...kept.slice(0, Math.max(0, maxSize - specials.length))];
    const unk = options.unk === undefined ? (specialSet.has(UNK) ? UNK : null) : options.unk;
    return new Vocab(itos, { specials, unk });
  }

  /** Number of tokens. */
  get size(): number {
    return this.itos.length;
  }

  /** True if `token` has an id of its own. */
  has(token: string): boolean {
    return this.stoi.has(token);
  }

  /** Id of `token`: its own, else the unknown token's; throws when there is none. */
  indexOf(token: string): number {
    const id = this.stoi.get(token);
    if (id !== undefined) return id;
    if (this.unkIndex >= 0) return this.unkIndex;
    throw new GlimpseError(`Vocab: token ${JSON.stringify(token)} is not in the vocabulary and it has no unknown token`);
  }

  /** Id of a special (or any) token that must be present, e.g. `vocab.id('<pad>')`. */
  id(token: string): number {
    const id = this.stoi.get(token);
    if (id === undefined) throw new GlimpseError(`Vocab: ${JSON.stringify(token)} is not in the vocabulary (size ${this.size})`);
    return id;
  }

  /** Token of id `i`. */
  token(i: number): string {
    check(Number.isInteger(i) && i >= 0 && i < this.itos.length, () => `Vocab: id ${i} out of range [0, ${this.itos.length})`);
    return this.itos[i]!;
  }

  /** Ids of `tokens` (unknown tokens → the unknown id). */
  encode(tokens: readonly string[]): Int32Array {
    const out = new Int32Array(tokens.length);
    for (let i = 0; i < tokens.length; i++) out[i] = this.indexOf(tokens[i]!);
    return out;
  }

  /** Tokens of `ids`. */
  decode(ids: ArrayLike<number>): string[] {
    const out = new Array<string>(ids.length);
    for (let i = 0; i < ids.length; i++) out[i] = this.token(ids[i]!);
    return out;
  }

  toJSON(): VocabJSON {
    const unk = this.unkIndex >= 0 ? this.itos[this.unkIndex]! : null;
    return { format: 'glimpse-vocab', version: 1, itos: [...this.itos], unk, specials: [...this.specials] };
  }

  /**
   * Restores a vocabulary saved with {@link toJSON} (the parsed object or its JSON text). Every
   * field is checked (own keys only, so a token or key such as `__proto__` is plain data);
   * anything else is a GlimpseError saying which field is wrong and what was expected.
   */
  static fromJSON(json: VocabJSON | string): Vocab {
    let obj: unknown;
    try {
      obj = typeof json === 'string' ? JSON.parse(json) : json;
    } catch (e) {
      throw new GlimpseError(`Vocab.fromJSON: not JSON (${jsonError(e)})`);
    }
    check(obj !== null && typeof obj === 'object' && !Array.isArray(obj) && Object.hasOwn(obj, 'format') && (obj as VocabJSON).format === 'glimpse-vocab',
      'Vocab.fromJSON: expected an object with format "glimpse-vocab"');
    const v = obj as Record<string, unknown>;
    const field = (k: string): unknown => (Object.hasOwn(v, k) ? v[k] : undefined);
    for (const k of Object.keys(v)) {
      check(VOCAB_JSON_KEYS.includes(k), () => `Vocab.fromJSON: unknown key ${quote(k)} (expected ${VOCAB_JSON_KEYS.join(', ')})`);
    }
    check(field('version') === 1, () => `Vocab.fromJSON: unsupported version ${quote(field('version'))}, expected 1`);
    const strings = (k: string, value: unknown): string[] => {
      check(Array.isArray(value), () => `Vocab.fromJSON: "${k}" must be an array of strings`);
      const bad = value.findIndex((t) => typeof t !== 'string');
      check(bad < 0, () => `Vocab.fromJSON: "${k}"[${bad}] is ${quote(value[bad])}, expected a string`);
      return value as string[];
    };
    const itos = strings('itos', field('itos'));
    const specials = field('specials') === undefined ? [] : strings('specials', field('specials'));
    const unk = field('unk') ?? null;
    check(unk === null || typeof unk === 'string', () => `Vocab.fromJSON: "unk" must be a token or null, got ${quote(unk)}`);
    return new Vocab(itos, { specials, unk });
  }
}

/** The fields of {@link VocabJSON}. */
const VOCAB_JSON_KEYS: readonly string[] = ['format', 'version', 'itos', 'unk', 'specials'];

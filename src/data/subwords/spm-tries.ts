/**
 * The two tries SentencePiece matches bytes with: the darts-clone double array stored in a
 * model's precompiled charsmap (read as it is, never rebuilt), and a plain byte trie glimpse
 * builds for the vocabulary (pieces and user-defined symbols).
 */

/**
 * A darts-clone double array (`third_party/darts_clone/darts.h`): 32-bit little-endian units;
 * from unit u, byte c leads to unit `u ^ offset(u) ^ c` if that unit's label is c; a unit
 * with a leaf holds its value in the unit at `u ^ offset(u)`.
 */
export class DoubleArray {
  private readonly units: Uint32Array;

  constructor(blob: Uint8Array) {
    this.units = new Uint32Array(blob.length >> 2);
    const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
    for (let i = 0; i < this.units.length; i++) this.units[i] = view.getUint32(4 * i, true);
  }

  get size(): number {
    return this.units.length;
  }

  private static offset(unit: number): number {
    return ((unit >>> 10) << ((unit & (1 << 9)) >>> 6)) >>> 0;
  }

  /**
   * The longest key that is a prefix of `bytes[from..end)`: its length in bytes and value, or
   * null (`commonPrefixSearch`, keeping the longest result as `normalizer.cc` does). Units out
   * of range end the search, so a damaged array cannot read outside its bytes.
   */
  longestPrefix(bytes: Uint8Array, from: number, end: number): { length: number; value: number } | null {
    const units = this.units;
    let best: { length: number; value: number } | null = null;
    if (units.length === 0) return null;
    let pos = DoubleArray.offset(units[0]!);
    for (let i = from; i < end; i++) {
      const c = bytes[i]!;
      pos = (pos ^ c) >>> 0;
      if (pos >= units.length) return best;
      const unit = units[pos]!;
      // label(): the low byte, with the top bit kept so that a leaf unit never matches.
      if (((unit & 0x800000ff) >>> 0) !== c) return best;
      pos = (pos ^ DoubleArray.offset(unit)) >>> 0;
      if (((unit >>> 8) & 1) === 1) {
        if (pos >= units.length) return best;
        best = { length: i - from + 1, value: units[pos]! & 0x7fffffff };
      }
    }
    return best;
  }
}

/** A byte trie: one Map of edges keyed by node · 256 + byte; a node may hold a value ≥ 0. */
export class ByteTrie {
  private readonly edges = new Map<number, number>();
  private readonly values: number[] = [-1];

  /** Adds `key` with `value` (an existing key keeps its first value). */
  insert(key: Uint8Array, value: number): void {
    let node = 0;
    for (const b of key) {
      const k = node * 256 + b;
      let child = this.edges.get(k);
      if (child === undefined) {
        child = this.values.length;
        this.values.push(-1);
        this.edges.set(k, child);
      }
      node = child;
    }
    if (this.values[node] === -1) this.values[node] = value;
  }

  get empty(): boolean {
    return this.values.length === 1;
  }

  /** The node reached from `node` by byte `b`, or -1. */
  child(node: number, b: number): number {
    return this.edges.get(node * 256 + b) ?? -1;
  }

  /** The value stored at `node`, or -1. */
  value(node: number): number {
    return this.values[node]!;
  }

  /** Byte length of the longest key that is a prefix of `bytes[from..end)`, or 0. */
  longestPrefix(bytes: Uint8Array, from: number, end: number): number {
    let node = 0;
    let best = 0;
    for (let i = from; i < end; i++) {
      node = this.child(node, bytes[i]!);
      if (node < 0) break;
      if (this.values[node]! >= 0) best = i - from + 1;
    }
    return best;
  }
}

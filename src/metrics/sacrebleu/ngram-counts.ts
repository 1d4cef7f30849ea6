/**
 * A multiset of n-grams coded as integers (< 2^53), for chrF's statistics: an open-addressing
 * hash table reused from line to line, so counting allocates nothing per line. A generation
 * stamp marks the live slots: {@link IntMultiset.clear} is O(1).
 */
export class IntMultiset {
  private keys = new Float64Array(256);
  private counts = new Int32Array(256);
  private stamps = new Int32Array(256);
  private generation = 1;
  private mask = 255;

  /** Empties the set and makes room for `n` keys without growing. */
  clear(n: number): void {
    if (2 * n > this.keys.length) {
      let size = this.keys.length;
      while (2 * n > size) size *= 2;
      this.keys = new Float64Array(size);
      this.counts = new Int32Array(size);
      this.stamps = new Int32Array(size);
      this.mask = size - 1;
      this.generation = 0;
    }
    if (++this.generation === 0x7fffffff) {
      this.stamps.fill(0);
      this.generation = 1;
    }
  }

  /** The slot of `key`: where it is, or the empty slot where it would go. */
  private slot(key: number): number {
    const lo = key >>> 0;
    const hi = (key / 4294967296) >>> 0;
    let s = Math.imul(lo ^ Math.imul(hi, 0x85ebca6b), 0x9e3779b1) >>> 0;
    for (;;) {
      s &= this.mask;
      if (this.stamps[s] !== this.generation || this.keys[s] === key) return s;
      s++;
    }
  }

  /** Adds one `key`. */
  add(key: number): void {
    const s = this.slot(key);
    if (this.stamps[s] === this.generation) this.counts[s]!++;
    else {
      this.stamps[s] = this.generation;
      this.keys[s] = key;
      this.counts[s] = 1;
    }
  }

  /** Removes one `key` if the set holds it; true when it did. */
  take(key: number): boolean {
    const s = this.slot(key);
    if (this.stamps[s] !== this.generation || this.counts[s] === 0) return false;
    this.counts[s]!--;
    return true;
  }
}

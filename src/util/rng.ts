import { check } from './errors.js';

/** Serializable state of an {@link Rng}: four 32-bit words and a cached normal deviate. */
export interface RngState {
  s: [number, number, number, number];
  /** Second Box–Muller deviate waiting to be returned, or null. */
  spare: number | null;
}

/**
 * glimpse's own seeded random number generator (xoshiro128**), identical on every platform
 * and backend, with a state that can be saved and restored to resume training exactly.
 *
 * @example
 * const rng = new Rng(42);
 * rng.uniform();          // in [0, 1)
 * rng.normal();           // N(0, 1)
 * rng.randint(0, 10);     // integer in [0, 10)
 * rng.permutation(5);     // e.g. [3, 0, 4, 1, 2]
 */
export class Rng {
  private s = new Uint32Array(4);
  private spare: number | null = null;

  constructor(seed = 0) {
    this.seed(seed);
  }

  /** Resets the generator from an integer seed (splitmix32 expands it into the state). */
  seed(seed: number): void {
    check(Number.isFinite(seed), `Rng.seed: seed must be a finite number, got ${seed}`);
    let x = (Math.trunc(seed) ^ Math.trunc(seed / 2 ** 32)) >>> 0;
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      this.s[i] = (z ^ (z >>> 16)) >>> 0;
    }
    if ((this.s[0]! | this.s[1]! | this.s[2]! | this.s[3]!) === 0) this.s[0] = 1;
    this.spare = null;
  }

  /** Next raw 32-bit unsigned integer. */
  nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1]!, 5), 7), 9) >>> 0;
    const t = s[1]! << 9;
    s[2]! ^= s[0]!;
    s[3]! ^= s[1]!;
    s[1]! ^= s[2]!;
    s[0]! ^= s[3]!;
    s[2]! ^= t;
    s[3] = rotl(s[3]!, 11);
    return result;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Standard normal deviate (Box–Muller; the second deviate is cached). */
  normal(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    let u1 = this.uniform();
    while (u1 === 0) u1 = this.uniform();
    const u2 = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u1));
    this.spare = r * Math.sin(2 * Math.PI * u2);
    return r * Math.cos(2 * Math.PI * u2);
  }

  /** Uniform integer in [lo, hi) without modulo bias. */
  randint(lo: number, hi: number): number {
    check(Number.isInteger(lo) && Number.isInteger(hi) && hi > lo, `Rng.randint: need integers lo < hi, got [${lo}, ${hi})`);
    const range = hi - lo;
    if (range <= 0x100000000) {
      // Lemire-style rejection on 32 bits.
      const limit = 0x100000000 - (0x100000000 % range);
      let x = this.nextUint32();
      while (x >= limit) x = this.nextUint32();
      return lo + (x % range);
    }
    return lo + Math.floor(this.uniform() * range);
  }

  /** True with probability p. */
  bernoulli(p: number): boolean {
    return this.uniform() < p;
  }

  /** Fills `mask` with 1 (probability `keep`) or 0, one 32-bit draw per element (dropout masks). */
  fillKeepMask(mask: Uint8Array, keep: number): void {
    const threshold = keep * 4294967296;
    for (let i = 0; i < mask.length; i++) mask[i] = this.nextUint32() < threshold ? 1 : 0;
  }

  /** A random permutation of 0..n-1 (Fisher–Yates). */
  permutation(n: number): number[] {
    const out = Array.from({ length: n }, (_, i) => i);
    this.shuffle(out);
    return out;
  }

  /** Shuffles `items` in place (Fisher–Yates) and returns it. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.randint(0, i + 1);
      const t = items[i]!;
      items[i] = items[j]!;
      items[j] = t;
    }
    return items;
  }

  /** A copy of the state, to save with a checkpoint. */
  getState(): RngState {
    return { s: [this.s[0]!, this.s[1]!, this.s[2]!, this.s[3]!], spare: this.spare };
  }

  /** Restores a state returned by {@link getState}. */
  setState(state: RngState): void {
    check(Array.isArray(state?.s) && state.s.length === 4, 'Rng.setState: expected {s: [4 numbers], spare}');
    for (let i = 0; i < 4; i++) this.s[i] = state.s[i]! >>> 0;
    this.spare = state.spare ?? null;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

let globalRng = new Rng(0);

/** The generator used when an operation is not given one (dropout, random initialisation). */
export function defaultRng(): Rng {
  return globalRng;
}

/** Re-seeds the default generator, like `torch.manual_seed`. */
export function manualSeed(seed: number): void {
  globalRng = new Rng(seed);
}

import { InvalidArgumentError } from 'commander';
import { GlimpseError } from '../index.js';
import { resolveRunDir } from '../node.js';

// Flag parsers for commander: a bad value becomes commander's one-line error naming the flag.

/** A decimal integer in [min, max]: no hex (0x10), exponents (1e3), fractions or blanks. */
export function int(min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    if (!/^[+-]?\d+$/.test(value.trim())) throw new InvalidArgumentError(`expected an integer, got '${value}'`);
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(max === Number.MAX_SAFE_INTEGER ? `expected an integer ≥ ${min}, got ${value.trim()}` : `expected an integer in [${min}, ${max}], got ${value.trim()}`);
    }
    return n;
  };
}

/** A finite number in [lo, hi] (either bound optional), `open` excludes the bounds. */
export function float(lo = -Infinity, hi = Infinity, open = false) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || /^[+-]?0[xob]/i.test(value.trim())) throw new InvalidArgumentError(`expected a number, got '${value}'`);
    const below = open ? n <= lo : n < lo;
    const above = open ? n >= hi : n > hi;
    if (below || above) {
      const range = `${open ? '(' : '['}${lo === -Infinity ? '-∞' : lo}, ${hi === Infinity ? '∞' : hi}${open ? ')' : ']'}`;
      throw new InvalidArgumentError(`expected a number in ${range}, got ${n}`);
    }
    return n;
  };
}

/** Two numbers in [lo, hi) separated by a comma: `0.9,0.98`. */
export function pair(lo: number, hi: number) {
  const one = float(lo, hi);
  return (value: string): [number, number] => {
    const parts = value.split(',');
    if (parts.length !== 2) throw new InvalidArgumentError(`expected two numbers separated by a comma (e.g. 0.9,0.98), got '${value}'`);
    const [a, b] = parts.map((p) => one(p)) as [number, number];
    if (a >= hi || b >= hi) throw new InvalidArgumentError(`expected numbers below ${hi}, got '${value}'`);
    return [a, b];
  };
}

/** One of a fixed set of names. */
export function oneOf<T extends string>(choices: readonly T[]) {
  return (value: string): T => {
    if (!(choices as readonly string[]).includes(value)) throw new InvalidArgumentError(`expected one of ${choices.join(', ')}, got '${value}'`);
    return value as T;
  };
}

/** A run folder, or `pretrained:NAME` for a run shipped with glimpse (resolved to its folder). */
export function runDir(value: string): string {
  try {
    return resolveRunDir(value);
  } catch (err) {
    if (err instanceof GlimpseError) throw new InvalidArgumentError(err.message);
    throw err;
  }
}

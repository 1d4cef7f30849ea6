import { InvalidArgumentError } from 'commander';

// Flag parsers for commander: a bad value becomes commander's one-line error naming the flag.

/** An integer ≥ min. */
export function int(min = Number.MIN_SAFE_INTEGER) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isInteger(n)) throw new InvalidArgumentError(`expected an integer, got '${value}'`);
    if (n < min) throw new InvalidArgumentError(`expected an integer ≥ ${min}, got ${n}`);
    return n;
  };
}

/** A finite number in [lo, hi] (either bound optional), `open` excludes the bounds. */
export function float(lo = -Infinity, hi = Infinity, open = false) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`expected a number, got '${value}'`);
    const below = open ? n <= lo : n < lo;
    const above = open ? n >= hi : n > hi;
    if (below || above) {
      const range = `${open ? '(' : '['}${lo === -Infinity ? '-∞' : lo}, ${hi === Infinity ? '∞' : hi}${open ? ')' : ']'}`;
      throw new InvalidArgumentError(`expected a number in ${range}, got ${n}`);
    }
    return n;
  };
}

/** One of a fixed set of names. */
export function oneOf<T extends string>(choices: readonly T[]) {
  return (value: string): T => {
    if (!(choices as readonly string[]).includes(value)) throw new InvalidArgumentError(`expected one of ${choices.join(', ')}, got '${value}'`);
    return value as T;
  };
}

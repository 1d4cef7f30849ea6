import { GlimpseError } from './errors.js';

/** A config value: numbers, strings, booleans, null, arrays and nested configs. */
export type ConfigValue = number | string | boolean | null | readonly ConfigValue[] | { readonly [k: string]: ConfigValue };

/** Allowed values of a string field, or a check for a numeric one, keyed by field name. */
export type ConfigRules<T> = {
  [K in keyof T]?: T[K] extends string ? readonly T[K][] : T[K] extends number ? (v: number) => string | null : never;
};

function kind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/**
 * Merges `overrides` into `defaults`, rejecting keys the defaults do not have and values of
 * another type (naming the key, the value and what was expected). A default of null accepts
 * any value; `rules` restrict strings to a set and check numbers. Nested objects merge
 * recursively.
 *
 * @example
 * const cfg = resolveConfig('lstm', { hidden: 256, dropout: 0.2 }, { hidden: 128 });
 * resolveConfig('lstm', { hidden: 256 }, { hiden: 128 }); // throws: unknown key "hiden" (known: hidden)
 */
export function resolveConfig<T extends object>(
  name: string, defaults: T, overrides: Record<string, unknown> | undefined, rules: ConfigRules<T> = {},
): T {
  const out = { ...defaults } as Record<string, unknown>;
  if (overrides === undefined) return out as T;
  if (kind(overrides) !== 'object') throw new GlimpseError(`${name} config: expected an object, got ${kind(overrides)}`);
  const known = Object.keys(defaults);
  for (const [key, value] of Object.entries(overrides)) {
    if (!(key in defaults)) {
      throw new GlimpseError(`${name} config: unknown key "${key}" (known keys: ${known.join(', ')})`);
    }
    const def = (defaults as Record<string, unknown>)[key];
    if (def !== null && value !== null && kind(def) !== kind(value)) {
      throw new GlimpseError(`${name} config: "${key}" must be ${kind(def) === 'array' ? 'an array' : `a ${kind(def)}`}, got ${JSON.stringify(value)}`);
    }
    if (def !== null && value === null) {
      throw new GlimpseError(`${name} config: "${key}" must be a ${kind(def)}, got null`);
    }
    const rule = (rules as Record<string, unknown>)[key];
    if (Array.isArray(rule) && !rule.includes(value)) {
      throw new GlimpseError(`${name} config: "${key}" must be one of ${rule.map((r) => JSON.stringify(r)).join(', ')}, got ${JSON.stringify(value)}`);
    }
    if (typeof rule === 'function') {
      const problem = (rule as (v: number) => string | null)(value as number);
      if (problem) throw new GlimpseError(`${name} config: "${key}" ${problem}, got ${JSON.stringify(value)}`);
    }
    if (kind(def) === 'object' && kind(value) === 'object') {
      out[key] = resolveConfig(`${name}.${key}`, def as object, value as Record<string, unknown>);
    } else {
      out[key] = value;
    }
  }
  return out as T;
}

/** Rule: a positive integer. */
export const positiveInt = (v: number): string | null => (Number.isInteger(v) && v > 0 ? null : 'must be a positive integer');
/** Rule: a non-negative integer. */
export const nonNegativeInt = (v: number): string | null => (Number.isInteger(v) && v >= 0 ? null : 'must be a non-negative integer');
/** Rule: a probability in [0, 1). */
export const probability = (v: number): string | null => (v >= 0 && v < 1 ? null : 'must be in [0, 1)');
/** Rule: a positive number. */
export const positive = (v: number): string | null => (Number.isFinite(v) && v > 0 ? null : 'must be a positive number');

import { GlimpseError } from './errors.js';
/**
 * Helpers for typed rule tables (`{ [K in Kind]: Rule }`, jax-js's habit): a table is written
 * once, its key union is derived from it, and every other table keyed by that union must have a
 * row for each key or `tsc` refuses it.
 */

/** The keys of a rule table, in the order they were written, typed as the table's key union. */
export function tableKeys<T extends object>(table: T): (keyof T & string)[] {
  return Object.keys(table) as (keyof T & string)[];
}

/** Whether `name` is a key of the table (own keys only: `constructor` or `__proto__` are not). */
export function isTableKey<T extends object>(table: T, name: string): name is keyof T & string {
  return Object.hasOwn(table, name);
}

/**
 * The row `name` of a rule table; an unknown name (or an inherited key such as `constructor`)
 * is one GlimpseError line: `unknown <what> "x": expected one of a, b, c`.
 *
 * @example
 * const rule = ruleOf(ATTENTION, flags.attention, 'attention');
 */
export function ruleOf<T extends object>(table: T, name: string, what: string): T[keyof T] {
  if (!isTableKey(table, name)) throw new GlimpseError(`unknown ${what} "${name}": expected one of ${tableKeys(table).join(', ')}`);
  return table[name];
}

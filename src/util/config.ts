import { GlimpseError } from './errors.js';
import { oneLine } from './text.js';

/** Bounds of a numeric field. `max` is inclusive unless `maxExclusive`. */
interface Bounds {
  min?: number;
  max?: number;
  maxExclusive?: boolean;
}

export type IntField = { type: 'int'; default?: number } & Bounds;
export type NumberField = { type: 'number'; default?: number } & Bounds;
export type IntOrNullField = { type: 'intOrNull'; default?: number | null } & Bounds;
export type NumberOrNullField = { type: 'numberOrNull'; default?: number | null } & Bounds;
export interface BooleanField { type: 'boolean'; default?: boolean }
export type IntsField = { type: 'ints'; default?: readonly number[] } & Bounds;
export type PairField = { type: 'pair'; default?: readonly [number, number] } & Bounds;
/** One of a fixed set of names; `values` is the list the union type is made from (written once). */
export interface EnumField<T extends string> { type: 'enum'; values: readonly T[]; default?: T }
export interface StringField { type: 'string'; default?: string }

/**
 * The spec of one field, typed by the field's own type: a `number` field is an int or number
 * spec, a `'gru' | 'lstm'` field is an enum spec whose values are exactly those names, and so on.
 * A spec with a field of the wrong kind, or with a missing field, does not compile.
 */
export type FieldSpec<T> =
  [T] extends [boolean] ? BooleanField
    : [T] extends [number] ? IntField | NumberField
      : [T] extends [number | null] ? IntOrNullField | NumberOrNullField
        : [T] extends [readonly [number, number]] ? PairField
          : [T] extends [readonly number[]] ? IntsField
            : [T] extends [string] ? (string extends T ? StringField : EnumField<T>)
              : never;

/**
 * The spec of a config type C: one field spec per key of C (optional keys included), each typed
 * by that key's type: `{ [K in keyof C]-?: FieldSpec<C[K]> }`.
 *
 * @example
 * interface CellConfig { inputSize: number; cell?: 'gru' | 'lstm' }
 * const SPEC: ConfigSpec<CellConfig> = {
 *   inputSize: { type: 'int', min: 1 },
 *   cell: { type: 'enum', values: ['gru', 'lstm'], default: 'gru' },
 * };
 */
export type ConfigSpec<C> = { [K in keyof C]-?: FieldSpec<Exclude<C[K], undefined>> };

/** Any field spec, as the checker sees it. */
type AnyField =
  | IntField | NumberField | IntOrNullField | NumberOrNullField | BooleanField | IntsField | PairField
  | EnumField<string> | StringField;

function describe(v: unknown): string {
  let s: string;
  if (v === null || typeof v !== 'object') s = typeof v === 'string' ? JSON.stringify(v) : String(v);
  else if (Array.isArray(v)) s = `[${v.map((x) => (x !== null && typeof x === 'object' ? (Array.isArray(x) ? '[…]' : '{…}') : String(x))).join(', ')}]`;
  else s = 'an object';
  // A value from a file can be huge; a message stays one short line.
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

function checkNumber(component: string, key: string, v: unknown, spec: Bounds, int: boolean): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || (int && !Number.isInteger(v))) {
    throw new GlimpseError(`${component}: config.${key} must be ${int ? 'an integer' : 'a finite number'}, got ${describe(v)}`);
  }
  if (spec.min !== undefined && v < spec.min) throw new GlimpseError(`${component}: config.${key} must be ≥ ${spec.min}, got ${v}`);
  if (spec.max !== undefined && (spec.maxExclusive ? v >= spec.max : v > spec.max)) {
    throw new GlimpseError(`${component}: config.${key} must be ${spec.maxExclusive ? '<' : '≤'} ${spec.max}, got ${v}`);
  }
  return v;
}

function checkField(component: string, key: string, spec: AnyField, v: unknown): unknown {
  switch (spec.type) {
    case 'int': return checkNumber(component, key, v, spec, true);
    case 'number': return checkNumber(component, key, v, spec, false);
    case 'intOrNull': return v === null ? null : checkNumber(component, key, v, spec, true);
    case 'numberOrNull': return v === null ? null : checkNumber(component, key, v, spec, false);
    case 'boolean':
      if (typeof v !== 'boolean') throw new GlimpseError(`${component}: config.${key} must be true or false, got ${describe(v)}`);
      return v;
    case 'ints':
      if (!Array.isArray(v)) throw new GlimpseError(`${component}: config.${key} must be an array of integers, got ${describe(v)}`);
      return v.map((x, i) => checkNumber(component, `${key}[${i}]`, x, spec, true));
    case 'pair':
      if (!Array.isArray(v) || v.length !== 2) throw new GlimpseError(`${component}: config.${key} must be a pair of numbers, got ${describe(v)}`);
      return v.map((x, i) => checkNumber(component, `${key}[${i}]`, x, spec, false));
    case 'string':
      if (typeof v !== 'string') throw new GlimpseError(`${component}: config.${key} must be a string, got ${describe(v)}`);
      return v;
    case 'enum':
      if (typeof v !== 'string' || !spec.values.includes(v)) {
        throw new GlimpseError(`${component}: config.${key} must be one of ${spec.values.map((s) => `"${s}"`).join(', ')}, got ${describe(v)}`);
      }
      return v;
  }
}

function checkKnownKeys(component: string, given: object, spec: object): void {
  for (const key of Object.keys(given)) {
    // Own keys only: "constructor", "toString" or "__proto__" are unknown keys like any other.
    if (!Object.hasOwn(spec, key)) {
      throw new GlimpseError(`${component}: unknown config key ${oneLine(JSON.stringify(key), 60)} (known keys: ${Object.keys(spec).join(', ')})`);
    }
  }
}

/**
 * Checks the keys `given` has against `spec` without requiring the others or filling in
 * defaults: a partial config (a `--config` file that flags complete) is checked as far as it goes.
 *
 * @example checkPartialConfig('train', { lr: 0.01 }, TRAIN_SPEC); // ok
 */
export function checkPartialConfig<C>(component: string, given: unknown, spec: ConfigSpec<C>): void {
  if (given === null || typeof given !== 'object' || Array.isArray(given)) {
    throw new GlimpseError(`${component}: config must be an object, got ${describe(given)}`);
  }
  checkKnownKeys(component, given, spec);
  const fields = spec as Record<string, AnyField>;
  for (const [key, v] of Object.entries(given)) if (v !== undefined) checkField(component, key, fields[key]!, v);
}

/**
 * Checks a config object against `spec` and fills in defaults: unknown keys (own keys only, so
 * `constructor` or `__proto__` are unknown like any other), missing required keys and wrong
 * types are errors naming the component and the key (minGPT's `get_default_config` habit).
 * Returns a new, frozen object.
 *
 * @example
 * const c = resolveConfig<CellConfig>('Cell', { inputSize: 8 }, SPEC); // { inputSize: 8, cell: 'gru' }
 */
export function resolveConfig<C>(component: string, given: unknown, spec: ConfigSpec<NoInfer<C>>): Readonly<Required<C>> {
  if (given === null || typeof given !== 'object' || Array.isArray(given)) {
    throw new GlimpseError(`${component}: config must be an object, got ${describe(given)}`);
  }
  const fields = Object.entries(spec) as [string, AnyField][];
  checkKnownKeys(component, given, spec);
  const out: Record<string, unknown> = {};
  for (const [key, field] of fields) {
    const v = Object.hasOwn(given, key) ? (given as Record<string, unknown>)[key] : undefined;
    if (v === undefined) {
      if (!Object.hasOwn(field, 'default')) throw new GlimpseError(`${component}: config.${key} is required`);
      out[key] = Array.isArray(field.default) ? [...(field.default as readonly number[])] : field.default;
    } else {
      out[key] = checkField(component, key, field, v);
    }
  }
  return Object.freeze(out) as Readonly<Required<C>>;
}

/** The names of a spec's enum field: what a command-line flag offers. */
export function enumValues<C, K extends keyof C>(spec: ConfigSpec<C>, key: K): readonly string[] {
  const field = spec[key] as AnyField;
  return field.type === 'enum' ? field.values : [];
}

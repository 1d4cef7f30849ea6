import { GlimpseError } from './errors.js';

/** One config field: its type, default (absent = required) and bounds. */
export type FieldSpec =
  | { type: 'int'; default?: number; min?: number }
  | { type: 'intOrNull'; default?: number | null; min?: number }
  | { type: 'number'; default?: number; min?: number; max?: number; maxExclusive?: boolean }
  | { type: 'numberOrNull'; default?: number | null; min?: number }
  | { type: 'boolean'; default?: boolean }
  | { type: 'ints'; default?: number[]; min?: number }
  | { type: 'pair'; default?: [number, number]; min?: number; max?: number; maxExclusive?: boolean }
  | { type: 'enum'; values: readonly string[]; default?: string }
  | { type: 'string'; default?: string };

export type ConfigSpec = Record<string, FieldSpec>;

function describe(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? `[${v.map(String).join(', ')}]` : typeof v === 'string' ? `"${v}"` : String(v);
}

function checkNumber(component: string, key: string, v: unknown, spec: { min?: number; max?: number; maxExclusive?: boolean }, int: boolean): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || (int && !Number.isInteger(v))) {
    throw new GlimpseError(`${component}: config.${key} must be ${int ? 'an integer' : 'a finite number'}, got ${describe(v)}`);
  }
  if (spec.min !== undefined && v < spec.min) throw new GlimpseError(`${component}: config.${key} must be ≥ ${spec.min}, got ${v}`);
  if (spec.max !== undefined && (spec.maxExclusive ? v >= spec.max : v > spec.max)) {
    throw new GlimpseError(`${component}: config.${key} must be ${spec.maxExclusive ? '<' : '≤'} ${spec.max}, got ${v}`);
  }
  return v;
}

function checkField(component: string, key: string, spec: FieldSpec, v: unknown): unknown {
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

/**
 * Checks a config object against `spec` and fills in defaults: unknown keys, missing required
 * keys and wrong types are errors naming the component and the key (minGPT's
 * `get_default_config` habit). Returns a new, frozen object.
 */
export function resolveConfig<C>(component: string, given: unknown, spec: ConfigSpec): Readonly<C> {
  if (given === null || typeof given !== 'object' || Array.isArray(given)) {
    throw new GlimpseError(`${component}: config must be an object, got ${describe(given)}`);
  }
  const known = Object.keys(spec);
  for (const key of Object.keys(given)) {
    if (!(key in spec)) throw new GlimpseError(`${component}: unknown config key "${key}" (known keys: ${known.join(', ')})`);
  }
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(spec)) {
    const v = (given as Record<string, unknown>)[key];
    if (v === undefined) {
      if (!('default' in field)) throw new GlimpseError(`${component}: config.${key} is required`);
      out[key] = Array.isArray(field.default) ? [...field.default] : field.default;
    } else {
      out[key] = checkField(component, key, field, v);
    }
  }
  return Object.freeze(out) as Readonly<C>;
}

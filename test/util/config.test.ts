import { describe, expect, it } from 'vitest';
import { resolveConfig, type ConfigSpec } from '../../src/util/config.js';

interface Example {
  hidden: number;
  dropout?: number;
  attention?: 'none' | 'bahdanau';
  bidirectional?: boolean;
  sizes?: number[];
  name?: string;
  limit?: number | null;
}

const spec: ConfigSpec<Example> = {
  hidden: { type: 'int', min: 1 },
  dropout: { type: 'number', default: 0.2, min: 0, max: 1, maxExclusive: true },
  attention: { type: 'enum', values: ['none', 'bahdanau'], default: 'none' },
  bidirectional: { type: 'boolean', default: false },
  sizes: { type: 'ints', default: [1, 2], min: 0 },
  name: { type: 'string', default: 'x' },
  limit: { type: 'intOrNull', default: null, min: 0 },
};

describe('resolveConfig', () => {
  it('fills defaults and returns a frozen copy', () => {
    const c = resolveConfig<Example>('model', { hidden: 64 }, spec);
    expect(c).toEqual({ hidden: 64, dropout: 0.2, attention: 'none', bidirectional: false, sizes: [1, 2], name: 'x', limit: null });
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('names unknown keys with the known ones, and missing required keys', () => {
    expect(() => resolveConfig('model', { hidden: 1, hiden: 3 }, spec)).toThrow('model: unknown config key "hiden" (known keys: hidden, dropout, attention, bidirectional, sizes, name, limit)');
    expect(() => resolveConfig('model', {}, spec)).toThrow('model: config.hidden is required');
    // Inherited names are unknown keys like any other (an object's prototype is not its spec).
    for (const key of ['constructor', 'toString', 'hasOwnProperty', '__proto__']) {
      expect(() => resolveConfig('model', JSON.parse(`{"hidden": 1, "${key}": 1}`), spec)).toThrow(`model: unknown config key "${key}"`);
    }
    expect(() => resolveConfig('model', [], spec)).toThrow('model: config must be an object, got []');
  });

  it('rejects wrong types and out-of-bounds values, naming the key and the value', () => {
    expect(() => resolveConfig('model', { hidden: '256' }, spec)).toThrow('model: config.hidden must be an integer, got "256"');
    expect(() => resolveConfig('model', { hidden: 0 }, spec)).toThrow('model: config.hidden must be ≥ 1, got 0');
    expect(() => resolveConfig('model', { hidden: 1, dropout: 1 }, spec)).toThrow('model: config.dropout must be < 1, got 1');
    expect(() => resolveConfig('model', { hidden: 1, attention: 'luong' }, spec)).toThrow('model: config.attention must be one of "none", "bahdanau", got "luong"');
    expect(() => resolveConfig('model', { hidden: 1, bidirectional: 'yes' }, spec)).toThrow('model: config.bidirectional must be true or false, got "yes"');
    expect(() => resolveConfig('model', { hidden: 1, sizes: [1, 'a'] }, spec)).toThrow('model: config.sizes[1] must be an integer, got "a"');
    expect(() => resolveConfig('model', { hidden: 1, name: 3 }, spec)).toThrow('model: config.name must be a string, got 3');
  });
});

import { describe, expect, it } from 'vitest';
import { positiveInt, probability, resolveConfig } from '../../src/util/config.js';

const defaults = { hidden: 256, dropout: 0.2, attention: 'none' as 'none' | 'bahdanau', bidirectional: false, sizes: [1, 2], opt: { lr: 1e-3 }, path: null as string | null };
const rules = { hidden: positiveInt, dropout: probability, attention: ['none', 'bahdanau'] as const };

describe('resolveConfig', () => {
  it('merges overrides into defaults, recursively', () => {
    const c = resolveConfig('model', defaults, { hidden: 64, opt: { lr: 0.1 }, path: 'x' }, rules);
    expect(c).toEqual({ ...defaults, hidden: 64, opt: { lr: 0.1 }, path: 'x' });
    expect(resolveConfig('model', defaults, undefined)).toEqual(defaults);
  });

  it('rejects unknown keys, naming the known ones', () => {
    expect(() => resolveConfig('model', defaults, { hiden: 3 })).toThrow('model config: unknown key "hiden" (known keys: hidden, dropout, attention, bidirectional, sizes, opt, path)');
    expect(() => resolveConfig('model', defaults, { opt: { momentum: 1 } })).toThrow('model.opt config: unknown key "momentum" (known keys: lr)');
  });

  it('rejects values of the wrong type or outside their rule', () => {
    expect(() => resolveConfig('model', defaults, { hidden: '256' })).toThrow('model config: "hidden" must be a number, got "256"');
    expect(() => resolveConfig('model', defaults, { sizes: 3 })).toThrow('model config: "sizes" must be an array, got 3');
    expect(() => resolveConfig('model', defaults, { hidden: 0 }, rules)).toThrow('model config: "hidden" must be a positive integer, got 0');
    expect(() => resolveConfig('model', defaults, { dropout: 1 }, rules)).toThrow('model config: "dropout" must be in [0, 1), got 1');
    expect(() => resolveConfig('model', defaults, { attention: 'luong' }, rules)).toThrow('model config: "attention" must be one of "none", "bahdanau", got "luong"');
    expect(() => resolveConfig('model', defaults, { bidirectional: null })).toThrow('model config: "bidirectional" must be a boolean, got null');
    expect(() => resolveConfig('model', defaults, [] as unknown as Record<string, unknown>)).toThrow('model config: expected an object, got array');
  });
});

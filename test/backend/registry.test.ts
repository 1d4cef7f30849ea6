import { describe, expect, it } from 'vitest';
import { availableBackends, getBackend, initBackend, setBackend, setThreads } from '../../src/index.js';
import { GlimpseError } from '../../src/util/errors.js';

describe('backend selection', () => {
  it('offers the wasm backend next to the reference and switches between them', async () => {
    const before = getBackend().name;
    expect(availableBackends()).toEqual(expect.arrayContaining(['js', 'wasm']));
    expect(setBackend('wasm').name).toBe('wasm');
    expect(getBackend().name).toBe('wasm');
    expect(setBackend('js').name).toBe('js');
    expect(await initBackend()).toBe(getBackend().name);
    setBackend(before);
  });

  it('rejects unknown names and bad thread counts with a clear error', () => {
    expect(() => setBackend('cuda')).toThrow(/unknown backend "cuda": expected one of js, wasm, native/);
    expect(() => setThreads(0)).toThrow(GlimpseError);
    expect(() => setThreads(1.5)).toThrow(/positive integer, got 1.5/);
  });
});

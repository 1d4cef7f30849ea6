// What only the wasm backend has: a thread count set at run time, and an arena that grows once per
// call size. Its kernels' parity with the reference is in parity/.
import { describe, expect, it } from 'vitest';
import type { GemmParams } from '../../src/backend/backend.js';
import { setThreads } from '../../src/backend/registry.js';
import { wasmBackend } from '../../src/backend/wasm/backend.js';
import { defaultThreads, getRuntime } from '../../src/backend/wasm/runtime.js';
import { randomF32 } from '../helpers/close.js';
import { forceWasmKernels } from '../helpers/wasm.js';

const params = (m: number, n: number, k: number): GemmParams => ({ batch: 1, m, n, k, transA: false, transB: false, strideA: 0, strideB: 0, strideC: 0, accumulate: false });

describe('wasm runtime', () => {
  forceWasmKernels();

  it('gives the same result on one thread as on several', () => {
    const p = params(90, 80, 70);
    const a = randomF32(90 * 70, 5);
    const b = randomF32(70 * 80, 6);
    const many = new Float32Array(90 * 80);
    const one = new Float32Array(90 * 80);
    wasmBackend.gemm(p, a, b, many);
    setThreads(1);
    try {
      expect(getRuntime().threads).toBe(1);
      wasmBackend.gemm(p, a, b, one);
    } finally {
      setThreads(defaultThreads());
    }
    expect(Array.from(one)).toEqual(Array.from(many));
  });

  it('stops growing its memory once a call of a size has been seen', () => {
    const p = params(64, 64, 64);
    const a = randomF32(64 * 64, 1);
    const c = new Float32Array(64 * 64);
    wasmBackend.gemm(p, a, a, c);
    const bytes = getRuntime().arena.bytes;
    for (let i = 0; i < 20; i++) wasmBackend.gemm(p, a, a, c);
    expect(getRuntime().arena.bytes).toBe(bytes);
  });
});

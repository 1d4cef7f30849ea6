// What only the native backend checks: the C++ side refuses arrays shorter than the sizes say.
// Its kernels' parity with the reference is in parity/.
import { expect, it } from 'vitest';
import { describeNative, nativeForTests } from './native-helpers.js';

describeNative('GEMM bounds', () => {
  it('rejects arrays too short for the sizes instead of reading past them', () => {
    const nat = nativeForTests();
    const p = { batch: 1, strideA: 0, strideB: 0, strideC: 0, m: 4, n: 4, k: 4, transA: false, transB: false, accumulate: false };
    expect(() => nat.gemm(p, new Float32Array(15), new Float32Array(16), new Float32Array(16))).toThrow(/argument 10 has 15 elements, the kernel needs 16/);
  });
});

// The FMA-throughput probe the kernels benchmark divides GEMM by: a finite positive figure for
// every vector family, on one thread and on the whole pool, and none for the portable one. No
// timing is asserted: only that the probe runs and reports what it promises.
import { expect, it } from 'vitest';
import { nativeFmaPeak, nativeInfo } from '../../src/index.js';
import { describeNative } from './native-helpers.js';

describeNative('FMA peak probe', () => {
  it('reports GFLOP/s for a vector family and null for the portable one', () => {
    const family = nativeInfo().isa;
    const peak = nativeFmaPeak(1);
    if (family === 'generic') {
      expect(peak).toBeNull();
      return;
    }
    expect(peak).not.toBeNull();
    expect(Number.isFinite(peak!) && peak! > 0).toBe(true);
    // Asking for more threads than the pool has measures the pool.
    const all = nativeFmaPeak(1000);
    expect(Number.isFinite(all!) && all! > 0).toBe(true);
  });
});

import { afterAll, beforeAll, describe } from 'vitest';
import type { Backend } from '../../src/backend/backend.js';
import { createNativeBackend } from '../../src/backend/native/backend.js';
import { loadNativeBackend, nativeAddon, setNativeIsa } from '../../src/backend/native/index.js';
import { Rng } from '../../src/util/rng.js';

function why(): string | null {
  try {
    loadNativeBackend();
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

/** Why the addon is unavailable here (null when it loaded). */
export const NATIVE_UNAVAILABLE = why();
if (NATIVE_UNAVAILABLE) console.warn(`native parity tests skipped: ${NATIVE_UNAVAILABLE}`);

/**
 * The micro-kernel families this CPU can run; each parity block runs once per family, so the
 * AVX2 and portable paths are tested on an AVX-512 machine too.
 */
export const FAMILIES: ('avx512' | 'avx2' | 'neon' | 'generic')[] = (() => {
  if (NATIVE_UNAVAILABLE) return [];
  const best = setNativeIsa('avx512');
  const out = best === 'avx512' ? ['avx512', 'avx2', 'generic'] : best === 'avx2' ? ['avx2', 'generic'] : [best, 'generic'];
  return [...new Set(out)] as ('avx512' | 'avx2' | 'neon' | 'generic')[];
})();

/**
 * The native backend with no JavaScript shortcut for small arrays, so every size reaches C++.
 * Loaded on first use, so a skipped block (no addon) can still be collected.
 */
export function nativeForTests(): Backend {
  let real: Backend | null = null;
  return new Proxy({} as Backend, {
    get: (_, key) => (real ??= createNativeBackend(nativeAddon(), { small: 0 }))[key as keyof Backend],
  });
}

/** `describe` per kernel family (skipped, saying why, when the addon is not built). */
export function describeNative(title: string, body: () => void): void {
  if (NATIVE_UNAVAILABLE) {
    describe.skip(`${title} (native addon unavailable: ${NATIVE_UNAVAILABLE})`, body);
    return;
  }
  describe.each(FAMILIES)(`${title} [native %s]`, (family) => {
    beforeAll(() => {
      setNativeIsa(family);
    });
    afterAll(() => {
      setNativeIsa('avx512'); // back to the best this CPU runs
    });
    body();
  });
}

/** Uniform values in [-scale, scale), seeded. */
export function rand(n: number, seed: number, scale = 1): Float32Array {
  const r = new Rng(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (r.uniform() * 2 - 1) * scale;
  return out;
}

/** The SIMD-tail sizes every parity case covers. */
export const SIZES = [0, 1, 3, 4, 5, 17];

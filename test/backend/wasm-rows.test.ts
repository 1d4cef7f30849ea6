import { describe, expect, it } from 'vitest';
import type { AdamParams, UnaryOp } from '../../src/backend/backend.js';
import { refBackend } from '../../src/backend/ref/backend.js';
import { wasmBackend } from '../../src/backend/wasm/backend.js';
import { expectClose, randomF32 } from '../helpers/close.js';
import { forceWasmKernels } from '../helpers/wasm.js';

const SIZES = [0, 1, 3, 4, 5, 17];
const SPECIAL = [0, -0, 1e-8, -1e-8, 0.3, -0.7, 1, -1, 5, -5, 20, -20, 87.5, -87.5, 88.9, -88.9, 100, -100, 1e4, -1e4, Infinity, -Infinity, NaN];

describe('wasm elementwise and row kernels match the reference', () => {
  forceWasmKernels();

  it.each(['exp', 'tanh', 'sigmoid'] as UnaryOp[])('%s on sizes 0…17, special and large values', (op) => {
    const inputs = [...SIZES.map((n) => randomF32(n, n + 1, 4)), Float32Array.from(SPECIAL), randomF32(1001, 9, 30)];
    for (const x of inputs) {
      const expected = new Float32Array(x.length);
      const actual = new Float32Array(x.length);
      refBackend.unary(op, x, expected, 0, 0);
      wasmBackend.unary(op, x, actual, 0, 0);
      expectClose(actual, expected, `${op}(${x.length})`, 2e-6, 1e-7);
    }
  });

  it.each([false, true])('softmax (log=%s) forward and backward, with masked and fully masked rows', (log) => {
    for (const n of SIZES) {
      for (const rows of [1, 3, 17]) {
        const x = randomF32(rows * n, rows * 10 + n, 50);
        if (n > 2) x[1] = -Infinity; // a partly masked row
        if (rows > 2) x.fill(-Infinity, 2 * n, 3 * n); // a fully masked row
        const ye = new Float32Array(rows * n);
        const ya = new Float32Array(rows * n);
        refBackend.softmax(x, rows, n, ye, log);
        wasmBackend.softmax(x, rows, n, ya, log);
        expectClose(ya, ye, `softmax ${rows}x${n}`);
        expect(ya.some(Number.isNaN)).toBe(false);
        const gy = randomF32(rows * n, n + 3, 2);
        const ge = new Float32Array(rows * n);
        const ga = new Float32Array(rows * n);
        refBackend.softmaxBackward(ye, gy, rows, n, ge, log);
        wasmBackend.softmaxBackward(ye, gy, rows, n, ga, log);
        expectClose(ga, ge, `softmaxBackward ${rows}x${n}`);
      }
    }
  });

  it('softmax over many rows splits across threads', () => {
    const rows = 300;
    const n = 129;
    const x = randomF32(rows * n, 4, 10);
    const ye = new Float32Array(rows * n);
    const ya = new Float32Array(rows * n);
    refBackend.softmax(x, rows, n, ye, false);
    wasmBackend.softmax(x, rows, n, ya, false);
    expectClose(ya, ye, 'softmax 300x129');
  });

  it.each([
    [-100, 0], [2, 0], [-100, 0.1], [1, 0.25],
  ])('cross-entropy forward and backward (ignoreIndex %s, smoothing %s)', (ignoreIndex, smoothing) => {
    for (const n of [1, 3, 4, 5, 17, 1000]) {
      for (const rows of [0, 1, 3, 17]) {
        const logits = randomF32(rows * n, rows + n, 20);
        const target = Int32Array.from({ length: rows }, (_, r) => (r * 7) % n);
        if (rows > 1 && ignoreIndex >= 0 && ignoreIndex < n) target[1] = ignoreIndex;
        const le = new Float32Array(rows);
        const la = new Float32Array(rows);
        const se = new Float32Array(rows);
        const sa = new Float32Array(rows);
        refBackend.crossEntropy(logits, target, rows, n, ignoreIndex, smoothing, le, se);
        wasmBackend.crossEntropy(logits, target, rows, n, ignoreIndex, smoothing, la, sa);
        expectClose(la, le, `ce loss ${rows}x${n}`);
        expectClose(sa, se, `ce lse ${rows}x${n}`);
        const gLoss = randomF32(rows, 3, 1);
        const ge = new Float32Array(rows * n);
        const ga = new Float32Array(rows * n);
        refBackend.crossEntropyBackward(logits, se, target, rows, n, ignoreIndex, smoothing, gLoss, ge);
        wasmBackend.crossEntropyBackward(logits, se, target, rows, n, ignoreIndex, smoothing, gLoss, ga);
        expectClose(ga, ge, `ce grad ${rows}x${n}`);
      }
    }
  });

  it('sums over an axis (inner 1 and wider, overwrite and accumulate)', () => {
    for (const outer of [1, 3]) {
      for (const n of SIZES) {
        for (const inner of [1, 4, 5, 17]) {
          for (const accumulate of [false, true]) {
            const x = randomF32(outer * n * inner, n + inner, 100);
            const oe = randomF32(outer * inner, 2);
            const oa = oe.slice();
            refBackend.sumAxis(x, outer, n, inner, oe, accumulate);
            wasmBackend.sumAxis(x, outer, n, inner, oa, accumulate);
            expectClose(oa, oe, `sumAxis ${outer}x${n}x${inner}`, 1e-4, 1e-4);
          }
        }
      }
    }
  });

  it('runs the fused Adam / AdamW step', () => {
    const adam: AdamParams = { beta1: 0.9, beta2: 0.999, eps: 1e-8, stepSize: 1e-3 / (1 - 0.9 ** 3), bc2Sqrt: Math.sqrt(1 - 0.999 ** 3), weightDecay: 0.01, decayFactor: 1 };
    const adamW: AdamParams = { ...adam, weightDecay: 0, decayFactor: 1 - 1e-3 * 0.01 };
    for (const hp of [adam, adamW]) {
      for (const n of [...SIZES, 200_000]) {
        const p = [randomF32(n, 1, 3), randomF32(n, 2, 1e3), randomF32(n, 3, 0.1), randomF32(n, 4, 0.01).map(Math.abs)] as const;
        const e = p.map((a) => a.slice());
        const a = p.map((x) => x.slice());
        refBackend.adam(e[0], e[1], e[2], e[3], hp);
        wasmBackend.adam(a[0], a[1], a[2], a[3], hp);
        expectClose(a[0], e[0], `adam param ${n}`);
        expectClose(a[2], e[2], `adam m ${n}`);
        expectClose(a[3], e[3], `adam v ${n}`);
      }
    }
  });
});

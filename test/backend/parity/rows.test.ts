// Parity of the row and reduction kernels with the reference: axis sums and maxima, softmax and
// log-softmax (masked, fully masked and enormous logits), cross-entropy with ignoreIndex and label
// smoothing, indexing, layer norm and the fused Adam / AdamW step.
import { expect } from 'vitest';
import type { AdamParams, Backend } from '../../../src/backend/backend.js';
import { refBackend as ref } from '../../../src/backend/ref/backend.js';
import { expectClose, randomF32 } from '../../helpers/close.js';
import { SIZES, rand } from '../native-helpers.js';
import { type ParityCase, describeParity } from './backends.js';

const CASES: ParityCase[] = [
  ...[false, true].map((log): ParityCase => ({
    name: `softmax (log=${log}) forward and backward, with masked and fully masked rows`,
    kernels: ['softmax', 'softmaxBackward'],
    run: (be) => {
      for (const n of SIZES) {
        for (const rows of [1, 3, 17]) {
          const x = randomF32(rows * n, rows * 10 + n, 50);
          if (n > 2) x[1] = -Infinity; // a partly masked row
          if (rows > 2) x.fill(-Infinity, 2 * n, 3 * n); // a fully masked row
          const ye = new Float32Array(rows * n);
          const ya = new Float32Array(rows * n);
          ref.softmax(x, rows, n, ye, log);
          be.softmax(x, rows, n, ya, log);
          expectClose(ya, ye, { what: `softmax ${rows}x${n}` });
          expect(ya.some(Number.isNaN)).toBe(false);
          const gy = randomF32(rows * n, n + 3, 2);
          const ge = new Float32Array(rows * n);
          const ga = new Float32Array(rows * n);
          ref.softmaxBackward(ye, gy, rows, n, ge, log);
          be.softmaxBackward(ye, gy, rows, n, ga, log);
          expectClose(ga, ge, { what: `softmaxBackward ${rows}x${n}` });
        }
      }
    },
  })),

  {
    name: 'softmax and log-softmax: fully masked rows give 0 / -inf, large logits stay finite; backward',
    kernels: ['softmax', 'softmaxBackward'],
    run: (be) => {
      for (const n of [...SIZES.filter((s) => s > 0), 33, 1000]) {
        const rows = 4;
        const x = rand(rows * n, n, 30);
        x.fill(-Infinity, 0, n); // fully masked row
        x[n] = 1e30; // enormous logit
        if (n > 2) x[2 * n + 1] = -Infinity;
        for (const log of [false, true]) {
          const y1 = new Float32Array(rows * n);
          const y2 = new Float32Array(rows * n);
          be.softmax(x, rows, n, y1, log);
          ref.softmax(x, rows, n, y2, log);
          expectClose(y1, y2, { rtol: 2e-5, atol: 1e-6, what: `softmax log=${log} n=${n}` });
          const gy = rand(rows * n, 3);
          be.softmaxBackward(y2, gy, rows, n, y1, log);
          const g2 = new Float32Array(rows * n);
          ref.softmaxBackward(y2, gy, rows, n, g2, log);
          expectClose(y1, g2, { rtol: 1e-4, atol: 1e-5, what: `softmax backward log=${log} n=${n}` });
        }
      }
    },
  },

  {
    name: 'softmax over many rows splits across threads',
    kernels: ['softmax'],
    run: (be) => {
      const [rows, n] = [300, 129];
      const x = randomF32(rows * n, 4, 10);
      const ye = new Float32Array(rows * n);
      const ya = new Float32Array(rows * n);
      ref.softmax(x, rows, n, ye, false);
      be.softmax(x, rows, n, ya, false);
      expectClose(ya, ye, { what: 'softmax 300x129' });
    },
  },

  ...([[-100, 0], [2, 0], [-100, 0.1], [1, 0.25]] as const).map(([ignoreIndex, smoothing]): ParityCase => ({
    name: `cross-entropy forward and backward (ignoreIndex ${ignoreIndex}, smoothing ${smoothing})`,
    kernels: ['crossEntropy', 'crossEntropyBackward'],
    run: (be) => {
      for (const n of [1, 3, 4, 5, 17, 1000]) {
        for (const rows of [0, 1, 3, 17]) {
          const logits = randomF32(rows * n, rows + n, 20);
          const target = Int32Array.from({ length: rows }, (_, r) => (r * 7) % n);
          if (rows > 1 && ignoreIndex >= 0 && ignoreIndex < n) target[1] = ignoreIndex;
          const [le, la, se, sa] = [0, 0, 0, 0].map(() => new Float32Array(rows)) as [Float32Array, Float32Array, Float32Array, Float32Array];
          ref.crossEntropy(logits, target, rows, n, ignoreIndex, smoothing, le, se);
          be.crossEntropy(logits, target, rows, n, ignoreIndex, smoothing, la, sa);
          expectClose(la, le, { what: `ce loss ${rows}x${n}` });
          expectClose(sa, se, { what: `ce lse ${rows}x${n}` });
          const gLoss = randomF32(rows, 3, 1);
          const ge = new Float32Array(rows * n);
          const ga = new Float32Array(rows * n);
          ref.crossEntropyBackward(logits, se, target, rows, n, ignoreIndex, smoothing, gLoss, ge);
          be.crossEntropyBackward(logits, se, target, rows, n, ignoreIndex, smoothing, gLoss, ga);
          expectClose(ga, ge, { what: `ce grad ${rows}x${n}` });
        }
      }
    },
  })),

  {
    name: 'cross-entropy with ignoreIndex -100 on a row, label smoothing 0 and 0.1, and its backward',
    kernels: ['crossEntropy', 'crossEntropyBackward'],
    run: (be) => {
      for (const n of [1, 3, 4, 5, 17, 2000]) {
        const rows = 6;
        const logits = rand(rows * n, n, 20);
        const target = Int32Array.from({ length: rows }, (_, r) => (r === 2 ? -100 : (r * 7) % n));
        for (const smoothing of [0, 0.1]) {
          const [l1, l2, s1, s2] = [0, 0, 0, 0].map(() => new Float32Array(rows)) as [Float32Array, Float32Array, Float32Array, Float32Array];
          be.crossEntropy(logits, target, rows, n, -100, smoothing, l1, s1);
          ref.crossEntropy(logits, target, rows, n, -100, smoothing, l2, s2);
          expectClose(l1, l2, { rtol: 1e-5, atol: 1e-5, what: 'loss' });
          expectClose(s1, s2, { rtol: 1e-5, atol: 1e-5, what: 'lse' });
          const gLoss = rand(rows, 9);
          const g1 = new Float32Array(rows * n);
          const g2 = new Float32Array(rows * n);
          be.crossEntropyBackward(logits, s2, target, rows, n, -100, smoothing, gLoss, g1);
          ref.crossEntropyBackward(logits, s2, target, rows, n, -100, smoothing, gLoss, g2);
          expectClose(g1, g2, { rtol: 1e-4, atol: 1e-6, what: 'gLogits' });
        }
      }
    },
  },

  {
    name: 'sums over an axis (inner 1 and wider, overwrite and accumulate)',
    kernels: ['sumAxis'],
    run: (be) => {
      for (const outer of [1, 3]) {
        for (const n of SIZES) {
          for (const inner of [1, 4, 5, 17]) {
            for (const accumulate of [false, true]) {
              const x = randomF32(outer * n * inner, n + inner, 100);
              const oe = randomF32(outer * inner, 2);
              const oa = oe.slice();
              ref.sumAxis(x, outer, n, inner, oe, accumulate);
              be.sumAxis(x, outer, n, inner, oa, accumulate);
              expectClose(oa, oe, { rtol: 1e-4, atol: 1e-4, what: `sumAxis ${outer}x${n}x${inner}` });
            }
          }
        }
      }
    },
  },

  {
    name: 'sumAxis (inner 1 and > 1, accumulate) and maxAxis (with NaN and -inf)',
    kernels: ['sumAxis', 'maxAxis'],
    run: (be) => {
      for (const [outer, n, inner] of [[1, 0, 1], [1, 1, 1], [3, 5, 1], [4, 17, 3], [2, 3, 5], [1, 1000, 1]] as const) {
        const x = rand(outer * n * inner, n + inner, 100);
        if (x.length > 4) {
          x[1] = NaN;
          x[3] = -Infinity;
        }
        const finite = x.map((v) => (Number.isNaN(v) || !Number.isFinite(v) ? 1 : v));
        const o1 = rand(outer * inner, 1);
        const o2 = o1.slice();
        be.sumAxis(finite, outer, n, inner, o1, true);
        ref.sumAxis(finite, outer, n, inner, o2, true);
        expectClose(o1, o2, { rtol: 1e-5, atol: 1e-4, what: 'sumAxis' });
        const a1 = new Int32Array(outer * inner);
        const a2 = new Int32Array(outer * inner);
        be.maxAxis(x, outer, n, inner, o1, a1);
        ref.maxAxis(x, outer, n, inner, o2, a2);
        expect(Array.from(o1)).toEqual(Array.from(o2));
        expect(a1).toEqual(a2);
      }
    },
  },

  {
    name: 'indexSelect (float32, int32), indexAdd with a skipped padding row, gather and scatterAdd',
    kernels: ['indexSelect', 'indexAdd', 'gather', 'scatterAdd'],
    run: (be) => {
      for (const [outer, n, inner] of [[1, 5, 3], [2, 17, 1], [3, 4, 5], [1, 1, 17]] as const) {
        const idx = Int32Array.from({ length: 7 }, (_, j) => (j * 3) % n);
        for (const x of [rand(outer * n * inner, 1), Int32Array.from(rand(outer * n * inner, 2, 50), Math.round)]) {
          const o1 = new (x.constructor as Float32ArrayConstructor)(outer * 7 * inner);
          const o2 = new (x.constructor as Float32ArrayConstructor)(outer * 7 * inner);
          be.indexSelect(x, outer, n, inner, idx, o1);
          ref.indexSelect(x, outer, n, inner, idx, o2);
          expect(o1).toEqual(o2);
        }
        const g = rand(outer * 7 * inner, 3);
        const gx1 = rand(outer * n * inner, 4);
        const gx2 = gx1.slice();
        be.indexAdd(g, outer, n, inner, idx, gx1, 0);
        ref.indexAdd(g, outer, n, inner, idx, gx2, 0);
        expectClose(gx1, gx2, { rtol: 1e-6, atol: 1e-6, what: 'indexAdd' });
        const m = 3;
        const gi = Int32Array.from({ length: outer * m * inner }, (_, i) => (i * 7) % n);
        const x = rand(outer * n * inner, 5);
        const o1 = new Float32Array(outer * m * inner);
        const o2 = new Float32Array(outer * m * inner);
        be.gather(x, outer, n, inner, gi, m, o1);
        ref.gather(x, outer, n, inner, gi, m, o2);
        expect(o1).toEqual(o2);
        const s1 = rand(outer * n * inner, 6);
        const s2 = s1.slice();
        be.scatterAdd(o1, outer, n, inner, gi, m, s1);
        ref.scatterAdd(o1, outer, n, inner, gi, m, s2);
        expectClose(s1, s2, { rtol: 1e-6, atol: 1e-6, what: 'scatterAdd' });
      }
      expect(() => be.indexSelect(rand(6, 1), 1, 3, 2, Int32Array.of(0, 3), new Float32Array(4))).toThrow(/out of range/);
    },
  },

  {
    name: 'layerNorm with and without affine parameters, and its backward',
    kernels: ['layerNorm', 'layerNormBackward'],
    run: (be) => {
      for (const [rows, n] of [[1, 1], [3, 4], [5, 17], [2, 300]] as const) {
        const x = rand(rows * n, n, 50).map((v, i) => v + (i % 3) * 1000);
        for (const affine of [true, false]) {
          const gamma = affine ? rand(n, 2) : null;
          const beta = affine ? rand(n, 3) : null;
          const [y1, y2] = [new Float32Array(rows * n), new Float32Array(rows * n)];
          const [m1, m2, r1, r2] = [0, 0, 0, 0].map(() => new Float32Array(rows)) as [Float32Array, Float32Array, Float32Array, Float32Array];
          be.layerNorm(x, gamma, beta, rows, n, 1e-5, y1, m1, r1);
          ref.layerNorm(x, gamma, beta, rows, n, 1e-5, y2, m2, r2);
          expectClose(y1, y2, { rtol: 1e-4, atol: 1e-5, what: 'y' });
          expectClose(m1, m2, { rtol: 1e-6, atol: 1e-5, what: 'mean' });
          expectClose(r1, r2, { rtol: 1e-5, atol: 1e-6, what: 'rstd' });
          const gy = rand(rows * n, 4);
          const [gx1, gx2] = [new Float32Array(rows * n), new Float32Array(rows * n)];
          const [gg1, gg2, gb1, gb2] = [0, 0, 0, 0].map(() => rand(n, 5)) as [Float32Array, Float32Array, Float32Array, Float32Array];
          be.layerNormBackward(x, gamma, m2, r2, gy, rows, n, gx1, affine ? gg1 : null, affine ? gb1 : null);
          ref.layerNormBackward(x, gamma, m2, r2, gy, rows, n, gx2, affine ? gg2 : null, affine ? gb2 : null);
          expectClose(gx1, gx2, { rtol: 1e-4, atol: 1e-5, what: 'gx' });
          expectClose(gg1, gg2, { rtol: 1e-4, atol: 1e-5, what: 'gGamma' });
          expectClose(gb1, gb2, { rtol: 1e-4, atol: 1e-5, what: 'gBeta' });
        }
      }
    },
  },

  {
    name: 'runs the fused Adam / AdamW step',
    kernels: ['adam'],
    run: (be) => {
      const adam: AdamParams = { beta1: 0.9, beta2: 0.999, eps: 1e-8, stepSize: 1e-3 / (1 - 0.9 ** 3), bc2Sqrt: Math.sqrt(1 - 0.999 ** 3), weightDecay: 0.01, decayFactor: 1 };
      const adamW: AdamParams = { ...adam, weightDecay: 0, decayFactor: 1 - 1e-3 * 0.01 };
      for (const hp of [adam, adamW]) {
        for (const n of [...SIZES, 200_000]) {
          const p = [randomF32(n, 1, 3), randomF32(n, 2, 1e3), randomF32(n, 3, 0.1), randomF32(n, 4, 0.01).map(Math.abs)] as const;
          const e = p.map((a) => a.slice());
          const a = p.map((x) => x.slice());
          ref.adam(e[0], e[1], e[2], e[3], hp);
          be.adam(a[0], a[1], a[2], a[3], hp);
          expectClose(a[0], e[0], { what: `adam param ${n}` });
          expectClose(a[2], e[2], { what: `adam m ${n}` });
          expectClose(a[3], e[3], { what: `adam v ${n}` });
        }
      }
    },
  },

  {
    name: 'Adam and AdamW steps over several iterations',
    kernels: ['adam'],
    run: (be: Backend) => {
      for (const n of [...SIZES, 1000]) {
        for (const [weightDecay, decayFactor] of [[0, 1], [0.01, 1], [0, 0.999]] as const) {
          const [p1, m1, v1] = [rand(n, 1), new Float32Array(n), new Float32Array(n)];
          const [p2, m2, v2] = [p1.slice(), new Float32Array(n), new Float32Array(n)];
          for (let t = 1; t <= 5; t++) {
            const g = rand(n, 10 + t, t === 3 ? 1e4 : 1);
            const p: AdamParams = { beta1: 0.9, beta2: 0.999, eps: 1e-8, stepSize: 1e-3 / (1 - 0.9 ** t), bc2Sqrt: Math.sqrt(1 - 0.999 ** t), weightDecay, decayFactor };
            be.adam(p1, g, m1, v1, p);
            ref.adam(p2, g, m2, v2, p);
          }
          expectClose(p1, p2, { rtol: 1e-5, atol: 1e-6, what: 'param' });
          expectClose(m1, m2, { rtol: 1e-5, atol: 1e-6, what: 'm' });
          expectClose(v1, v2, { rtol: 1e-5, atol: 1e-6, what: 'v' });
        }
      }
    },
  },
];

describeParity('row kernels match the reference', CASES);

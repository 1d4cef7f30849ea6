import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { tensor } from '../../src/core/create.js';
import { bfloat16ToFloat, floatToBfloat16, floatToHalf, halfToFloat } from '../../src/io/half.js';
import { decodeSafetensors, encodeSafetensors, parseSafetensorsHeader } from '../../src/io/safetensors.js';
import { GlimpseError } from '../../src/util/errors.js';
import { Rng } from '../../src/util/rng.js';
import { Tensor } from '../../src/core/tensor.js';

const f32 = (x: number): number => Math.fround(x);

// Bit patterns from numpy 1.24 (np.float32(x).astype(np.float16)) and PyTorch 1.13 (.bfloat16()).
const HALF_CASES: [number, number][] = [
  [0, 0x0000], [-0, 0x8000], [1, 0x3c00], [-2, 0xc000], [0.1, 0x2e66], [1 / 3, 0x3555],
  [65504, 0x7bff], [65519.98828125, 0x7bff], [65520, 0x7c00], [-65520, 0xfc00], [1e6, 0x7c00],
  [2 ** -14, 0x0400], [6.1e-5, 0x03ff], [2 ** -24, 0x0001], [2 ** -25, 0x0000], [2.980232594040899e-8, 0x0001],
  [3 * 2 ** -25, 0x0002], [2 ** -26, 0x0000], [1e-8, 0x0000], [Infinity, 0x7c00], [-Infinity, 0xfc00],
  [1 + 2 ** -11, 0x3c00], [1 + 3 * 2 ** -11, 0x3c02], [2049, 0x6800], [2051, 0x6802],
];
const BF16_CASES: [number, number][] = [
  [1, 0x3f80], [1 + 2 ** -8, 0x3f80], [1 + 3 * 2 ** -8, 0x3f82], [0.1, 0x3dcd], [-0.1, 0xbdcd],
  [3.4028234663852886e38, 0x7f80], [-3.4028234663852886e38, 0xff80], [3.3895313892515355e38, 0x7f7f],
  [1e-40, 0x0001], [2 ** -126, 0x0080], [Infinity, 0x7f80], [-Infinity, 0xff80],
];

describe('float32 → IEEE half', () => {
  it.each(HALF_CASES)('%s → %s (numpy\'s bits)', (x, bits) => {
    expect(floatToHalf(x)).toBe(bits);
  });

  it('gives back every half exactly: all 63,488 finite and infinite patterns round-trip', () => {
    for (let h = 0; h < 0x10000; h++) {
      const x = halfToFloat(h);
      if (Number.isNaN(x)) expect(Number.isNaN(halfToFloat(floatToHalf(x))), `0x${h.toString(16)}`).toBe(true);
      else expect(floatToHalf(x), `0x${h.toString(16)}`).toBe(h);
    }
  });

  it('rounds the midpoint between neighbouring halves to the even one, and just off it to the nearer', () => {
    // Every pair of neighbouring positive finite halves, subnormals included (the midpoints are float32 exactly).
    for (let h = 0; h < 0x7bff; h++) {
      const [lo, hi] = [halfToFloat(h), halfToFloat(h + 1)];
      const mid = (lo + hi) / 2;
      expect(f32(mid)).toBe(mid);
      expect(floatToHalf(mid)).toBe(h % 2 === 0 ? h : h + 1);
      expect(floatToHalf(-mid)).toBe(0x8000 | (h % 2 === 0 ? h : h + 1));
      const below = f32(mid - mid * 2 ** -20);
      const above = f32(mid + mid * 2 ** -20);
      expect(floatToHalf(below)).toBe(h);
      expect(floatToHalf(above)).toBe(h + 1);
    }
  });

  it('keeps NaN a NaN, as numpy does (0x7e00 for the default NaN)', () => {
    expect(floatToHalf(NaN)).toBe(0x7e00);
    expect(Number.isNaN(halfToFloat(floatToHalf(NaN)))).toBe(true);
    // A signalling NaN whose payload lies below the half's fraction bits is still a NaN.
    const bits = new Uint32Array([0x7f800001]);
    expect(Number.isNaN(halfToFloat(floatToHalf(new Float32Array(bits.buffer)[0]!)))).toBe(true);
  });

  const numpy = spawnSync('/usr/bin/python3', ['-c', 'import numpy'], { encoding: 'utf8' }).status === 0;
  it.skipIf(!numpy)('equals numpy\'s astype(float16) on 20,000 random float32 bit patterns', () => {
    const rng = new Rng(7);
    const bits = Uint32Array.from({ length: 20_000 }, () => Math.floor(rng.uniform() * 2 ** 32));
    const values = new Float32Array(bits.buffer);
    const py = 'import sys, numpy as np\nx = np.frombuffer(sys.stdin.buffer.read(), dtype="<f4")\n'
      + 'with np.errstate(all="ignore"): sys.stdout.buffer.write(x.astype("<f2").tobytes())';
    const r = spawnSync('/usr/bin/python3', ['-c', py], { input: Buffer.from(bits.buffer) });
    expect(r.status, String(r.stderr)).toBe(0);
    const expected = new Uint16Array(new Uint8Array(r.stdout).buffer);
    // A NaN read into a JavaScript number may lose its signalling payload, so NaNs are compared as NaNs.
    const isNaNHalf = (h: number): boolean => (h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0;
    const mismatches: string[] = [];
    for (let i = 0; i < values.length; i++) {
      const got = floatToHalf(values[i]!);
      const want = expected[i]!;
      if (isNaNHalf(want) ? !isNaNHalf(got) : got !== want) mismatches.push(`0x${bits[i]!.toString(16)}: 0x${got.toString(16)} ≠ 0x${want.toString(16)}`);
    }
    expect(mismatches).toEqual([]);
    expect(values.filter((x) => Number.isNaN(x)).length).toBeGreaterThan(10); // the comparison saw NaNs
  });
});

describe('float32 → bfloat16', () => {
  it.each(BF16_CASES)('%s → %s (PyTorch\'s bits)', (x, bits) => {
    expect(floatToBfloat16(x)).toBe(bits);
  });

  it('gives back every bfloat16 exactly, and rounds midpoints to the even neighbour', () => {
    for (let h = 0; h < 0x10000; h++) {
      const x = bfloat16ToFloat(h);
      if (Number.isNaN(x)) expect(Number.isNaN(bfloat16ToFloat(floatToBfloat16(x)))).toBe(true);
      else expect(floatToBfloat16(x)).toBe(h);
    }
    for (let h = 0; h < 0x7f7f; h += 97) {
      const mid = (bfloat16ToFloat(h) + bfloat16ToFloat(h + 1)) / 2;
      expect(floatToBfloat16(mid)).toBe(h % 2 === 0 ? h : h + 1);
    }
  });

  it('keeps NaN a NaN', () => {
    expect(Number.isNaN(bfloat16ToFloat(floatToBfloat16(NaN)))).toBe(true);
    expect(Number.isNaN(bfloat16ToFloat(floatToBfloat16(-NaN)))).toBe(true);
  });
});

describe('safetensors written as F16 / BF16', () => {
  const values = [0, -0, 1, -2.5, 0.1, 65504, 65520, 2 ** -24, 1e-8, Infinity, -Infinity, NaN, 1 / 3];
  const dict = () => ({ w: tensor(values), ids: new Tensor(new Int32Array([3, -4]), [2]) });

  it.each([['f16', 'F16', floatToHalf, halfToFloat], ['bf16', 'BF16', floatToBfloat16, bfloat16ToFloat]] as const)(
    '%s: float32 tensors are stored as %s in half the bytes and read back as float32, rounded once',
    (dtype, name, to, from) => {
      const bytes = encodeSafetensors(dict(), { format: 'pt' }, { dtype });
      const header = parseSafetensorsHeader(bytes);
      expect(header.entries.find((e) => e.name === 'w')).toMatchObject({ dtype: name, end: header.entries.find((e) => e.name === 'w')!.begin + 2 * values.length });
      expect(header.entries.find((e) => e.name === 'ids')!.dtype).toBe('I32'); // integers are kept
      const back = decodeSafetensors(bytes);
      expect(back.tensors.w!.dtype).toBe('float32');
      expect(Array.from(back.tensors.w!.data)).toEqual(values.map((x) => from(to(x))));
      expect(Array.from(back.tensors.ids!.data)).toEqual([3, -4]);
      // Values a 16-bit float holds come back exactly.
      const exact = values.filter((x) => from(to(x)) === x);
      expect(exact.length).toBeGreaterThan(6);
      expect(bytes.length).toBeLessThan(encodeSafetensors(dict(), { format: 'pt' }).length);
    },
  );

  it('writes f32 exactly as without the option, and refuses an unknown dtype', () => {
    expect(encodeSafetensors(dict(), {}, { dtype: 'f32' })).toEqual(encodeSafetensors(dict(), {}));
    expect(() => encodeSafetensors(dict(), {}, { dtype: 'f8' as 'f16' })).toThrow(GlimpseError);
    expect(() => encodeSafetensors(dict(), {}, { dtype: 'f8' as 'f16' })).toThrow(/unknown dtype "f8": expected one of f32, f16, bf16/);
  });
});

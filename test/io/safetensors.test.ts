import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tensor } from '../../src/core/create.js';
import { Tensor } from '../../src/core/tensor.js';
import { decodeSafetensors, encodeSafetensors, parseSafetensorsHeader } from '../../src/io/safetensors.js';
import { GlimpseError } from '../../src/util/errors.js';

const enc = new TextEncoder();

/** A file from a header text (padded to 8 like the reference writer, unless told) and data bytes. */
function file(header: string, data: number[] | Uint8Array = [], options: { pad?: boolean; declaredLength?: number } = {}): Uint8Array {
  let h = header;
  if (options.pad ?? true) h += ' '.repeat((8 - (enc.encode(h).length % 8)) % 8);
  const hb = enc.encode(h);
  const out = new Uint8Array(8 + hb.length + data.length);
  new DataView(out.buffer).setUint32(0, options.declaredLength ?? hb.length, true);
  out.set(hb, 8);
  out.set(data, 8 + hb.length);
  return out;
}

const f32Bytes = (values: number[]): number[] => [...new Uint8Array(new Float32Array(values).buffer)];

function expectError(bytes: Uint8Array, pattern: RegExp): void {
  let caught: unknown;
  try {
    decodeSafetensors(bytes, 'bad.safetensors');
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(GlimpseError);
  expect((caught as Error).message).toContain('bad.safetensors');
  expect((caught as Error).message).toMatch(pattern);
}

describe('safetensors encoding', () => {
  it('lays a file out exactly as the format specifies', () => {
    const bytes = encodeSafetensors({ 'attn.0': tensor([[[0, 1, 2], [3, 4, 5]]]) });
    const header = '{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}';
    expect(header.length % 8).toBe(0);
    expect([...bytes]).toEqual([...file(header, f32Bytes([0, 1, 2, 3, 4, 5]))]);
  });

  it('writes an empty dict as {} padded with spaces to 8 bytes, metadata first', () => {
    expect([...encodeSafetensors({})]).toEqual([8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32]);
    const withMeta = encodeSafetensors({}, { framework: 'pt' });
    expect(new TextDecoder().decode(withMeta.subarray(8))).toBe('{"__metadata__":{"framework":"pt"}}     ');
  });

  it('orders tensors by decreasing alignment, then by name, and pads the header to 8', () => {
    const bytes = encodeSafetensors({
      b: tensor([1, 2]), a: tensor([3]), ids: tensor([1, 2], { dtype: 'int32' }), m: tensor([true]), d: tensor([1], { dtype: 'float64' }),
    });
    const h = parseSafetensorsHeader(bytes);
    expect(h.entries.map((e) => `${e.name}:${e.dtype}`)).toEqual(['d:F64', 'a:F32', 'b:F32', 'ids:I32', 'm:BOOL']);
    expect(h.dataStart % 8).toBe(0);
  });

  it('round-trips every dtype it writes, scalars, empty tensors and metadata', () => {
    const tensors = {
      w: tensor([[1.5, -2], [3.25, 1e-30]]),
      d: tensor([Math.PI, -1e300], { dtype: 'float64' }),
      ids: tensor([-7, 0, 2147483647], { dtype: 'int32' }),
      mask: tensor([true, false, true]),
      s: tensor(4),
      empty: new Tensor(new Float32Array(0), [0, 3]),
      'encoder.weight_ih_l0_reverse': tensor([[0.5]]),
    };
    const back = decodeSafetensors(encodeSafetensors(tensors, { format: 'pt', note: 'héllo ✓' }));
    expect(back.metadata).toEqual({ format: 'pt', note: 'héllo ✓' });
    for (const [name, t] of Object.entries(tensors)) {
      expect(back.tensors[name]!.dtype).toBe(t.dtype);
      expect(back.tensors[name]!.shape).toEqual(t.shape);
      expect([...back.tensors[name]!.data]).toEqual([...t.data]);
    }
  });

  it('refuses names the format reserves and non-string metadata', () => {
    expect(() => encodeSafetensors({ __metadata__: tensor([1]) })).toThrow(GlimpseError);
    expect(() => encodeSafetensors({}, { n: 1 as unknown as string })).toThrow(/metadata "n" must be a string/);
  });
});

describe('safetensors decoding', () => {
  it('converts F16 and BF16 to float32 exactly, with subnormals and infinities', () => {
    const halves = [0x3c00, 0xc000, 0x7bff, 0x0001, 0x7c00, 0xfc00, 0x3555];
    const bf = [0x3f80, 0xc2d6];
    const data = new Uint8Array(new Uint16Array([...halves, ...bf]).buffer);
    const bytes = file(`{"h":{"dtype":"F16","shape":[7],"data_offsets":[0,14]},"b":{"dtype":"BF16","shape":[2],"data_offsets":[14,18]}}`, data);
    const { tensors, dtypes } = decodeSafetensors(bytes);
    expect(dtypes).toEqual({ h: 'F16', b: 'BF16' });
    expect([...tensors.h!.data]).toEqual([1, -2, 65504, 2 ** -24, Infinity, -Infinity, 0.333251953125]);
    expect(tensors.h!.dtype).toBe('float32');
    expect([...tensors.b!.data]).toEqual([1, -107]);
  });

  it('reads I64 as int32 and rejects values outside int32', () => {
    const ok = new Uint8Array(new BigInt64Array([-3n, 2147483647n]).buffer);
    expect([...decodeSafetensors(file('{"i":{"dtype":"I64","shape":[2],"data_offsets":[0,16]}}', ok)).tensors.i!.data]).toEqual([-3, 2147483647]);
    const big = new Uint8Array(new BigInt64Array([2n ** 40n]).buffer);
    expectError(file('{"i":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}', big), /"i" \(I64\) holds 1099511627776.*int32/);
  });

  it('accepts an unpadded header and tensors listed out of order', () => {
    const bytes = file('{"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', f32Bytes([1, 2]), { pad: false });
    const { tensors } = decodeSafetensors(bytes);
    expect(Object.keys(tensors)).toEqual(['a', 'b']);
    expect(tensors.b!.item()).toBe(2);
  });

  const entry = (name: string, begin: number, end: number, shape = '[1]', dtype = 'F32'): string =>
    `"${name}":{"dtype":"${dtype}","shape":${shape},"data_offsets":[${begin},${end}]}`;

  it.each([
    ['a file shorter than 8 bytes', new Uint8Array(5), /too short/],
    ['a header size beyond the file', file(`{${entry('a', 0, 4)}}`, f32Bytes([1]), { declaredLength: 500 }), /beyond the end of the file/],
    ['a header size over the limit', file('{}', [], { declaredLength: 0xffffffff }), /larger than the 100000000-byte limit/],
    ['a header that is not JSON', file('{"a": [1, 2'), /not valid JSON/],
    ['a header that is not an object', file('[1,2]'), /must be a JSON object/],
    ['a header that is not UTF-8', (() => { const b = file('{"a":1}'); b[10] = 0xff; return b; })(), /not valid UTF-8/],
    ['a duplicate tensor name', file(`{${entry('a', 0, 4)},${entry('a', 0, 4)}}`, f32Bytes([1])), /names "a" twice/],
    ['an unknown dtype', file(`{${entry('a', 0, 4, '[1]', 'F33')}}`, f32Bytes([1])), /unknown dtype "F33"/],
    ['a negative shape', file(`{${entry('a', 0, 4, '[-1]')}}`, f32Bytes([1])), /shape must be a list of non-negative integers/],
    ['offsets that do not fit shape and dtype', file(`{${entry('a', 0, 8, '[1]')}}`, f32Bytes([1, 2])), /needs 4 bytes but data_offsets \[0, 8\] hold 8/],
    ['reversed offsets', file(`{${entry('a', 4, 0)}}`, f32Bytes([1])), /0 ≤ begin ≤ end/],
    ['a gap between tensors', file(`{${entry('a', 0, 4)},${entry('b', 8, 12)}}`, f32Bytes([1, 2, 3])), /starts at byte 8.*a gap/],
    ['overlapping tensors', file(`{${entry('a', 0, 8, '[2]')},${entry('b', 4, 8)}}`, f32Bytes([1, 2])), /overlapping/],
    ['data shorter than the offsets (truncated)', file(`{${entry('a', 0, 8, '[2]')}}`, f32Bytes([1])), /need 8 bytes of data but the file holds 4/],
    ['bytes after the last tensor', file(`{${entry('a', 0, 4)}}`, f32Bytes([1, 2])), /4 bytes after the last tensor/],
    ['non-string metadata', file(`{"__metadata__":{"v":1},${entry('a', 0, 4)}}`, f32Bytes([1])), /__metadata__ must map strings to strings/],
    ['an overflowing shape', file(`{${entry('a', 0, 4, '[4294967296,4294967296,4294967296]')}}`, f32Bytes([1])), /too large/],
    ['a deeply nested header', file(`{"a":${'['.repeat(100000)}`), /not valid JSON/],
    ['a float8 tensor', file(`{${entry('a', 0, 1, '[1]', 'F8_E4M3')}}`, [0]), /F8_E4M3, which glimpse does not read/],
  ])('rejects %s with a clear error', (_what, bytes, pattern) => {
    expectError(bytes as Uint8Array, pattern as RegExp);
  });
});

describe('a safetensors file written by PyTorch (checked in)', () => {
  it('loads every dtype with the values PyTorch wrote', () => {
    const { tensors, metadata, dtypes } = decodeSafetensors(readFileSync('test/data/torch_small.safetensors'), 'torch_small.safetensors');
    const expected = JSON.parse(readFileSync('test/data/torch_small.json', 'utf8')) as Record<string, { dtype: string; shape: number[]; values: (number | string | boolean)[] }>;
    const { __metadata__: meta, ...want } = expected;
    expect(metadata).toEqual(meta);
    expect(Object.keys(tensors).sort()).toEqual(Object.keys(want).sort());
    for (const [name, w] of Object.entries(want)) {
      const t = tensors[name]!;
      expect(dtypes[name], name).toBe(w.dtype);
      expect(t.shape, name).toEqual(w.shape);
      const values = w.values.map((v) => (typeof v === 'string' ? Number(v.replace('inf', 'Infinity')) : Number(v)));
      expect([...t.data], name).toEqual(values);
    }
  });
});

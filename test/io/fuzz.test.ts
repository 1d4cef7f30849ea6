import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tensor } from '../../src/core/create.js';
import { decodeSafetensors, encodeSafetensors } from '../../src/io/safetensors.js';
import { GlimpseError } from '../../src/util/errors.js';

/** Decodes `bytes`; any failure must be a GlimpseError (no TypeError, RangeError, crash or hang). */
function decodeCleanly(bytes: Uint8Array): 'ok' | 'error' {
  try {
    decodeSafetensors(bytes, 'fuzz.safetensors');
    return 'ok';
  } catch (e) {
    if (!(e instanceof GlimpseError)) throw e;
    expect(e.message).toMatch(/^safetensors: fuzz\.safetensors: /);
    return 'error';
  }
}

const valid = encodeSafetensors(
  { 'emb.weight': tensor([[1, 2], [3, 4]]), ids: tensor([5, 6, 7], { dtype: 'int32' }), m: tensor([true, false]) },
  { format: 'pt' },
);

/** A header that declares its own length correctly, around arbitrary JSON. */
function withHeader(json: string, data: Uint8Array): Uint8Array {
  const h = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setUint32(0, h.length, true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

describe('safetensors reader under fuzzing', () => {
  it('gives only clean errors on random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 256 }), (bytes) => {
      decodeCleanly(bytes);
    }), { numRuns: 500 });
  });

  it('rejects every truncation of a valid file', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: valid.length - 1 }), (cut) => {
      expect(decodeCleanly(valid.subarray(0, cut))).toBe('error');
    }), { numRuns: 200 });
  });

  it('survives random byte changes in a valid file', () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), (edits) => {
      const bytes = valid.slice();
      for (const [at, v] of edits) bytes[at] = v;
      decodeCleanly(bytes);
    }), { numRuns: 500 });
  });

  it('gives only clean errors on headers of arbitrary JSON', () => {
    const entry = fc.record({
      dtype: fc.oneof(fc.constantFrom('F32', 'F16', 'BF16', 'I64', 'I32', 'BOOL', 'U8', 'F8_E5M2', 'X'), fc.anything()),
      shape: fc.oneof(fc.array(fc.integer({ min: -2, max: 2 ** 40 }), { maxLength: 4 }), fc.anything()),
      data_offsets: fc.oneof(fc.array(fc.integer({ min: -4, max: 64 }), { maxLength: 3 }), fc.anything()),
    }, { requiredKeys: [] });
    const header = fc.dictionary(fc.string({ maxLength: 6 }), fc.oneof(entry, fc.anything()), { maxKeys: 4 });
    fc.assert(fc.property(header, fc.uint8Array({ maxLength: 64 }), (h, data) => {
      decodeCleanly(withHeader(JSON.stringify(h), data));
    }), { numRuns: 500 });
  });
});

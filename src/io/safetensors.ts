import type { AnyArray } from '../backend/backend.js';
import type { DType } from '../core/dtype.js';
import { Tensor } from '../core/tensor.js';
import { GlimpseError } from '../util/errors.js';
import { bfloat16ToFloat, halfToFloat } from './half.js';
import { WEIGHT_DTYPES, type WeightDtype, encodeFloats } from './weight-dtypes.js';
import {
  ELEMENT_SIZE, SAFETENSORS_DTYPES, type SafetensorsDtype, type SafetensorsEntry, fail, parseSafetensorsHeader, quote,
} from './safetensors-header.js';

// The safetensors format, bytes in and bytes out, no file system (the header's layout and its
// checks are in safetensors-header.ts; the Node reader in node.ts reads tensors by offset).

export { WEIGHT_DTYPES, WEIGHT_DTYPE_NAMES, type WeightDtype, type WeightDtypeRule } from './weight-dtypes.js';
export {
  SAFETENSORS_DTYPES, MAX_HEADER_BYTES, parseSafetensorsHeader, headerLength, parseHeaderBytes,
  type SafetensorsDtype, type SafetensorsEntry, type SafetensorsHeader,
} from './safetensors-header.js';

const WRITTEN_AS: Record<DType, SafetensorsDtype> = { float32: 'F32', float64: 'F64', int32: 'I32', bool: 'BOOL' };

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export interface SafetensorsContent {
  /**
   * Tensors by name, in data order: F32, F16 and BF16 become float32, F64 float64, integer
   * types int32 (values outside int32 are an error), BOOL bool. An object without a
   * prototype, so any name (`__proto__`, `constructor`) is just a name.
   */
  tensors: Record<string, Tensor>;
  /** The `__metadata__` strings (an object without a prototype). */
  metadata: Record<string, string>;
  /** Each tensor's dtype in the file. */
  dtypes: Record<string, SafetensorsDtype>;
}

function readInts(source: string, e: SafetensorsEntry, view: DataView, count: number): Int32Array {
  const out = new Int32Array(count);
  const size = ELEMENT_SIZE[e.dtype];
  for (let i = 0; i < count; i++) {
    const at = i * size;
    let v: number | bigint;
    switch (e.dtype) {
      case 'I64': v = view.getBigInt64(at, true); break;
      case 'U64': v = view.getBigUint64(at, true); break;
      case 'U32': v = view.getUint32(at, true); break;
      case 'I16': v = view.getInt16(at, true); break;
      case 'U16': v = view.getUint16(at, true); break;
      case 'I8': v = view.getInt8(at); break;
      default: v = view.getUint8(at); break;
    }
    if (v < -2147483648 || v > 2147483647) fail(source, `tensor ${quote(e.name)} (${e.dtype}) holds ${v} at element ${i}, outside the int32 range glimpse uses`);
    out[i] = Number(v);
  }
  return out;
}

/**
 * One tensor from `raw`, exactly its `end − begin` bytes in a buffer of their own (offset 0,
 * so float and int32 data are used in place on little-endian hosts).
 */
export function decodeTensor(source: string, e: SafetensorsEntry, raw: Uint8Array): Tensor {
  const count = e.shape.reduce((a, b) => a * b, 1);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const own = LITTLE_ENDIAN_HOST && raw.byteOffset === 0 && raw.byteLength === raw.buffer.byteLength;
  let out: AnyArray;
  switch (e.dtype) {
    case 'F32':
      out = own ? new Float32Array(raw.buffer) : Float32Array.from({ length: count }, (_, i) => view.getFloat32(4 * i, true));
      break;
    case 'F64':
      out = own ? new Float64Array(raw.buffer) : Float64Array.from({ length: count }, (_, i) => view.getFloat64(8 * i, true));
      break;
    case 'I32':
      out = own ? new Int32Array(raw.buffer) : Int32Array.from({ length: count }, (_, i) => view.getInt32(4 * i, true));
      break;
    case 'F16':
      out = Float32Array.from({ length: count }, (_, i) => halfToFloat(view.getUint16(2 * i, true)));
      break;
    case 'BF16':
      out = Float32Array.from({ length: count }, (_, i) => bfloat16ToFloat(view.getUint16(2 * i, true)));
      break;
    case 'BOOL':
      out = Uint8Array.from(raw, (b) => (b ? 1 : 0));
      break;
    case 'F8_E5M2':
    case 'F8_E4M3':
      return fail(source, `tensor ${quote(e.name)} is ${e.dtype}, which glimpse does not read`);
    default:
      out = readInts(source, e, view, count);
  }
  return new Tensor(out, e.shape);
}

/**
 * Reads every tensor of a safetensors file held in `bytes`. The whole header is checked
 * before any tensor is built, so a bad file throws a GlimpseError naming `source` and the
 * problem, and nothing half-read escapes.
 *
 * @example
 * const { tensors, metadata } = decodeSafetensors(new Uint8Array(await file.arrayBuffer()), file.name);
 * model.loadStateDict(tensors);
 */
export function decodeSafetensors(bytes: Uint8Array, source = 'bytes'): SafetensorsContent {
  const header = parseSafetensorsHeader(bytes, source);
  const data = bytes.subarray(header.dataStart);
  const content = emptyContent(header.metadata);
  for (const e of header.entries) {
    // A fresh, aligned copy of the tensor's bytes (Node Buffers' slice() would share memory).
    const raw = new Uint8Array(e.end - e.begin);
    raw.set(data.subarray(e.begin, e.end));
    content.tensors[e.name] = decodeTensor(source, e, raw);
    content.dtypes[e.name] = e.dtype;
  }
  return content;
}

/** A content with no tensors yet: three objects without prototypes (names are data). */
export function emptyContent(metadata: Record<string, string>): SafetensorsContent {
  const table = <T>(): Record<string, T> => Object.create(null) as Record<string, T>;
  return { tensors: table<Tensor>(), metadata: Object.assign(table<string>(), metadata), dtypes: table<SafetensorsDtype>() };
}

function compareBytes(a: string, b: string): number {
  // Names are ordered by their UTF-8 bytes, as the reference writer (Rust strings) orders them.
  const enc = new TextEncoder();
  const x = enc.encode(a);
  const y = enc.encode(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

function bytesOf(t: Tensor): Uint8Array {
  const d = t.data;
  if (LITTLE_ENDIAN_HOST || d instanceof Uint8Array) return new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
  const out = new Uint8Array(d.byteLength);
  const view = new DataView(out.buffer);
  for (let i = 0; i < d.length; i++) {
    if (d instanceof Float32Array) view.setFloat32(4 * i, d[i]!, true);
    else if (d instanceof Float64Array) view.setFloat64(8 * i, d[i]!, true);
    else view.setInt32(4 * i, d[i]!, true);
  }
  return out;
}

/** Options of {@link encodeSafetensors}. */
export interface EncodeOptions {
  /**
   * The format float32 tensors are stored in: `f32` (default, exact), `f16` or `bf16` (half
   * the bytes, rounded to nearest even; see WEIGHT_DTYPES). Other dtypes are stored as they are.
   */
  dtype?: WeightDtype;
}

/**
 * Writes tensors (float32 → F32, or F16 / BF16 with `options.dtype`; float64 → F64, int32 →
 * I32, bool → BOOL) and optional string metadata as safetensors bytes, laid out as the
 * reference writer does: tensors sorted by decreasing alignment then name, the header padded
 * with spaces to a multiple of 8 bytes.
 *
 * @example
 * const bytes = encodeSafetensors(model.stateDict(), { format: 'pt' });
 * const half = encodeSafetensors(model.stateDict(), { format: 'pt' }, { dtype: 'f16' }); // half the bytes
 */
export function encodeSafetensors(tensors: Record<string, Tensor>, metadata?: Record<string, string>, options: EncodeOptions = {}): Uint8Array {
  const items = Object.entries(tensors);
  for (const [name, t] of items) {
    if (name === '' || name === '__metadata__') throw new GlimpseError(`encodeSafetensors: "${name}" cannot be a tensor name`);
    if (!(t instanceof Tensor)) throw new GlimpseError(`encodeSafetensors: "${name}" is not a Tensor`);
  }
  for (const [k, v] of Object.entries(metadata ?? {})) {
    if (typeof v !== 'string') throw new GlimpseError(`encodeSafetensors: metadata "${k}" must be a string, got ${typeof v}`);
  }
  const floats = options.dtype ?? 'f32';
  if (!Object.hasOwn(WEIGHT_DTYPES, floats)) throw new GlimpseError(`encodeSafetensors: unknown dtype "${String(floats)}": expected one of ${Object.keys(WEIGHT_DTYPES).join(', ')}`);
  const written = (t: Tensor): SafetensorsDtype => (t.dtype === 'float32' ? WEIGHT_DTYPES[floats].safetensors : WRITTEN_AS[t.dtype]);
  const rank = (t: Tensor): number => SAFETENSORS_DTYPES.indexOf(written(t));
  items.sort(([na, a], [nb, b]) => rank(b) - rank(a) || compareBytes(na, nb));
  const data = items.map(([, t]) => (t.dtype === 'float32' && floats !== 'f32' ? encodeFloats(t.data as Float32Array, floats) : bytesOf(t)));
  const parts: string[] = [];
  if (metadata) {
    const meta = Object.entries(metadata).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`);
    parts.push(`"__metadata__":{${meta.join(',')}}`);
  }
  let offset = 0;
  for (const [i, [name, t]] of items.entries()) {
    const size = data[i]!.byteLength;
    parts.push(`${JSON.stringify(name)}:{"dtype":"${written(t)}","shape":[${t.shape.join(',')}],"data_offsets":[${offset},${offset + size}]}`);
    offset += size;
  }
  const json = new TextEncoder().encode(`{${parts.join(',')}}`);
  const n = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + n + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, n % 2 ** 32, true);
  view.setUint32(4, Math.floor(n / 2 ** 32), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + n);
  let at = 8 + n;
  for (const bytes of data) {
    out.set(bytes, at);
    at += bytes.byteLength;
  }
  return out;
}

import type { AnyArray } from '../backend/backend.js';
import type { DType } from '../core/dtype.js';
import { Tensor } from '../core/tensor.js';
import { GlimpseError } from '../util/errors.js';
import { shapeStr } from '../util/shape.js';
import { bfloat16ToFloat, halfToFloat } from './half.js';
import { findDuplicateKey } from './json.js';

// The safetensors format (huggingface/safetensors), bytes in and bytes out, no file system:
//   8 bytes   N, the header size, unsigned 64-bit little-endian
//   N bytes   a UTF-8 JSON object {name: {dtype, shape, data_offsets: [begin, end]}, ...,
//             "__metadata__"?: {string: string}}, padded with spaces
//   the rest  the tensors' bytes, little-endian, row-major; offsets are relative to this part,
//             and the tensors cover it exactly: no gap, no overlap, nothing after the last.

/** Element types of the format, in its order of increasing alignment (the writer sorts by it). */
export const SAFETENSORS_DTYPES = [
  'BOOL', 'U8', 'I8', 'F8_E5M2', 'F8_E4M3', 'I16', 'U16', 'F16', 'BF16', 'I32', 'U32', 'F32', 'F64', 'I64', 'U64',
] as const;
export type SafetensorsDtype = (typeof SAFETENSORS_DTYPES)[number];

const ELEMENT_SIZE: Record<SafetensorsDtype, number> = {
  BOOL: 1, U8: 1, I8: 1, F8_E5M2: 1, F8_E4M3: 1, I16: 2, U16: 2, F16: 2, BF16: 2, I32: 4, U32: 4, F32: 4, F64: 8, I64: 8, U64: 8,
};

const WRITTEN_AS: Record<DType, SafetensorsDtype> = { float32: 'F32', float64: 'F64', int32: 'I32', bool: 'BOOL' };

/** The largest header accepted, as the reference implementation (guards against huge JSON). */
export const MAX_HEADER_BYTES = 100_000_000;

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** One tensor's entry in a header; offsets are relative to the start of the data. */
export interface SafetensorsEntry {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  begin: number;
  end: number;
}

export interface SafetensorsHeader {
  /** Entries in data order (by offset). */
  entries: SafetensorsEntry[];
  /** The `__metadata__` strings ({} when absent). */
  metadata: Record<string, string>;
  /** Where the data starts in the file: 8 + N. */
  dataStart: number;
}

export interface SafetensorsContent {
  /**
   * Tensors by name, in data order: F32, F16 and BF16 become float32, F64 float64, integer
   * types int32 (values outside int32 are an error), BOOL bool.
   */
  tensors: Record<string, Tensor>;
  metadata: Record<string, string>;
  /** Each tensor's dtype in the file. */
  dtypes: Record<string, SafetensorsDtype>;
}

function fail(source: string, message: string): never {
  throw new GlimpseError(`safetensors: ${source}: ${message}`);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isIndex(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function readEntry(source: string, name: string, info: unknown): SafetensorsEntry {
  const where = `tensor "${name}"`;
  if (!isPlainObject(info)) fail(source, `${where}: entry must be an object {dtype, shape, data_offsets}`);
  const { dtype, shape, data_offsets: offsets } = info;
  if (typeof dtype !== 'string' || !(SAFETENSORS_DTYPES as readonly string[]).includes(dtype)) {
    fail(source, `${where}: unknown dtype ${JSON.stringify(dtype)} (expected one of ${SAFETENSORS_DTYPES.join(', ')})`);
  }
  if (!Array.isArray(shape) || !shape.every(isIndex)) fail(source, `${where}: shape must be a list of non-negative integers, got ${JSON.stringify(shape)}`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isIndex) || offsets[0] > offsets[1]) {
    fail(source, `${where}: data_offsets must be [begin, end] with 0 ≤ begin ≤ end, got ${JSON.stringify(offsets)}`);
  }
  let count = 1;
  for (const d of shape as number[]) count *= d;
  const bytes = count * ELEMENT_SIZE[dtype as SafetensorsDtype];
  if (!Number.isSafeInteger(bytes)) fail(source, `${where}: shape ${shapeStr(shape as number[])} is too large`);
  const [begin, end] = offsets as [number, number];
  if (end - begin !== bytes) {
    fail(source, `${where}: ${dtype} ${shapeStr(shape as number[])} needs ${bytes} bytes but data_offsets [${begin}, ${end}] hold ${end - begin}`);
  }
  return { name, dtype: dtype as SafetensorsDtype, shape: shape as number[], begin, end };
}

/**
 * Parses and checks the header of a safetensors file held in `bytes`: every offset, size and
 * type is verified against the file before anything is read. `source` names the file in errors.
 *
 * @example
 * const { entries, metadata } = parseSafetensorsHeader(bytes, 'model.safetensors');
 */
export function parseSafetensorsHeader(bytes: Uint8Array, source = 'bytes'): SafetensorsHeader {
  if (!(bytes instanceof Uint8Array)) fail(source, 'expected the file contents as a Uint8Array');
  if (bytes.length < 8) fail(source, `file is ${bytes.length} bytes, too short for the 8-byte header size`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const low = view.getUint32(0, true);
  const high = view.getUint32(4, true);
  const n = high * 2 ** 32 + low;
  if (n > MAX_HEADER_BYTES) fail(source, `header size ${n} is larger than the ${MAX_HEADER_BYTES}-byte limit (corrupt file?)`);
  if (8 + n > bytes.length) fail(source, `header size ${n} goes beyond the end of the file (${bytes.length} bytes; truncated?)`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n));
  } catch {
    fail(source, 'header is not valid UTF-8');
  }
  if (!text.startsWith('{')) fail(source, 'header must be a JSON object starting with "{"');
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    fail(source, `header is not valid JSON (${(e as Error).message})`);
  }
  if (!isPlainObject(header)) fail(source, 'header must be a JSON object');
  const duplicate = findDuplicateKey(text);
  if (duplicate !== null) fail(source, `header names "${duplicate}" twice`);
  let metadata: Record<string, string> = {};
  const entries: SafetensorsEntry[] = [];
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') {
      if (!isPlainObject(info) || !Object.values(info).every((v) => typeof v === 'string')) {
        fail(source, '__metadata__ must map strings to strings');
      }
      metadata = info as Record<string, string>;
    } else {
      entries.push(readEntry(source, name, info));
    }
  }
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  const dataLength = bytes.length - 8 - n;
  let at = 0;
  for (const e of entries) {
    if (e.begin !== at) {
      fail(source, `tensor "${e.name}" starts at byte ${e.begin} of the data but the previous tensor ends at ${at} (${e.begin > at ? 'a gap' : 'overlapping tensors'})`);
    }
    at = e.end;
  }
  if (at !== dataLength) {
    fail(source, at > dataLength
      ? `tensors need ${at} bytes of data but the file holds ${dataLength} (truncated?)`
      : `the file has ${dataLength - at} bytes after the last tensor (the data must be covered exactly)`);
  }
  return { entries, metadata, dataStart: 8 + n };
}

function readInts(source: string, e: SafetensorsEntry, view: DataView, count: number): Int32Array {
  const out = new Int32Array(count);
  const size = ELEMENT_SIZE[e.dtype];
  for (let i = 0; i < count; i++) {
    const at = e.begin + i * size;
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
    if (v < -2147483648 || v > 2147483647) fail(source, `tensor "${e.name}" (${e.dtype}) holds ${v} at element ${i}, outside the int32 range glimpse uses`);
    out[i] = Number(v);
  }
  return out;
}

function decodeEntry(source: string, e: SafetensorsEntry, data: Uint8Array): Tensor {
  const count = e.shape.reduce((a, b) => a * b, 1);
  // A fresh, aligned copy of the tensor's bytes (Node Buffers' slice() would share memory).
  const raw = new Uint8Array(e.end - e.begin);
  raw.set(data.subarray(e.begin, e.end));
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let out: AnyArray;
  switch (e.dtype) {
    case 'F32':
      out = LITTLE_ENDIAN_HOST ? new Float32Array(raw.buffer) : Float32Array.from({ length: count }, (_, i) => view.getFloat32(e.begin + 4 * i, true));
      break;
    case 'F64':
      out = LITTLE_ENDIAN_HOST ? new Float64Array(raw.buffer) : Float64Array.from({ length: count }, (_, i) => view.getFloat64(e.begin + 8 * i, true));
      break;
    case 'I32':
      out = LITTLE_ENDIAN_HOST ? new Int32Array(raw.buffer) : Int32Array.from({ length: count }, (_, i) => view.getInt32(e.begin + 4 * i, true));
      break;
    case 'F16':
      out = Float32Array.from({ length: count }, (_, i) => halfToFloat(view.getUint16(e.begin + 2 * i, true)));
      break;
    case 'BF16':
      out = Float32Array.from({ length: count }, (_, i) => bfloat16ToFloat(view.getUint16(e.begin + 2 * i, true)));
      break;
    case 'BOOL':
      out = Uint8Array.from(raw, (b) => (b ? 1 : 0));
      break;
    case 'F8_E5M2':
    case 'F8_E4M3':
      return fail(source, `tensor "${e.name}" is ${e.dtype}, which glimpse does not read`);
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
  const tensors: Record<string, Tensor> = {};
  const dtypes: Record<string, SafetensorsDtype> = {};
  for (const e of header.entries) {
    tensors[e.name] = decodeEntry(source, e, data);
    dtypes[e.name] = e.dtype;
  }
  return { tensors, metadata: { ...header.metadata }, dtypes };
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

/**
 * Writes tensors (float32 → F32, float64 → F64, int32 → I32, bool → BOOL) and optional string
 * metadata as safetensors bytes, laid out as the reference writer does: tensors sorted by
 * decreasing alignment then name, the header padded with spaces to a multiple of 8 bytes.
 *
 * @example
 * const bytes = encodeSafetensors(model.stateDict(), { format: 'pt' });
 */
export function encodeSafetensors(tensors: Record<string, Tensor>, metadata?: Record<string, string>): Uint8Array {
  const items = Object.entries(tensors);
  for (const [name, t] of items) {
    if (name === '' || name === '__metadata__') throw new GlimpseError(`encodeSafetensors: "${name}" cannot be a tensor name`);
    if (!(t instanceof Tensor)) throw new GlimpseError(`encodeSafetensors: "${name}" is not a Tensor`);
  }
  for (const [k, v] of Object.entries(metadata ?? {})) {
    if (typeof v !== 'string') throw new GlimpseError(`encodeSafetensors: metadata "${k}" must be a string, got ${typeof v}`);
  }
  const rank = (t: Tensor): number => SAFETENSORS_DTYPES.indexOf(WRITTEN_AS[t.dtype]);
  items.sort(([na, a], [nb, b]) => rank(b) - rank(a) || compareBytes(na, nb));
  const parts: string[] = [];
  if (metadata) {
    const meta = Object.entries(metadata).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`);
    parts.push(`"__metadata__":{${meta.join(',')}}`);
  }
  let offset = 0;
  for (const [name, t] of items) {
    const size = t.data.byteLength;
    parts.push(`${JSON.stringify(name)}:{"dtype":"${WRITTEN_AS[t.dtype]}","shape":[${t.shape.join(',')}],"data_offsets":[${offset},${offset + size}]}`);
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
  for (const [, t] of items) {
    out.set(bytesOf(t), at);
    at += t.data.byteLength;
  }
  return out;
}

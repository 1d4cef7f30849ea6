import { GlimpseError } from '../util/errors.js';
import { shapeStr } from '../util/shape.js';
import { findDuplicateKey } from './json.js';
import { jsonError, oneLine } from '../util/text.js';

// The safetensors format (huggingface/safetensors), its header part:
//   8 bytes   N, the header size, unsigned 64-bit little-endian
//   N bytes   a UTF-8 JSON object {name: {dtype, shape, data_offsets: [begin, end]}, ...,
//             "__metadata__"?: {string: string}}, padded with spaces
//   the rest  the tensors' bytes, little-endian, row-major; offsets are relative to this part,
//             and the tensors cover it exactly: no gap, no overlap, nothing after the last.
// The header is checked whole before any tensor is read, so a reader can take the tensors one
// by one from a file (by offset) or from bytes in memory.

/** Element types of the format, in its order of increasing alignment (the writer sorts by it). */
export const SAFETENSORS_DTYPES = [
  'BOOL', 'U8', 'I8', 'F8_E5M2', 'F8_E4M3', 'I16', 'U16', 'F16', 'BF16', 'I32', 'U32', 'F32', 'F64', 'I64', 'U64',
] as const;
export type SafetensorsDtype = (typeof SAFETENSORS_DTYPES)[number];

export const ELEMENT_SIZE: Readonly<Record<SafetensorsDtype, number>> = {
  BOOL: 1, U8: 1, I8: 1, F8_E5M2: 1, F8_E4M3: 1, I16: 2, U16: 2, F16: 2, BF16: 2, I32: 4, U32: 4, F32: 4, F64: 8, I64: 8, U64: 8,
};

/** The largest header accepted, as the reference implementation (guards against huge JSON). */
export const MAX_HEADER_BYTES = 100_000_000;

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
  /** The `__metadata__` strings ({} when absent), in an object without a prototype. */
  metadata: Record<string, string>;
  /** Where the data starts in the file: 8 + N. */
  dataStart: number;
}

/** Throws the format's one-line error: `safetensors: <source>: <message>`. */
export function fail(source: string, message: string): never {
  throw new GlimpseError(`safetensors: ${source}: ${message}`);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isIndex(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function readEntry(source: string, name: string, info: unknown): SafetensorsEntry {
  const where = `tensor ${quote(name)}`;
  if (!isPlainObject(info)) fail(source, `${where}: entry must be an object {dtype, shape, data_offsets}`);
  const dtype = Object.hasOwn(info, 'dtype') ? info.dtype : undefined;
  const shape = Object.hasOwn(info, 'shape') ? info.shape : undefined;
  const offsets = Object.hasOwn(info, 'data_offsets') ? info.data_offsets : undefined;
  if (typeof dtype !== 'string' || !(SAFETENSORS_DTYPES as readonly string[]).includes(dtype)) {
    fail(source, `${where}: unknown dtype ${JSON.stringify(dtype) ?? 'undefined'} (expected one of ${SAFETENSORS_DTYPES.join(', ')})`);
  }
  if (!Array.isArray(shape) || !shape.every(isIndex)) fail(source, `${where}: shape must be a list of non-negative integers, got ${short(shape)}`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isIndex) || offsets[0] > offsets[1]) {
    fail(source, `${where}: data_offsets must be [begin, end] with 0 ≤ begin ≤ end, got ${short(offsets)}`);
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

/** A value as JSON, cut to 80 characters (a hostile header must not make a huge message). */
function short(v: unknown): string {
  return oneLine(JSON.stringify(v) ?? String(v), 80);
}

/** A tensor name for a message: JSON-quoted, cut to 80 characters. */
export function quote(name: string): string {
  return oneLine(JSON.stringify(name), 80);
}

/**
 * N, the header size, from the file's first 8 bytes; checked against the format's limit and
 * the file's length. `fileLength` is the whole file's size in bytes.
 */
export function headerLength(first8: Uint8Array, fileLength: number, source: string): number {
  if (fileLength < 8 || first8.length < 8) fail(source, `file is ${fileLength} bytes, too short for the 8-byte header size`);
  const view = new DataView(first8.buffer, first8.byteOffset, 8);
  const n = view.getUint32(4, true) * 2 ** 32 + view.getUint32(0, true);
  if (n > MAX_HEADER_BYTES) fail(source, `header size ${n} is larger than the ${MAX_HEADER_BYTES}-byte limit (corrupt file?)`);
  if (8 + n > fileLength) fail(source, `header size ${n} goes beyond the end of the file (${fileLength} bytes; truncated?)`);
  return n;
}

/**
 * Parses and checks the N header bytes (after the size) of a file whose data part is
 * `dataLength` bytes: every offset, size and type is verified against the data before
 * anything is read. Tensor names and metadata keys are kept as data (`__proto__` is a name).
 */
export function parseHeaderBytes(header: Uint8Array, dataLength: number, source: string): Omit<SafetensorsHeader, 'dataStart'> {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(header);
  } catch {
    fail(source, 'header is not valid UTF-8');
  }
  if (!text.startsWith('{')) fail(source, 'header must be a JSON object starting with "{"');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    fail(source, `header is not valid JSON (${jsonError(e)})`);
  }
  if (!isPlainObject(parsed)) fail(source, 'header must be a JSON object');
  const duplicate = findDuplicateKey(text);
  if (duplicate !== null) fail(source, `header names ${quote(duplicate)} twice`);
  const metadata: Record<string, string> = Object.create(null) as Record<string, string>;
  const entries: SafetensorsEntry[] = [];
  for (const [name, info] of Object.entries(parsed)) {
    if (name === '__metadata__') {
      if (!isPlainObject(info) || !Object.values(info).every((v) => typeof v === 'string')) {
        fail(source, '__metadata__ must map strings to strings');
      }
      for (const [k, v] of Object.entries(info)) metadata[k] = v as string;
    } else {
      entries.push(readEntry(source, name, info));
    }
  }
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  for (const e of entries) {
    if (e.begin !== at) {
      fail(source, `tensor ${quote(e.name)} starts at byte ${e.begin} of the data but the previous tensor ends at ${at} (${e.begin > at ? 'a gap' : 'overlapping tensors'})`);
    }
    at = e.end;
  }
  if (at !== dataLength) {
    fail(source, at > dataLength
      ? `tensors need ${at} bytes of data but the file holds ${dataLength} (truncated?)`
      : `the file has ${dataLength - at} bytes after the last tensor (the data must be covered exactly)`);
  }
  return { entries, metadata };
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
  const n = headerLength(bytes.subarray(0, 8), bytes.length, source);
  return { ...parseHeaderBytes(bytes.subarray(8, 8 + n), bytes.length - 8 - n, source), dataStart: 8 + n };
}

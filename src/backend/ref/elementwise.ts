import type { AnyArray, BinaryOp, Broadcast, CompareOp, FloatArray, UnaryOp } from '../backend.js';
import { forEachRow } from './copy.js';
import { gelu, geluDerivative } from './erf.js';

export function unary(op: UnaryOp, x: FloatArray, out: FloatArray, p0: number, p1: number): void {
  const n = x.length;
  switch (op) {
    case 'neg': for (let i = 0; i < n; i++) out[i] = -x[i]!; break;
    case 'exp': for (let i = 0; i < n; i++) out[i] = Math.exp(x[i]!); break;
    case 'log': for (let i = 0; i < n; i++) out[i] = Math.log(x[i]!); break;
    case 'sqrt': for (let i = 0; i < n; i++) out[i] = Math.sqrt(x[i]!); break;
    case 'tanh': for (let i = 0; i < n; i++) out[i] = Math.tanh(x[i]!); break;
    case 'sigmoid': for (let i = 0; i < n; i++) out[i] = 1 / (1 + Math.exp(-x[i]!)); break;
    case 'relu': for (let i = 0; i < n; i++) { const v = x[i]!; out[i] = v > 0 ? v : 0; } break;
    case 'abs': for (let i = 0; i < n; i++) out[i] = Math.abs(x[i]!); break;
    case 'pow': for (let i = 0; i < n; i++) out[i] = Math.pow(x[i]!, p0); break;
    case 'clamp': for (let i = 0; i < n; i++) { const v = x[i]!; out[i] = v < p0 ? p0 : v > p1 ? p1 : v; } break;
    case 'affine': for (let i = 0; i < n; i++) out[i] = x[i]! * p0 + p1; break;
    case 'gelu': for (let i = 0; i < n; i++) out[i] = gelu(x[i]!); break;
  }
}

export function unaryBackward(
  op: UnaryOp, x: FloatArray, y: FloatArray, gy: FloatArray, gx: FloatArray, p0: number, p1: number,
): void {
  const n = gy.length;
  switch (op) {
    case 'neg': for (let i = 0; i < n; i++) gx[i] = -gy[i]!; break;
    case 'exp': for (let i = 0; i < n; i++) gx[i] = gy[i]! * y[i]!; break;
    case 'log': for (let i = 0; i < n; i++) gx[i] = gy[i]! / x[i]!; break;
    case 'sqrt': for (let i = 0; i < n; i++) gx[i] = (gy[i]! * 0.5) / y[i]!; break;
    case 'tanh': for (let i = 0; i < n; i++) { const t = y[i]!; gx[i] = gy[i]! * (1 - t * t); } break;
    case 'sigmoid': for (let i = 0; i < n; i++) { const s = y[i]!; gx[i] = gy[i]! * s * (1 - s); } break;
    case 'relu': for (let i = 0; i < n; i++) gx[i] = x[i]! > 0 ? gy[i]! : 0; break;
    case 'abs': for (let i = 0; i < n; i++) { const v = x[i]!; gx[i] = v > 0 ? gy[i]! : v < 0 ? -gy[i]! : 0; } break;
    case 'pow':
      for (let i = 0; i < n; i++) gx[i] = p0 === 0 ? 0 : gy[i]! * p0 * Math.pow(x[i]!, p0 - 1);
      break;
    case 'clamp': for (let i = 0; i < n; i++) { const v = x[i]!; gx[i] = v >= p0 && v <= p1 ? gy[i]! : 0; } break;
    case 'affine': for (let i = 0; i < n; i++) gx[i] = gy[i]! * p0; break;
    case 'gelu': for (let i = 0; i < n; i++) gx[i] = gy[i]! * geluDerivative(x[i]!); break;
  }
}

function binaryRow(
  op: BinaryOp, a: FloatArray, ao: number, sa: number, b: FloatArray, bo: number, sb: number,
  out: FloatArray, oo: number, n: number,
): void {
  switch (op) {
    case 'add': for (let i = 0; i < n; i++, ao += sa, bo += sb) out[oo + i] = a[ao]! + b[bo]!; break;
    case 'sub': for (let i = 0; i < n; i++, ao += sa, bo += sb) out[oo + i] = a[ao]! - b[bo]!; break;
    case 'mul': for (let i = 0; i < n; i++, ao += sa, bo += sb) out[oo + i] = a[ao]! * b[bo]!; break;
    case 'div': for (let i = 0; i < n; i++, ao += sa, bo += sb) out[oo + i] = a[ao]! / b[bo]!; break;
    case 'pow': for (let i = 0; i < n; i++, ao += sa, bo += sb) out[oo + i] = Math.pow(a[ao]!, b[bo]!); break;
    case 'maximum': for (let i = 0; i < n; i++, ao += sa, bo += sb) out[oo + i] = Math.max(a[ao]!, b[bo]!); break;
    case 'minimum': for (let i = 0; i < n; i++, ao += sa, bo += sb) out[oo + i] = Math.min(a[ao]!, b[bo]!); break;
  }
}

export function binary(op: BinaryOp, a: FloatArray, b: FloatArray, out: FloatArray, bc: Broadcast | null): void {
  if (bc === null) {
    binaryRow(op, a, 0, 1, b, 0, 1, out, 0, out.length);
    return;
  }
  const sa = bc.strides[0]!;
  const sb = bc.strides[1]!;
  const last = bc.shape.length - 1;
  let oo = 0;
  forEachRow(bc.shape, [sa, sb], (off, n) => {
    binaryRow(op, a, off[0]!, last >= 0 ? sa[last]! : 0, b, off[1]!, last >= 0 ? sb[last]! : 0, out, oo, n);
    oo += n;
  });
}

function binaryBackwardRow(
  op: BinaryOp, a: FloatArray, ao: number, sa: number, b: FloatArray, bo: number, sb: number,
  out: FloatArray, gy: FloatArray, ga: FloatArray | null, gb: FloatArray | null, o: number, n: number,
): void {
  for (let i = 0; i < n; i++, ao += sa, bo += sb) {
    const g = gy[o + i]!;
    const x = a[ao]!;
    const y = b[bo]!;
    let da: number;
    let db: number;
    switch (op) {
      case 'add': da = g; db = g; break;
      case 'sub': da = g; db = -g; break;
      case 'mul': da = g * y; db = g * x; break;
      case 'div': da = g / y; db = (-g * x) / (y * y); break;
      case 'pow': {
        da = y === 0 ? 0 : g * y * Math.pow(x, y - 1);
        db = x === 0 ? 0 : g * out[o + i]! * Math.log(x);
        break;
      }
      // Ties split the gradient equally, as PyTorch does.
      case 'maximum': da = x > y ? g : x === y ? g / 2 : 0; db = g - da; break;
      case 'minimum': da = x < y ? g : x === y ? g / 2 : 0; db = g - da; break;
    }
    if (ga) ga[o + i] = da;
    if (gb) gb[o + i] = db;
  }
}

export function binaryBackward(
  op: BinaryOp, a: FloatArray, b: FloatArray, out: FloatArray, gy: FloatArray,
  ga: FloatArray | null, gb: FloatArray | null, bc: Broadcast | null,
): void {
  if (bc === null) {
    binaryBackwardRow(op, a, 0, 1, b, 0, 1, out, gy, ga, gb, 0, gy.length);
    return;
  }
  const sa = bc.strides[0]!;
  const sb = bc.strides[1]!;
  const last = bc.shape.length - 1;
  let o = 0;
  forEachRow(bc.shape, [sa, sb], (off, n) => {
    binaryBackwardRow(op, a, off[0]!, last >= 0 ? sa[last]! : 0, b, off[1]!, last >= 0 ? sb[last]! : 0, out, gy, ga, gb, o, n);
    o += n;
  });
}

function compareRow(
  op: CompareOp, a: AnyArray, ao: number, sa: number, b: AnyArray, bo: number, sb: number,
  out: Uint8Array, oo: number, n: number,
): void {
  for (let i = 0; i < n; i++, ao += sa, bo += sb) {
    const x = a[ao]!;
    const y = b[bo]!;
    let r: boolean;
    switch (op) {
      case 'eq': r = x === y; break;
      case 'ne': r = x !== y; break;
      case 'lt': r = x < y; break;
      case 'le': r = x <= y; break;
      case 'gt': r = x > y; break;
      case 'ge': r = x >= y; break;
      case 'and': r = x !== 0 && y !== 0; break;
      case 'or': r = x !== 0 || y !== 0; break;
    }
    out[oo + i] = r ? 1 : 0;
  }
}

export function compare(op: CompareOp, a: AnyArray, b: AnyArray, out: Uint8Array, bc: Broadcast | null): void {
  if (bc === null) {
    compareRow(op, a, 0, 1, b, 0, 1, out, 0, out.length);
    return;
  }
  const sa = bc.strides[0]!;
  const sb = bc.strides[1]!;
  const last = bc.shape.length - 1;
  let oo = 0;
  forEachRow(bc.shape, [sa, sb], (off, n) => {
    compareRow(op, a, off[0]!, last >= 0 ? sa[last]! : 0, b, off[1]!, last >= 0 ? sb[last]! : 0, out, oo, n);
    oo += n;
  });
}

export function where(cond: Uint8Array, a: AnyArray, b: AnyArray, out: AnyArray, bc: Broadcast | null): void {
  if (bc === null) {
    for (let i = 0; i < out.length; i++) out[i] = cond[i] ? a[i]! : b[i]!;
    return;
  }
  const [sc, sa, sb] = bc.strides as [number[], number[], number[]];
  const last = bc.shape.length - 1;
  const dc = last >= 0 ? sc[last]! : 0;
  const da = last >= 0 ? sa[last]! : 0;
  const db = last >= 0 ? sb[last]! : 0;
  let oo = 0;
  forEachRow(bc.shape, [sc, sa, sb], (off, n) => {
    let c = off[0]!;
    let x = off[1]!;
    let y = off[2]!;
    for (let i = 0; i < n; i++, c += dc, x += da, y += db) out[oo + i] = cond[c] ? a[x]! : b[y]!;
    oo += n;
  });
}

export function maskScale(x: FloatArray, mask: Uint8Array, scale: number, out: FloatArray): void {
  for (let i = 0; i < x.length; i++) out[i] = mask[i] ? x[i]! * scale : 0;
}

export function axpy(alpha: number, x: FloatArray, y: FloatArray): void {
  for (let i = 0; i < x.length; i++) y[i]! += alpha * x[i]!;
}

export function sumSquares(x: FloatArray): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]! * x[i]!;
  return s;
}

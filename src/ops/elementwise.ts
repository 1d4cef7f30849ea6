import type { BinaryOp, CompareOp, UnaryOp } from '../backend/backend.js';
import { record } from '../core/grad.js';
import { Tensor } from '../core/tensor.js';
import { GlimpseError } from '../util/errors.js';
import { broadcastShapes, broadcastStrides, shapeStr, stridesOf } from '../util/shape.js';
import {
  type TensorLike, asTensor, broadcastInfo, empty, fdata, gradToWrite, kernels, requireFloat, requireSameFloat, sumTo,
} from './util.js';

// ---- unary ------------------------------------------------------------------------------------

function unaryOp(op: UnaryOp, name: string, x: Tensor, p0 = 0, p1 = 0): Tensor {
  const xd = requireFloat(x, name);
  const out = empty(x.dtype, x.shape);
  kernels(xd).unary(op, xd, fdata(out), p0, p1);
  record(name, [x], [out], ([g]) => {
    const gx = gradToWrite(x)!;
    kernels(xd).unaryBackward(op, xd, fdata(out), fdata(g!), gx.data, p0, p1);
    return [gx.result];
  });
  return out;
}

/** -x */
export const neg = (x: Tensor): Tensor => unaryOp('neg', 'neg', x);
/** eˣ */
export const exp = (x: Tensor): Tensor => unaryOp('exp', 'exp', x);
/** Natural logarithm. */
export const log = (x: Tensor): Tensor => unaryOp('log', 'log', x);
/** √x */
export const sqrt = (x: Tensor): Tensor => unaryOp('sqrt', 'sqrt', x);
/** Hyperbolic tangent. */
export const tanh = (x: Tensor): Tensor => unaryOp('tanh', 'tanh', x);
/** σ(x) = 1 / (1 + e⁻ˣ) */
export const sigmoid = (x: Tensor): Tensor => unaryOp('sigmoid', 'sigmoid', x);
/** max(x, 0) */
export const relu = (x: Tensor): Tensor => unaryOp('relu', 'relu', x);
/** |x| */
export const abs = (x: Tensor): Tensor => unaryOp('abs', 'abs', x);
/**
 * GELU(x) = x·Φ(x) = ½x(1 + erf(x/√2)) (Hendrycks & Gimpel 2016), the exact form of
 * torch.nn.functional.gelu; its gradient is Φ(x) + x·φ(x).
 * @example gelu(tensor([-1, 0, 1])) // [-0.1587, 0, 0.8413]
 */
export const gelu = (x: Tensor): Tensor => unaryOp('gelu', 'gelu', x);

/**
 * Limits values to [min, max] (either bound may be omitted). The gradient passes where
 * min ≤ x ≤ max, as in PyTorch.
 * @example clamp(x, { min: 0, max: 1 })
 */
export function clamp(x: Tensor, bounds: { min?: number; max?: number }): Tensor {
  const lo = bounds.min ?? -Infinity;
  const hi = bounds.max ?? Infinity;
  if (lo > hi) throw new GlimpseError(`clamp: min ${lo} is greater than max ${hi}`);
  return unaryOp('clamp', 'clamp', x, lo, hi);
}

/** x·scale + shift, elementwise (one pass, no broadcasting). */
export function affine(x: Tensor, scale: number, shift = 0): Tensor {
  return unaryOp('affine', 'affine', x, scale, shift);
}

// ---- binary -----------------------------------------------------------------------------------

function binaryOp(op: BinaryOp, a: Tensor, b: Tensor): Tensor {
  requireSameFloat(a, b, op);
  const shape = broadcastShapes(a.shape, b.shape, op);
  const bc = broadcastInfo([a.shape, b.shape], shape);
  const out = empty(a.dtype, shape);
  const k = kernels(fdata(a));
  k.binary(op, fdata(a), fdata(b), fdata(out), bc);
  record(op, [a, b], [out], ([g]) => {
    const gy = g!;
    const needA = a.requiresGrad;
    const needB = b.requiresGrad;
    // ∂(a + b) is the identity: each input's gradient is gy summed over its broadcast dims
    // (gy itself where the shapes agree), with no full-size copies.
    if (op === 'add') return [needA ? sumTo(gy, a.shape) : null, needB ? sumTo(gy, b.shape) : null];
    if (bc === null) {
      // Same shapes: the kernel can write straight into the engine's sums.
      const ga = needA ? gradToWrite(a) : null;
      const gb = needB ? gradToWrite(b) : null;
      k.binaryBackward(op, fdata(a), fdata(b), fdata(out), fdata(gy), ga && ga.data, gb && gb.data, bc);
      return [ga && ga.result, gb && gb.result];
    }
    const ga = needA ? empty(a.dtype, shape) : null;
    const gb = needB ? empty(a.dtype, shape) : null;
    k.binaryBackward(op, fdata(a), fdata(b), fdata(out), fdata(gy), ga && fdata(ga), gb && fdata(gb), bc);
    return [ga && sumTo(ga, a.shape), gb && sumTo(gb, b.shape)];
  });
  return out;
}

/**
 * a + b with broadcasting; either may be a number.
 * @example add(x, 1); add(x, bias) // bias [H] broadcast over x [B, H]
 */
export function add(a: TensorLike, b: TensorLike): Tensor {
  if (typeof b === 'number' && a instanceof Tensor) return affine(a, 1, b);
  if (typeof a === 'number' && b instanceof Tensor) return affine(b, 1, a);
  return binaryOp('add', asTensor(a, b as Tensor), asTensor(b, a as Tensor));
}

/** a - b with broadcasting; either may be a number. */
export function sub(a: TensorLike, b: TensorLike): Tensor {
  if (typeof b === 'number' && a instanceof Tensor) return affine(a, 1, -b);
  if (typeof a === 'number' && b instanceof Tensor) return affine(b, -1, a);
  return binaryOp('sub', asTensor(a, b as Tensor), asTensor(b, a as Tensor));
}

/** a ⊙ b with broadcasting; either may be a number. */
export function mul(a: TensorLike, b: TensorLike): Tensor {
  if (typeof b === 'number' && a instanceof Tensor) return affine(a, b, 0);
  if (typeof a === 'number' && b instanceof Tensor) return affine(b, a, 0);
  return binaryOp('mul', asTensor(a, b as Tensor), asTensor(b, a as Tensor));
}

/** a / b with broadcasting; either may be a number. */
export function div(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp('div', asTensor(a, b as Tensor), asTensor(b, a as Tensor));
}

/** aᵇ with broadcasting; a number exponent takes the cheaper unary path. */
export function pow(a: Tensor, b: TensorLike): Tensor {
  if (typeof b === 'number') return unaryOp('pow', 'pow', a, b);
  return binaryOp('pow', a, b);
}

/** Elementwise maximum (ties split the gradient). */
export function maximum(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp('maximum', asTensor(a, b as Tensor), asTensor(b, a as Tensor));
}

/** Elementwise minimum (ties split the gradient). */
export function minimum(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp('minimum', asTensor(a, b as Tensor), asTensor(b, a as Tensor));
}

// ---- comparisons (bool results, no gradient) ----------------------------------------------------

function compareOp(op: CompareOp, a: TensorLike, b: TensorLike): Tensor {
  // A number is compared in the other operand's own dtype (ids == 0 stays int32).
  const A = a instanceof Tensor ? a : scalarOf(a, (b as Tensor).dtype);
  const B = b instanceof Tensor ? b : scalarOf(b, A.dtype);
  if (A.dtype !== B.dtype) throw new GlimpseError(`${op}: operands have different dtypes (${A.dtype} and ${B.dtype})`);
  const shape = broadcastShapes(A.shape, B.shape, op);
  const out = empty('bool', shape);
  kernels(A.data).compare(op, A.data, B.data, out.data as Uint8Array, broadcastInfo([A.shape, B.shape], shape));
  return out;
}

function scalarOf(value: number, dtype: Tensor['dtype']): Tensor {
  const t = empty(dtype, []);
  t.data[0] = value;
  return t;
}

/** a == b → bool */
export const eq = (a: TensorLike, b: TensorLike): Tensor => compareOp('eq', a, b);
/** a != b → bool */
export const ne = (a: TensorLike, b: TensorLike): Tensor => compareOp('ne', a, b);
/** a < b → bool */
export const lt = (a: TensorLike, b: TensorLike): Tensor => compareOp('lt', a, b);
/** a ≤ b → bool */
export const le = (a: TensorLike, b: TensorLike): Tensor => compareOp('le', a, b);
/** a > b → bool */
export const gt = (a: TensorLike, b: TensorLike): Tensor => compareOp('gt', a, b);
/** a ≥ b → bool */
export const ge = (a: TensorLike, b: TensorLike): Tensor => compareOp('ge', a, b);

function requireBool(t: Tensor, op: string): void {
  if (t.dtype !== 'bool') throw new GlimpseError(`${op}: expected a bool tensor, got ${t.dtype} of shape ${shapeStr(t.shape)}`);
}

/** Elementwise AND of bool tensors. */
export function logicalAnd(a: Tensor, b: Tensor): Tensor {
  requireBool(a, 'logicalAnd');
  requireBool(b, 'logicalAnd');
  return compareOp('and', a, b);
}

/** Elementwise OR of bool tensors. */
export function logicalOr(a: Tensor, b: Tensor): Tensor {
  requireBool(a, 'logicalOr');
  requireBool(b, 'logicalOr');
  return compareOp('or', a, b);
}

/** Elementwise NOT of a bool tensor. */
export function logicalNot(a: Tensor): Tensor {
  requireBool(a, 'logicalNot');
  return compareOp('eq', a, 0);
}

// ---- selection ----------------------------------------------------------------------------------

/**
 * cond ? a : b elementwise, with broadcasting over all three. Gradients flow to the chosen side.
 * @example where(mask, scores, -Infinity)
 */
export function where(cond: Tensor, a: TensorLike, b: TensorLike): Tensor {
  requireBool(cond, 'where');
  const ta = asTensor(a, b instanceof Tensor ? b : (a as Tensor));
  const tb = asTensor(b, ta);
  requireSameFloat(ta, tb, 'where');
  const shape = broadcastShapes(broadcastShapes(cond.shape, ta.shape, 'where'), tb.shape, 'where');
  const bc = broadcastInfo([cond.shape, ta.shape, tb.shape], shape);
  const out = empty(ta.dtype, shape);
  const k = kernels(ta.data);
  k.where(cond.data as Uint8Array, ta.data, tb.data, out.data, bc);
  record('where', [ta, tb], [out], ([g]) => {
    // Route g to the side each element came from: cond ? g : 0 and cond ? 0 : g.
    const zero = empty(ta.dtype, []);
    const condStrides = broadcastStrides(cond.shape, shape);
    const unit = stridesOf(shape);
    const none = new Array<number>(shape.length).fill(0);
    const pick = (first: boolean): Tensor => {
      const r = empty(ta.dtype, shape);
      k.where(cond.data as Uint8Array, first ? g!.data : zero.data, first ? zero.data : g!.data, r.data, {
        shape, strides: [condStrides, first ? unit : none, first ? none : unit],
      });
      return r;
    };
    return [ta.requiresGrad ? sumTo(pick(true), ta.shape) : null, tb.requiresGrad ? sumTo(pick(false), tb.shape) : null];
  });
  return out;
}

/**
 * x with `value` wherever mask is true (mask broadcasts against x).
 * @example maskedFill(scores, padMask, -Infinity)
 */
export function maskedFill(x: Tensor, mask: Tensor, value: number): Tensor {
  requireBool(mask, 'maskedFill');
  const shape = broadcastShapes(x.shape, mask.shape, 'maskedFill');
  if (shape.length !== x.shape.length || shape.some((d, i) => d !== x.shape[i])) {
    throw new GlimpseError(`maskedFill: mask ${shapeStr(mask.shape)} must broadcast to the input's shape ${shapeStr(x.shape)}`);
  }
  return where(mask, value, x);
}

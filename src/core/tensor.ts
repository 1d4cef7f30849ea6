import type { AnyArray, FloatArray } from '../backend/backend.js';
import { GlimpseError, check } from '../util/errors.js';
import { shapeStr, sizeOf, validateShape } from '../util/shape.js';
import { type DType, dtypeOf, isFloat } from './dtype.js';
import { type GradNode, runBackward } from './grad.js';

/** Nested arrays of numbers (or booleans for masks), as `toArray()` returns them. */
export type NestedArray = number | boolean | NestedArray[];

/**
 * An n-dimensional array with reverse-mode autodiff. Data are always dense and row-major;
 * tensors are ordinary garbage-collected objects (nothing to dispose).
 *
 * Tensors are created with {@link tensor}, {@link zeros}, {@link randn}, … and combined with
 * the functions in `ops` (`add`, `matmul`, `softmax`, …). Views and copies: `reshape`,
 * `flatten`, `squeeze`, `unsqueeze` and `detach` share this tensor's data; `transpose`,
 * `permute`, `expand` and every computing op return new data.
 *
 * @example
 * const w = tensor([[1, 2], [3, 4]], { requiresGrad: true });
 * const loss = sum(mul(w, w));
 * loss.backward();
 * w.grad?.toArray(); // [[2, 4], [6, 8]]
 */
export class Tensor {
  readonly data: AnyArray;
  readonly shape: readonly number[];
  readonly dtype: DType;
  /** The gradient accumulated by `backward()` (leaves only); `null` until then. */
  grad: Tensor | null = null;
  /** @internal The operation that produced this tensor, for backward. */
  gradNode: GradNode | null = null;
  /** @internal Which output of `gradNode` this tensor is. */
  outputIndex = 0;
  private _requiresGrad = false;

  constructor(data: AnyArray, shape: readonly number[], requiresGrad = false) {
    validateShape(shape, 'Tensor');
    check(data.length === sizeOf(shape), () => `Tensor: ${data.length} values do not fill shape ${shapeStr(shape)} (${sizeOf(shape)} elements)`);
    this.data = data;
    this.shape = Object.freeze([...shape]);
    this.dtype = dtypeOf(data);
    if (requiresGrad) this.requiresGrad = true;
  }

  /** Whether gradients flow to (and, for a leaf, accumulate in) this tensor. */
  get requiresGrad(): boolean {
    return this._requiresGrad;
  }

  set requiresGrad(flag: boolean) {
    if (flag && !isFloat(this.dtype)) {
      throw new GlimpseError(`requiresGrad: only float tensors can require gradients, this one is ${this.dtype}`);
    }
    if (!flag && this.gradNode) {
      throw new GlimpseError('requiresGrad: cannot turn gradients off for a result of an operation; use detach()');
    }
    this._requiresGrad = flag;
  }

  /** Number of elements. */
  get size(): number {
    return this.data.length;
  }

  /** Number of dimensions. */
  get ndim(): number {
    return this.shape.length;
  }

  /** True for tensors not produced by a recorded operation (parameters, inputs). */
  get isLeaf(): boolean {
    return this.gradNode === null;
  }

  /** The float data, checked: throws naming `op` when the tensor is not float. */
  floatData(op = 'floatData'): FloatArray {
    if (!isFloat(this.dtype)) throw new GlimpseError(`${op}: expected a float tensor, got ${this.dtype} of shape ${shapeStr(this.shape)}`);
    return this.data as FloatArray;
  }

  /** The single value of a one-element tensor. */
  item(): number {
    check(this.size === 1, () => `item: only a one-element tensor has an item, this one has shape ${shapeStr(this.shape)}`);
    return Number(this.data[0]);
  }

  /** The values as nested arrays (booleans for `bool`). */
  toArray(): NestedArray {
    const d = this.data;
    const asBool = this.dtype === 'bool';
    const read = (i: number): number | boolean => (asBool ? d[i] !== 0 : Number(d[i]));
    if (this.shape.length === 0) return read(0);
    const build = (dim: number, offset: number): NestedArray[] => {
      const n = this.shape[dim]!;
      const stride = sizeOf(this.shape.slice(dim + 1));
      const out: NestedArray[] = new Array(n);
      for (let i = 0; i < n; i++) {
        out[i] = dim === this.shape.length - 1 ? read(offset + i) : build(dim + 1, offset + i * stride);
      }
      return out;
    };
    return build(0, 0);
  }

  /**
   * Back-propagates from this tensor: every leaf that requires grad receives ∂this/∂leaf in
   * `.grad` (added to what is there). A non-scalar output needs `grad`, the gradient flowing
   * into it. The graph is freed afterwards unless `retainGraph` is set.
   */
  backward(grad?: Tensor, options: { retainGraph?: boolean } = {}): void {
    runBackward(this, grad, options.retainGraph ?? false);
  }

  /** A tensor sharing this one's data, cut from the graph (no gradient flows through it). */
  detach(): Tensor {
    return new Tensor(this.data, this.shape);
  }

  /** Clears `.grad`. */
  zeroGrad(): void {
    this.grad = null;
  }

  toString(): string {
    const body = this.size > 64 ? `${this.size} values` : JSON.stringify(this.toArray());
    return `Tensor(${this.dtype} ${shapeStr(this.shape)}${this.requiresGrad ? ', requiresGrad' : ''}: ${body})`;
  }
}

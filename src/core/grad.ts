import { kernelsFor } from '../backend/registry.js';
import type { FloatArray } from '../backend/backend.js';
import { GlimpseError } from '../util/errors.js';
import { sameShape, shapeStr } from '../util/shape.js';
import { Tensor } from './tensor.js';

/**
 * Computes the gradients of an operation's inputs from the gradients of its outputs. An
 * output nobody used gets `null`. Return one entry per input (null/undefined: no gradient).
 */
export type BackwardFn = (grads: readonly (Tensor | null)[]) => readonly (Tensor | null | undefined)[];

/** One recorded operation on the tape. */
export class GradNode {
  constructor(
    readonly op: string,
    /** Inputs that require grad; null where an input does not. Emptied when the graph is freed. */
    public inputs: (Tensor | null)[],
    public backwardFn: BackwardFn | null,
    readonly nOutputs: number,
  ) {}

  get freed(): boolean {
    return this.backwardFn === null;
  }
}

let gradEnabled = true;

/** Whether operations are being recorded for backward. */
export function isGradEnabled(): boolean {
  return gradEnabled;
}

/**
 * Runs `fn` without recording operations (inference, parameter updates).
 *
 * @example
 * const y = noGrad(() => model.forward(x)); // y.requiresGrad === false
 */
export function noGrad<T>(fn: () => T): T {
  const prev = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = prev;
  }
}

/** Runs `fn` with recording on (inside a `noGrad` block). */
export function enableGrad<T>(fn: () => T): T {
  const prev = gradEnabled;
  gradEnabled = true;
  try {
    return fn();
  } finally {
    gradEnabled = prev;
  }
}

/**
 * Records `op` on the tape when grad mode is on and some input requires grad; marks the
 * outputs as requiring grad. Ops call this after computing their forward.
 */
export function record(op: string, inputs: readonly Tensor[], outputs: readonly Tensor[], backwardFn: BackwardFn): void {
  if (!gradEnabled) return;
  let any = false;
  for (const t of inputs) if (t.requiresGrad) any = true;
  if (!any) return;
  const node = new GradNode(op, inputs.map((t) => (t.requiresGrad ? t : null)), backwardFn, outputs.length);
  outputs.forEach((t, i) => {
    t.gradNode = node;
    t.outputIndex = i;
    t.requiresGrad = true;
  });
}

/** The running gradient sums of the backward pass in progress (see {@link gradSink}). */
interface BackwardRun {
  pending: Map<GradNode, (Tensor | null)[]>;
  /** Sums the engine created and may add to in place; a sum leaves the set when it is handed on. */
  owned: Set<Tensor>;
}

let activeRun: BackwardRun | null = null;

/**
 * Sums gradients arriving at one output slot. A gradient handed over by a backward function may
 * share its data with another tensor (add passes its input gradient through, reshape is a
 * view), so the first sum goes into a new buffer the engine owns; later ones add in place.
 */
function accumulate(prev: Tensor, g: Tensor, owned: Set<Tensor>): Tensor {
  if (owned.has(prev)) {
    kernelsFor(prev.data as FloatArray).axpy(1, g.data as FloatArray, prev.data as FloatArray);
    return prev;
  }
  const out = (prev.data as FloatArray).slice();
  kernelsFor(out).axpy(1, g.data as FloatArray, out);
  const sum = new Tensor(out, prev.shape);
  owned.add(sum);
  return sum;
}

/** Nodes reachable from `root`, inputs before the nodes that consume them (iterative DFS). */
function topoOrder(root: GradNode): GradNode[] {
  const order: GradNode[] = [];
  const visited = new Set<GradNode>([root]);
  const stack: [GradNode, number][] = [[root, 0]];
  while (stack.length) {
    const top = stack[stack.length - 1]!;
    const [node, i] = top;
    if (i < node.inputs.length) {
      top[1] = i + 1;
      const child = node.inputs[i]?.gradNode;
      if (child && !visited.has(child)) {
        visited.add(child);
        stack.push([child, 0]);
      }
    } else {
      stack.pop();
      order.push(node);
    }
  }
  return order;
}

/**
 * The `.grad` buffer of a leaf that requires grad (created as zeros when absent), for a
 * backward function to accumulate into directly; null for anything else. A weight used at
 * every step of an unrolled decoder then costs no gradient buffer per step. The op returns
 * null for that input: its gradient is already in place.
 */
export function leafGradBuffer(t: Tensor): FloatArray | null {
  if (!t.requiresGrad || t.gradNode) return null;
  if (!t.grad) t.grad = new Tensor(t.dtype === 'float64' ? new Float64Array(t.size) : new Float32Array(t.size), t.shape);
  return t.grad.data as FloatArray;
}

/**
 * Inside a backward function: the buffer that sums the gradient of input `t` (a leaf's `.grad`,
 * or the engine's running sum for an intermediate tensor), for the function to put its
 * contribution there itself and return null for that input. A tensor read at every step of an
 * unrolled loop (encoder memory, the embedded target sequence) then sums its gradients in one
 * buffer instead of one new tensor and one addition per step.
 * - `add`: the buffer to add into (zeros when nothing arrived yet).
 * - `write`: a zero buffer the caller overwrites, only while nothing has arrived yet; null
 *   otherwise (the caller then returns its gradient as usual).
 * Null when `t` needs no gradient or no backward pass is running.
 */
export function gradSink(t: Tensor, mode: 'add' | 'write'): FloatArray | null {
  if (!t.requiresGrad) return null;
  const node = t.gradNode;
  if (!node) return mode === 'add' || t.grad === null ? leafGradBuffer(t) : null;
  const run = activeRun;
  if (!run) return null;
  let slots = run.pending.get(node);
  if (!slots) {
    slots = new Array<Tensor | null>(node.nOutputs).fill(null);
    run.pending.set(node, slots);
  }
  const prev = slots[t.outputIndex];
  if (prev && mode === 'write') return null;
  if (prev && run.owned.has(prev)) return prev.data as FloatArray;
  const data = prev ? (prev.data as FloatArray).slice() : t.dtype === 'float64' ? new Float64Array(t.size) : new Float32Array(t.size);
  const sum = new Tensor(data, t.shape);
  run.owned.add(sum);
  slots[t.outputIndex] = sum;
  return data;
}

function accumulateLeaf(leaf: Tensor, g: Tensor): void {
  if (leaf.grad === null) {
    leaf.grad = new Tensor((g.data as FloatArray).slice(), leaf.shape);
  } else {
    kernelsFor(leaf.grad.data as FloatArray).axpy(1, g.data as FloatArray, leaf.grad.data as FloatArray);
  }
}

export function runBackward(root: Tensor, grad: Tensor | undefined, retainGraph: boolean): void {
  if (!root.requiresGrad) {
    throw new GlimpseError('backward: this tensor does not require grad (no input of its graph has requiresGrad = true)');
  }
  let g: Tensor;
  if (grad === undefined) {
    if (root.size !== 1) {
      throw new GlimpseError(
        `backward: the output has shape ${shapeStr(root.shape)}; backward() without a gradient needs a one-element output ` +
          '(reduce it first, e.g. with sum or mean), or pass the gradient of the output',
      );
    }
    const one = root.dtype === 'float64' ? new Float64Array(1) : new Float32Array(1);
    one[0] = 1;
    g = new Tensor(one, root.shape);
  } else {
    if (!sameShape(grad.shape, root.shape) || grad.dtype !== root.dtype) {
      throw new GlimpseError(
        `backward: the gradient has shape ${shapeStr(grad.shape)} (${grad.dtype}) but the output has shape ${shapeStr(root.shape)} (${root.dtype})`,
      );
    }
    g = grad;
  }
  const rootNode = root.gradNode;
  if (!rootNode) {
    accumulateLeaf(root, g);
    return;
  }
  const order = topoOrder(rootNode);
  for (const node of order) {
    if (node.freed) {
      throw new GlimpseError(
        `backward: the graph through '${node.op}' was already freed by an earlier backward(); ` +
          'pass { retainGraph: true } to the first backward() to call it twice',
      );
    }
  }
  const pending = new Map<GradNode, (Tensor | null)[]>();
  const owned = new Set<Tensor>();
  pending.set(rootNode, Array.from({ length: rootNode.nOutputs }, (_, i) => (i === root.outputIndex ? g : null)));
  const outer = activeRun;
  activeRun = { pending, owned };
  try {
    noGrad(() => {
      for (let k = order.length - 1; k >= 0; k--) {
        const node = order[k]!;
        const outGrads = pending.get(node);
        pending.delete(node);
        if (outGrads && outGrads.some((x) => x !== null)) {
          // Handed on: a backward function may pass a gradient through to an input (add, views),
          // so the engine must not add to these buffers in place any more.
          for (const x of outGrads) if (x) owned.delete(x);
          const inGrads = node.backwardFn!(outGrads);
          node.inputs.forEach((input, i) => {
            const gi = inGrads[i];
            if (!input || !gi) return;
            if (!sameShape(gi.shape, input.shape)) {
              throw new GlimpseError(`internal: backward of '${node.op}' gave a gradient of shape ${shapeStr(gi.shape)} for an input of shape ${shapeStr(input.shape)}`);
            }
            const parent = input.gradNode;
            if (!parent) {
              accumulateLeaf(input, gi);
              return;
            }
            let slots = pending.get(parent);
            if (!slots) {
              slots = new Array<Tensor | null>(parent.nOutputs).fill(null);
              pending.set(parent, slots);
            }
            const prev = slots[input.outputIndex];
            slots[input.outputIndex] = prev ? accumulate(prev, gi, owned) : gi;
          });
        }
        if (!retainGraph) {
          // Release what the closure saved: the finished graph's memory can be collected.
          node.backwardFn = null;
          node.inputs = [];
        }
      }
    });
  } finally {
    activeRun = outer;
  }
}

import { isFloat } from '../core/dtype.js';
import { Tensor } from '../core/tensor.js';
import { type ConfigSpec, resolveConfig } from '../nn/config.js';
import { GlimpseError } from '../util/errors.js';
import { sameShape, shapeStr } from '../util/shape.js';

/** Hyper-parameters every optimizer has: the learning rate (schedules change it). */
export interface BaseHyper {
  lr: number;
}

/** A group of parameters sharing hyper-parameters (e.g. no weight decay on biases). */
export type ParamGroup<H extends BaseHyper> = H & { params: Tensor[] };

/** How a caller describes a group: its parameters and the hyper-parameters it overrides. */
export type ParamGroupSpec<H extends BaseHyper> = Partial<H> & { params: Iterable<Tensor> };

/** Per-parameter state: the step count and named buffers (PyTorch's names, e.g. `exp_avg`). */
export interface ParamState {
  step: number;
  buffers: Record<string, Tensor>;
}

/**
 * Everything needed to resume an optimizer exactly. JSON-safe except `tensors`, which go to a
 * safetensors file; parameters are referred to by their index in group order.
 */
export interface OptimizerStateDict {
  /** The class that wrote it ('SGD', 'Adam', 'AdamW'); loading into another is an error. */
  kind: string;
  /** Each group's hyper-parameters and the indices of its parameters. */
  paramGroups: (Record<string, number | boolean | number[]> & { params: number[] })[];
  /** Step count by parameter index (parameters not stepped yet are absent). */
  steps: Record<string, number>;
  /** Buffers by `<parameter index>.<name>`, e.g. `0.exp_avg`. */
  tensors: Record<string, Tensor>;
}

/**
 * The base of SGD, Adam and AdamW: parameter groups, per-parameter state, zeroGrad and an
 * exact state dict. Subclasses implement `update` for one parameter.
 *
 * @example
 * const opt = new AdamW([
 *   { params: weights },                  // the defaults below
 *   { params: biases, weightDecay: 0 },   // a group with its own hyper-parameters
 * ], { lr: 1e-3, weightDecay: 0.01 });
 * opt.paramGroups[1].lr;                  // 1e-3 (schedules change it)
 * const state = opt.stateDict();          // { kind, paramGroups, steps, tensors }
 */
export abstract class Optimizer<H extends BaseHyper> {
  readonly paramGroups: ParamGroup<H>[];
  protected readonly state = new Map<Tensor, ParamState>();

  protected constructor(
    readonly kind: string,
    params: Iterable<Tensor> | readonly ParamGroupSpec<H>[],
    config: Partial<H>,
    private readonly spec: ConfigSpec<H>,
  ) {
    const defaults = resolveConfig<H>(kind, config, spec);
    const list = [...(params as Iterable<Tensor | ParamGroupSpec<H>>)];
    const specs: ParamGroupSpec<H>[] = list.every((p) => p instanceof Tensor)
      ? [{ params: list as Tensor[] } as unknown as ParamGroupSpec<H>]
      : (list as ParamGroupSpec<H>[]);
    const seen = new Set<Tensor>();
    this.paramGroups = specs.map((g, gi) => {
      if (g === null || typeof g !== 'object' || !g.params) throw new GlimpseError(`${kind}: group ${gi} must be { params, ...hyper-parameters }`);
      const { params: ps, ...over } = g;
      const hyper = resolveConfig<H>(kind, { ...defaults, ...over }, spec);
      const tensors = [...ps];
      for (const [i, t] of tensors.entries()) {
        if (!(t instanceof Tensor) || !isFloat(t.dtype) || !t.isLeaf) throw new GlimpseError(`${kind}: parameter ${i} of group ${gi} is not a float leaf tensor`);
        if (seen.has(t)) throw new GlimpseError(`${kind}: parameter ${i} of group ${gi} appears in more than one place`);
        seen.add(t);
      }
      return { ...hyper, params: tensors } as ParamGroup<H>;
    });
    if (seen.size === 0) throw new GlimpseError(`${kind}: got no parameters to optimise`);
  }

  /** One update of every parameter that has a gradient (others are skipped, as PyTorch). */
  step(): void {
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        if (!p.grad) continue;
        let st = this.state.get(p);
        if (!st) {
          st = { step: 0, buffers: {} };
          this.state.set(p, st);
        }
        this.update(p, p.grad.data as Float32Array | Float64Array, st, group);
      }
    }
  }

  /** Updates `p` in place from its gradient `g`; `st` is its state, created empty. */
  protected abstract update(p: Tensor, g: Float32Array | Float64Array, st: ParamState, hyper: H): void;

  /** The buffers a parameter has after its first update under `hyper` (loadStateDict requires exactly these). */
  protected abstract buffersFor(hyper: H): readonly string[];

  /** Clears every parameter's gradient. */
  zeroGrad(): void {
    for (const g of this.paramGroups) for (const p of g.params) p.grad = null;
  }

  /** The state of one parameter (undefined before its first update). Read-only view. */
  stateOf(param: Tensor): Readonly<ParamState> | undefined {
    return this.state.get(param);
  }

  /** A new zero buffer shaped like `p`. */
  protected zerosLike(p: Tensor): Tensor {
    return new Tensor(p.dtype === 'float64' ? new Float64Array(p.size) : new Float32Array(p.size), p.shape);
  }

  private allParams(): Tensor[] {
    return this.paramGroups.flatMap((g) => g.params);
  }

  /** A copy of the state, for a checkpoint (see {@link OptimizerStateDict}). */
  stateDict(): OptimizerStateDict {
    const steps: Record<string, number> = {};
    const tensors: Record<string, Tensor> = {};
    this.allParams().forEach((p, i) => {
      const st = this.state.get(p);
      if (!st) return;
      steps[i] = st.step;
      for (const [name, b] of Object.entries(st.buffers)) tensors[`${i}.${name}`] = new Tensor(b.data.slice(), b.shape);
    });
    let next = 0;
    const paramGroups = this.paramGroups.map(({ params, ...hyper }) => {
      const copy = JSON.parse(JSON.stringify(hyper)) as Record<string, number | boolean | number[]>;
      return { ...copy, params: params.map(() => next++) };
    });
    return { kind: this.kind, paramGroups, steps, tensors };
  }

  /**
   * Restores a state from {@link stateDict} onto this optimizer's parameters (same groups, same
   * order, same shapes). Checks everything before changing anything.
   */
  loadStateDict(dict: OptimizerStateDict): void {
    const k = this.kind;
    if (dict?.kind !== k) throw new GlimpseError(`${k}.loadStateDict: the state was written by ${String(dict?.kind)}, not ${k}`);
    if (!Array.isArray(dict.paramGroups) || dict.paramGroups.length !== this.paramGroups.length) {
      throw new GlimpseError(`${k}.loadStateDict: the state has ${dict.paramGroups?.length} parameter groups, this optimizer ${this.paramGroups.length}`);
    }
    const hypers = dict.paramGroups.map((g, gi) => {
      const { params, ...hyper } = g;
      if (!Array.isArray(params) || params.length !== this.paramGroups[gi]!.params.length) {
        throw new GlimpseError(`${k}.loadStateDict: group ${gi} has ${params?.length} parameters in the state, ${this.paramGroups[gi]!.params.length} here`);
      }
      return resolveConfig<H>(k, hyper, this.spec);
    });
    const params = this.allParams();
    const states = new Map<Tensor, ParamState>();
    for (const [key, step] of Object.entries(dict.steps ?? {})) {
      const p = params[Number(key)];
      if (!p || !Number.isInteger(step) || step < 0) throw new GlimpseError(`${k}.loadStateDict: bad step entry ${key}: ${step}`);
      states.set(p, { step, buffers: {} });
    }
    for (const [key, t] of Object.entries(dict.tensors ?? {})) {
      const dot = key.indexOf('.');
      const p = params[Number(key.slice(0, dot))];
      const st = p ? states.get(p) : undefined;
      if (dot < 0 || !p || !st) throw new GlimpseError(`${k}.loadStateDict: tensor "${key}" names no parameter with a step count`);
      if (!(t instanceof Tensor) || !sameShape(t.shape, p.shape) || !isFloat(t.dtype)) {
        throw new GlimpseError(`${k}.loadStateDict: "${key}" must be a float tensor of shape ${shapeStr(p.shape)}, got ${t instanceof Tensor ? shapeStr(t.shape) : typeof t}`);
      }
      const buf = this.zerosLike(p);
      buf.data.set(t.data);
      st.buffers[key.slice(dot + 1)] = buf;
    }
    // A parameter that has stepped must have exactly its buffers: without its moments (or with
    // another optimizer setting's) the run would go on, but not as it would have.
    let index = 0;
    this.paramGroups.forEach((g, gi) => {
      const want = this.buffersFor(hypers[gi]!);
      for (const p of g.params) {
        const i = index++;
        const st = states.get(p);
        if (!st || st.step === 0) continue;
        const missing = want.filter((name) => !Object.hasOwn(st.buffers, name));
        const extra = Object.keys(st.buffers).filter((name) => !want.includes(name));
        if (missing.length) throw new GlimpseError(`${k}.loadStateDict: parameter ${i} has taken ${st.step} steps but its ${missing.length === 1 ? 'buffer' : 'buffers'} ${missing.map((m) => `"${i}.${m}"`).join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing; without ${missing.length === 1 ? 'it' : 'them'} the optimizer would not continue exactly`);
        if (extra.length) throw new GlimpseError(`${k}.loadStateDict: parameter ${i} has a ${extra.map((m) => `"${i}.${m}"`).join(', ')} buffer that ${k} with these settings does not keep (expected ${want.length ? want.join(', ') : 'none'})`);
      }
    });
    this.paramGroups.forEach((g, gi) => Object.assign(g, hypers[gi]));
    this.state.clear();
    for (const [p, st] of states) this.state.set(p, st);
  }
}

import { isFloat } from '../core/dtype.js';
import { Tensor } from '../core/tensor.js';
import { GlimpseError } from '../util/errors.js';
import { sameShape, shapeStr } from '../util/shape.js';

/** Tensors by flat, dot-joined name (`encoder.weight_ih_l0_reverse`), as PyTorch's state_dict. */
export type StateDict = Record<string, Tensor>;

export interface LoadStateDictOptions {
  /**
   * When true (default), keys the module lacks (unexpected) and keys the dict lacks (missing)
   * are errors. When false they are only reported. Shape mismatches are always errors.
   */
  strict?: boolean;
}

/** What {@link Module.loadStateDict} did not match (empty lists on a perfect match). */
export interface LoadStateDictResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

interface BufferEntry {
  tensor: Tensor;
  persistent: boolean;
}

function checkName(owner: Module, name: string, kind: string): void {
  if (typeof name !== 'string' || name === '' || name.includes('.')) {
    throw new GlimpseError(`${owner.constructor.name}: ${kind} name must be a non-empty string without dots, got "${String(name)}"`);
  }
}

/**
 * The base of every layer: registered parameters (tensors that require grad), buffers and
 * child modules, named as PyTorch names them, so a state dict moves between glimpse and
 * PyTorch unchanged. A subclass registers what it owns in its constructor and adds a
 * `forward` of its own signature.
 *
 * Parameters live in the registry; subclasses read them through it (e.g. a `weight` getter),
 * so replacing one with {@link setParameter} (weight tying) is seen everywhere.
 *
 * @example
 * class TwoLayer extends Module {
 *   readonly fc1 = this.registerModule('fc1', new Linear({ inFeatures: 4, outFeatures: 8 }));
 *   readonly fc2 = this.registerModule('fc2', new Linear({ inFeatures: 8, outFeatures: 2 }));
 *   forward(x: Tensor): Tensor {
 *     return this.fc2.forward(relu(this.fc1.forward(x)));
 *   }
 * }
 * const net = new TwoLayer();
 * Object.keys(net.stateDict()); // ['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']
 * net.numParameters();          // 58
 */
export class Module {
  private readonly ownParameters = new Map<string, Tensor>();
  private readonly ownBuffers = new Map<string, BufferEntry>();
  private readonly childModules = new Map<string, Module>();
  private isTraining = true;

  /** True in training mode (dropout active), false after {@link eval}. */
  get training(): boolean {
    return this.isTraining;
  }

  /** Registers `tensor` as parameter `name` (it is made to require grad) and returns it. */
  protected registerParameter(name: string, tensor: Tensor): Tensor {
    checkName(this, name, 'parameter');
    this.assertFree(name);
    this.ownParameters.set(name, this.asParameter(name, tensor));
    return tensor;
  }

  /**
   * Registers a buffer: state that is not trained (running statistics, a fixed table).
   * Persistent buffers are part of the state dict; others are rebuilt by the constructor.
   */
  protected registerBuffer(name: string, tensor: Tensor, options: { persistent?: boolean } = {}): Tensor {
    checkName(this, name, 'buffer');
    this.assertFree(name);
    this.ownBuffers.set(name, { tensor, persistent: options.persistent ?? true });
    return tensor;
  }

  /** Registers a child module; its names are prefixed with `name.`. Returns the child. */
  protected registerModule<M extends Module>(name: string, module: M): M {
    checkName(this, name, 'module');
    this.assertFree(name);
    if (!(module instanceof Module)) throw new GlimpseError(`${this.constructor.name}: registerModule("${name}") needs a Module`);
    this.childModules.set(name, module);
    return module;
  }

  private assertFree(name: string): void {
    if (this.ownParameters.has(name) || this.ownBuffers.has(name) || this.childModules.has(name)) {
      throw new GlimpseError(`${this.constructor.name}: "${name}" is already registered`);
    }
  }

  private asParameter(name: string, tensor: Tensor): Tensor {
    if (!(tensor instanceof Tensor) || !isFloat(tensor.dtype) || !tensor.isLeaf) {
      throw new GlimpseError(`${this.constructor.name}: parameter "${name}" must be a float leaf tensor`);
    }
    tensor.requiresGrad = true;
    return tensor;
  }

  /** Follows a dotted path to the module that owns its last part. */
  private owner(path: string): [Module, string] {
    const parts = path.split('.');
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the walk starts at this module
    let m: Module = this;
    for (const p of parts.slice(0, -1)) {
      const child = m.childModules.get(p);
      if (!child) throw new GlimpseError(`${this.constructor.name}: no submodule "${p}" on the path "${path}"`);
      m = child;
    }
    return [m, parts[parts.length - 1]!];
  }

  /**
   * The parameter at a dotted name, e.g. `parameter('encoder.weight_ih_l0')`.
   * @throws GlimpseError when there is none.
   */
  parameter(name: string): Tensor {
    const [m, leaf] = this.owner(name);
    const t = m.ownParameters.get(leaf);
    if (!t) throw new GlimpseError(`${this.constructor.name}: no parameter "${name}" (parameters: ${this.namedParameters().map(([n]) => n).join(', ')})`);
    return t;
  }

  /** The parameter at a dotted name, or null when there is none (optional biases). */
  protected optionalParameter(name: string): Tensor | null {
    return this.ownParameters.get(name) ?? null;
  }

  /** The buffer at a dotted name. */
  buffer(name: string): Tensor {
    const [m, leaf] = this.owner(name);
    const b = m.ownBuffers.get(leaf);
    if (!b) throw new GlimpseError(`${this.constructor.name}: no buffer "${name}"`);
    return b.tensor;
  }

  /**
   * Replaces the parameter at a dotted name with `tensor` of the same shape and dtype, e.g. to
   * tie an output projection to an embedding: `lm.setParameter('out.weight', lm.emb.weight)`.
   */
  setParameter(name: string, tensor: Tensor): void {
    const old = this.parameter(name);
    if (!sameShape(old.shape, tensor.shape) || old.dtype !== tensor.dtype) {
      throw new GlimpseError(
        `${this.constructor.name}.setParameter: "${name}" is ${old.dtype} ${shapeStr(old.shape)}, got ${tensor.dtype} ${shapeStr(tensor.shape)}`,
      );
    }
    const [m, leaf] = this.owner(name);
    m.ownParameters.set(leaf, m.asParameter(leaf, tensor));
  }

  /** Direct children by name, in registration order. */
  namedChildren(): [string, Module][] {
    return [...this.childModules];
  }

  /** This module (name '') and every descendant, depth first, with dotted names. */
  namedModules(prefix = ''): [string, Module][] {
    const out: [string, Module][] = [[prefix, this]];
    for (const [name, child] of this.childModules) out.push(...child.namedModules(prefix ? `${prefix}.${name}` : name));
    return out;
  }

  /** Every parameter with its dotted name; a tensor registered twice (tied) is listed once. */
  namedParameters(): [string, Tensor][] {
    const seen = new Set<Tensor>();
    return this.allParameters().filter(([, t]) => (seen.has(t) ? false : (seen.add(t), true)));
  }

  private allParameters(): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [prefix, m] of this.namedModules()) {
      for (const [name, t] of m.ownParameters) out.push([prefix ? `${prefix}.${name}` : name, t]);
    }
    return out;
  }

  /** The parameters to give an optimizer (each tensor once). */
  parameters(): Tensor[] {
    return this.namedParameters().map(([, t]) => t);
  }

  /** Every buffer with its dotted name (persistent or not). */
  namedBuffers(): [string, Tensor][] {
    return this.bufferEntries().map(([n, b]) => [n, b.tensor]);
  }

  private bufferEntries(): [string, BufferEntry][] {
    const out: [string, BufferEntry][] = [];
    for (const [prefix, m] of this.namedModules()) {
      for (const [name, b] of m.ownBuffers) out.push([prefix ? `${prefix}.${name}` : name, b]);
    }
    return out;
  }

  /** Number of trainable values (each tied tensor counted once). */
  numParameters(): number {
    return this.parameters().reduce((n, t) => n + t.size, 0);
  }

  /** Sets training mode here and in every descendant; returns this. */
  train(mode = true): this {
    for (const [, m] of this.namedModules()) m.isTraining = mode;
    return this;
  }

  /** Evaluation mode (dropout off); returns this. */
  eval(): this {
    return this.train(false);
  }

  /** Clears the gradient of every parameter. */
  zeroGrad(): void {
    for (const t of this.parameters()) t.grad = null;
  }

  /**
   * A snapshot of the parameters and persistent buffers by dotted name (copies: later
   * training does not change it). Tied tensors appear under each of their names, as in PyTorch.
   */
  stateDict(): StateDict {
    const out: StateDict = {};
    for (const [name, t] of this.allParameters()) out[name] = new Tensor(t.data.slice(), t.shape);
    for (const [name, b] of this.bufferEntries()) if (b.persistent) out[name] = new Tensor(b.tensor.data.slice(), b.tensor.shape);
    return out;
  }

  /**
   * Copies values from `dict` into the parameters and persistent buffers of the same names.
   * Everything is checked first: with any shape or dtype mismatch (or, when strict, any
   * missing or unexpected key) it throws a GlimpseError listing every problem by name, and
   * nothing is loaded. Float values convert between float32 and float64.
   *
   * @example
   * const lstm = new LSTM({ inputSize: 3, hiddenSize: 5 });
   * lstm.loadStateDict(torchStateDict);            // strict: names must match exactly
   * lstm.loadStateDict(partial, { strict: false }); // → { missingKeys, unexpectedKeys }
   */
  loadStateDict(dict: StateDict, options: LoadStateDictOptions = {}): LoadStateDictResult {
    const strict = options.strict ?? true;
    const targets = new Map<string, Tensor>(this.allParameters());
    for (const [name, b] of this.bufferEntries()) if (b.persistent) targets.set(name, b.tensor);
    const unexpectedKeys: string[] = [];
    const mismatches: string[] = [];
    const pairs: [Tensor, Tensor][] = [];
    for (const [name, src] of Object.entries(dict)) {
      const dst = targets.get(name);
      if (!dst) {
        unexpectedKeys.push(name);
        continue;
      }
      if (!(src instanceof Tensor)) {
        mismatches.push(`${name}: expected a Tensor, got ${typeof src}`);
      } else if (!sameShape(src.shape, dst.shape)) {
        mismatches.push(`${name}: module has ${shapeStr(dst.shape)}, state dict has ${shapeStr(src.shape)}`);
      } else if (src.dtype !== dst.dtype && !(isFloat(src.dtype) && isFloat(dst.dtype))) {
        mismatches.push(`${name}: module has ${dst.dtype}, state dict has ${src.dtype}`);
      } else {
        pairs.push([dst, src]);
      }
    }
    const missingKeys = [...targets.keys()].filter((n) => !(n in dict));
    const problems: string[] = [];
    if (strict && missingKeys.length) problems.push(`missing keys: ${missingKeys.join(', ')}`);
    if (strict && unexpectedKeys.length) problems.push(`unexpected keys: ${unexpectedKeys.join(', ')}`);
    if (mismatches.length) problems.push(...mismatches.map((m) => `mismatch: ${m}`));
    if (problems.length) {
      throw new GlimpseError(
        // One line (command lines print one): every problem, separated by semicolons.
        `${this.constructor.name}.loadStateDict: nothing was loaded; the state dict does not fit this module ` +
          `(${problems.length} problem${problems.length > 1 ? 's' : ''}): ${problems.join('; ')}`,
      );
    }
    for (const [dst, src] of pairs) dst.data.set(src.data);
    return { missingKeys, unexpectedKeys };
  }

  /** One line per parameter and buffer: dotted name, shape, dtype; and the total count. */
  summary(): string {
    const lines = this.allParameters().map(([n, t]) => `${n} ${shapeStr(t.shape)} ${t.dtype}`);
    for (const [n, b] of this.bufferEntries()) lines.push(`${n} ${shapeStr(b.tensor.shape)} ${b.tensor.dtype} (buffer${b.persistent ? '' : ', not saved'})`);
    lines.push(`${this.constructor.name}: ${this.numParameters()} parameters`);
    return lines.join('\n');
  }
}

/**
 * An indexed list of modules, named `0`, `1`, … in the state dict (as PyTorch's ModuleList).
 *
 * @example
 * const layers = new ModuleList([new Linear({ inFeatures: 4, outFeatures: 4 }), new Linear({ inFeatures: 4, outFeatures: 4 })]);
 * Object.keys(layers.stateDict()); // ['0.weight', '0.bias', '1.weight', '1.bias']
 */
export class ModuleList<M extends Module = Module> extends Module implements Iterable<M> {
  private readonly items: M[] = [];

  constructor(modules: Iterable<M> = []) {
    super();
    for (const m of modules) this.push(m);
  }

  /** Appends a module (named by its index). */
  push(module: M): void {
    this.registerModule(String(this.items.length), module);
    this.items.push(module);
  }

  /** The module at `index`. */
  at(index: number): M {
    const m = this.items[index];
    if (!m) throw new GlimpseError(`ModuleList: index ${index} is out of range [0, ${this.items.length})`);
    return m;
  }

  get length(): number {
    return this.items.length;
  }

  [Symbol.iterator](): Iterator<M> {
    return this.items[Symbol.iterator]();
  }
}

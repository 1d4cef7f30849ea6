/**
 * A small builder of ONNX graphs: named inputs and outputs, float and int64 initializers, and
 * nodes whose outputs get fresh names. It holds plain data; {@link encodeModel} turns it into
 * the protobuf bytes of a ModelProto.
 */
import type { Tensor } from '../../core/tensor.js';
import { GlimpseError } from '../../util/errors.js';

/** ONNX TensorProto.DataType values glimpse writes. */
export const ONNX_DTYPE = { float: 1, int64: 7, bool: 9 } as const;
export type OnnxDtype = keyof typeof ONNX_DTYPE;

/** A dimension: a fixed size or a symbolic name ("B", "T"). */
export type Dim = number | string;

/** A node attribute: typed, since ONNX tells ints from floats. */
export type Attribute = { i: number } | { f: number } | { ints: readonly number[] } | { s: string } | { t: Initializer };

export interface ValueInfo {
  name: string;
  dtype: OnnxDtype;
  dims: readonly Dim[];
}

export interface Initializer {
  name: string;
  dtype: OnnxDtype;
  dims: readonly number[];
  /** Little-endian bytes of the values (float32 or int64). */
  raw: Uint8Array;
}

export interface GraphNode {
  opType: string;
  inputs: readonly string[];
  outputs: readonly string[];
  attributes: Readonly<Record<string, Attribute>>;
  name: string;
}

/** Float32 values as a little-endian initializer payload. */
function floatBytes(values: Float32Array): Uint8Array {
  const copy = Float32Array.from(values);
  return new Uint8Array(copy.buffer);
}

function int64Bytes(values: readonly number[]): Uint8Array {
  return new Uint8Array(BigInt64Array.from(values.map((v) => BigInt(v))).buffer);
}

/**
 * @example
 * const g = new OnnxGraph('lm');
 * const ids = g.input('ids', 'int64', ['T', 'B']);
 * const x = g.op('Gather', [g.param('encoder.weight', lm.encoder.weight), ids]);
 * g.output(x, 'embedded', 'float', ['T', 'B', 16]);
 */
export class OnnxGraph {
  readonly inputs: ValueInfo[] = [];
  readonly outputs: ValueInfo[] = [];
  readonly initializers: Initializer[] = [];
  readonly nodes: GraphNode[] = [];
  private readonly names = new Set<string>();
  private counter = 0;

  constructor(readonly name: string) {}

  private claim(name: string): string {
    if (this.names.has(name)) throw new GlimpseError(`OnnxGraph ${this.name}: the name "${name}" is used twice`);
    this.names.add(name);
    return name;
  }

  /** A fresh value name from a hint. */
  fresh(hint: string): string {
    let name = `${hint}_${this.counter++}`;
    while (this.names.has(name)) name = `${hint}_${this.counter++}`;
    return this.claim(name);
  }

  input(name: string, dtype: OnnxDtype, dims: readonly Dim[]): string {
    this.inputs.push({ name: this.claim(name), dtype, dims });
    return name;
  }

  /** Makes `value` a graph output called `name` (through an Identity node). */
  output(value: string, name: string, dtype: OnnxDtype, dims: readonly Dim[]): void {
    this.nodes.push({ opType: 'Identity', inputs: [value], outputs: [this.claim(name)], attributes: {}, name: `out_${name}` });
    this.outputs.push({ name, dtype, dims });
  }

  /** A float initializer from values and dims. */
  floats(name: string, values: Float32Array, dims: readonly number[]): string {
    const size = dims.reduce((a, b) => a * b, 1);
    if (size !== values.length) throw new GlimpseError(`OnnxGraph ${this.name}: initializer ${name} has ${values.length} values for dims [${dims.join(', ')}]`);
    this.initializers.push({ name: this.claim(name), dtype: 'float', dims, raw: floatBytes(values) });
    return name;
  }

  /** A parameter as an initializer under its PyTorch name, shape unchanged. */
  param(name: string, t: Tensor): string {
    return this.floats(name, t.data as Float32Array, t.shape);
  }

  /** An int64 initializer (shapes, axes, indices); a 1-D tensor unless dims say otherwise. */
  ints(hint: string, values: readonly number[], dims: readonly number[] = [values.length]): string {
    const name = this.fresh(hint);
    this.initializers.push({ name, dtype: 'int64', dims, raw: int64Bytes(values) });
    return name;
  }

  /** A float scalar constant. */
  scalar(hint: string, value: number): string {
    const name = this.fresh(hint);
    this.initializers.push({ name, dtype: 'float', dims: [], raw: floatBytes(Float32Array.of(value)) });
    return name;
  }

  /** One node with one output; returns the output's name. */
  op(opType: string, inputs: readonly string[], attributes: Readonly<Record<string, Attribute>> = {}): string {
    return this.opN(opType, inputs, 1, attributes)[0]!;
  }

  /** One node with n outputs (an empty input name "" skips an optional input). */
  opN(opType: string, inputs: readonly string[], n: number, attributes: Readonly<Record<string, Attribute>> = {}): string[] {
    const outputs = Array.from({ length: n }, () => this.fresh(opType.toLowerCase()));
    this.nodes.push({ opType, inputs, outputs, attributes, name: `${opType}_${this.nodes.length}` });
    return outputs;
  }
}

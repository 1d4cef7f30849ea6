/**
 * An {@link OnnxGraph} as the bytes of an ONNX ModelProto, encoded by protobufjs from the
 * schema generated out of the ONNX project's `onnx.proto` (see onnx.proto.NOTICE.md).
 */
import protobuf from 'protobufjs';
import { type Attribute, type Dim, type Initializer, ONNX_DTYPE, type OnnxGraph, type ValueInfo } from './graph.js';
import { ONNX_SCHEMA } from './onnx-schema.js';

/** The operator set the graphs use (LayerNormalization needs 17) and the IR version that goes with it. */
export const ONNX_OPSET = 17;
export const ONNX_IR_VERSION = 8;

/** AttributeProto.AttributeType values. */
const ATTR_TYPE = { f: 1, i: 2, s: 3, t: 4, ints: 7 } as const;

let modelType: protobuf.Type | null = null;

function modelProto(): protobuf.Type {
  modelType ??= protobuf.Root.fromJSON(ONNX_SCHEMA as protobuf.INamespace).lookupType('onnx.ModelProto');
  return modelType;
}

function tensorMessage(t: Initializer): Record<string, unknown> {
  return { name: t.name, dims: [...t.dims], data_type: ONNX_DTYPE[t.dtype], raw_data: t.raw };
}

function attribute(name: string, a: Attribute): Record<string, unknown> {
  if ('i' in a) return { name, type: ATTR_TYPE.i, i: a.i };
  if ('f' in a) return { name, type: ATTR_TYPE.f, f: a.f };
  if ('ints' in a) return { name, type: ATTR_TYPE.ints, ints: [...a.ints] };
  if ('s' in a) return { name, type: ATTR_TYPE.s, s: new TextEncoder().encode(a.s) };
  return { name, type: ATTR_TYPE.t, t: tensorMessage(a.t) };
}

function dim(d: Dim): Record<string, unknown> {
  return typeof d === 'number' ? { dim_value: d } : { dim_param: d };
}

function valueInfo(v: ValueInfo): Record<string, unknown> {
  return { name: v.name, type: { tensor_type: { elem_type: ONNX_DTYPE[v.dtype], shape: { dim: v.dims.map(dim) } } } };
}

/**
 * The ModelProto bytes of a graph (opset {@link ONNX_OPSET}), with `doc` as its doc_string.
 *
 * @example
 * writeFileSync('lm.onnx', encodeModel(graph, 'glimpse lstm language model'));
 */
export function encodeModel(graph: OnnxGraph, doc: string, producerVersion = ''): Uint8Array {
  const type = modelProto();
  const message = type.fromObject({
    ir_version: ONNX_IR_VERSION,
    opset_import: [{ domain: '', version: ONNX_OPSET }],
    producer_name: 'glimpse',
    producer_version: producerVersion,
    doc_string: doc,
    graph: {
      name: graph.name,
      node: graph.nodes.map((n) => ({
        name: n.name, op_type: n.opType, input: [...n.inputs], output: [...n.outputs],
        attribute: Object.entries(n.attributes).map(([k, a]) => attribute(k, a)),
      })),
      initializer: graph.initializers.map(tensorMessage),
      input: graph.inputs.map(valueInfo),
      output: graph.outputs.map(valueInfo),
    },
  });
  return type.encode(message).finish();
}

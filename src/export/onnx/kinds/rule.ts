/**
 * What an export rule of one architecture produces: ONNX graphs (bytes) with their interfaces,
 * for the manifest written beside them.
 */
import type { Dim, OnnxDtype, OnnxGraph, ValueInfo } from '../graph.js';
import type { Params } from '../layers.js';
import { encodeModel } from '../proto.js';

/** One exported graph: its file name, bytes and the names, types and shapes of its inputs and outputs. */
export interface ExportedGraph {
  file: string;
  /** What the graph computes, in a sentence. */
  summary: string;
  bytes: Uint8Array;
  inputs: readonly ValueInfo[];
  outputs: readonly ValueInfo[];
}

/** A model's state dict and resolved architecture config (vocabulary sizes included). */
export interface ExportSource {
  params: Params;
  config: Readonly<Record<string, unknown>>;
}

/** An architecture's export: its graphs and a description of how to drive them. */
export interface ExportRule {
  /** The graphs, or an error saying why this configuration cannot be exported. */
  graphs(source: ExportSource, producerVersion: string): ExportedGraph[];
  /** How a host uses the graphs (for the manifest and docs/onnx.md). */
  readonly usage: string;
}

/** Encodes a finished graph. */
export function finish(g: OnnxGraph, file: string, summary: string, producerVersion: string): ExportedGraph {
  return { file, summary, bytes: encodeModel(g, summary, producerVersion), inputs: g.inputs, outputs: g.outputs };
}

export type { Dim, OnnxDtype };

/**
 * A trained run as ONNX files: the graphs of its architecture (see `kinds/`) and a manifest,
 * `glimpse-onnx.json`, with the vocabularies, special tokens and how to drive the graphs.
 */
import { BOS, EOS, PAD, UNK, type Vocab } from '../../data/index.js';
import { FAMILIES } from '../../models/index.js';
import type { TrainedModel } from '../../train/model.js';
import { TASKS } from '../../train/task-rules/index.js';
import { ruleOf } from '../../util/table.js';
import { ONNX_EXPORTS, type ExportedGraph } from './kinds/index.js';
import { ONNX_IR_VERSION, ONNX_OPSET } from './proto.js';

export const ONNX_MANIFEST_FILE = 'glimpse-onnx.json';

/** One file to write: its name inside the output folder and its bytes. */
export interface ExportedFile {
  name: string;
  bytes: Uint8Array;
}

/** Ids of the special tokens a vocabulary has (absent ones left out). */
function specials(vocab: Vocab): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of [PAD, UNK, BOS, EOS]) if (vocab.has(s)) out[s] = vocab.id(s);
  return out;
}

/** The model config with its vocabulary sizes, as the architecture builds it. */
function fullConfig(t: TrainedModel): Record<string, unknown> {
  const { arch, ...settings } = t.config.model;
  const archs = FAMILIES[t.kind].archs;
  const resolved = ruleOf(archs, arch, `${t.kind} architecture`).resolve(settings, 'model');
  if (t.kind === 'lm') return { ...resolved, vocabSize: t.vocabs.lm.size };
  return { ...resolved, srcVocabSize: t.vocabs.src.size, tgtVocabSize: t.vocabs.tgt.size, padIndex: t.vocabs.tgt.id(PAD) };
}

function graphEntry(g: ExportedGraph) {
  return { file: g.file, summary: g.summary, inputs: g.inputs, outputs: g.outputs };
}

/**
 * The ONNX files of a trained model (opset {@link ONNX_OPSET}) and the manifest beside them.
 * A configuration the export cannot write is one GlimpseError saying which and why.
 *
 * @example
 * const files = exportOnnx(loadTrainedModel('runs/reverse'), VERSION);
 * for (const f of files) writeFileSync(join(out, f.name), f.bytes);
 */
export function exportOnnx(t: TrainedModel, producerVersion: string): ExportedFile[] {
  const arch = t.config.model.arch;
  const rule = t.kind === 'lm' ? ruleOf(ONNX_EXPORTS.lm, arch, 'language-model architecture') : ruleOf(ONNX_EXPORTS.seq2seq, arch, 'seq2seq architecture');
  const config = fullConfig(t);
  const graphs = rule.graphs({ params: t.model.stateDict(), config }, producerVersion);
  const task = TASKS[t.config.task];
  const vocabularies = t.kind === 'lm'
    ? { lm: { tokens: t.vocabs.lm.itos, specials: specials(t.vocabs.lm) } }
    : { src: { tokens: t.vocabs.src.itos, specials: specials(t.vocabs.src) }, tgt: { tokens: t.vocabs.tgt.itos, specials: specials(t.vocabs.tgt) } };
  const decoding = t.kind === 'lm' ? {} : {
    decoding: {
      start: t.vocabs.tgt.id(BOS),
      end: t.vocabs.tgt.id(EOS),
      /** glimpse appends <eos> to every source of this task before encoding it. */
      appendSourceEos: Boolean(task.sourceEnd) && t.vocabs.src.has(EOS),
    },
  };
  const manifest = {
    format: 'glimpse-onnx',
    formatVersion: 1,
    producer: { name: 'glimpse', version: producerVersion },
    onnx: { opset: ONNX_OPSET, irVersion: ONNX_IR_VERSION },
    family: t.kind,
    arch,
    task: t.config.task,
    /** How the task turns text into tokens (see glimpse's task rules). */
    data: t.config.data,
    model: config,
    usage: rule.usage,
    graphs: graphs.map(graphEntry),
    vocabularies,
    ...decoding,
  };
  return [
    ...graphs.map((g) => ({ name: g.file, bytes: g.bytes })),
    { name: ONNX_MANIFEST_FILE, bytes: new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`) },
  ];
}

export { ONNX_EXPORTS, type ExportRule, type ExportedGraph } from './kinds/index.js';
export { ONNX_OPSET, ONNX_IR_VERSION } from './proto.js';

/**
 * `glimpse export --format pytorch`: a self-contained PyTorch package of a recurrent run
 * (encoder–decoder or language model), to train it at
 * scale with DistributedDataParallel (`torchrun … train_ddp.py`) and come back with
 * `glimpse import`. It holds the model as a PyTorch module with glimpse's state_dict names
 * (python/glimpse_model.py), the training script (python/train_ddp.py), the weights, the run's
 * data as token ids, a check batch, and the run's config and vocabularies (for the import).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type BatchedStream, type Seq2SeqExample, lmWindow } from '../../data/index.js';
import { encodeSafetensors } from '../../io/safetensors.js';
import type { AttentionKind, LanguageModel, LmArch, Seq2Seq, Seq2SeqArch } from '../../models/index.js';
import { buildExperiment } from '../../train/experiment.js';
import type { Experiment, TrainedModel } from '../../train/model.js';
import { RUN_FILES, VOCAB_SIDES } from '../../train/run-file.js';
import type { RunFolder } from '../../train/run-folder.js';
import { GlimpseError } from '../../util/errors.js';
import { readTextChecked } from '../../util/fs-node.js';

/** Where the package keeps what `glimpse import` reads back. */
export const PYTORCH_FILES = {
  model: 'model.json',
  weights: 'weights.safetensors',
  run: 'glimpse-run',
  trained: 'out/model.safetensors',
  check: 'out/check.json',
  checkData: 'data/check.jsonl',
  lmTrain: 'data/train.json',
  lmCheck: 'data/check.json',
} as const;

/** How many validation examples form the check batch both sides compute the loss on. */
export const CHECK_BATCH = 32;

/**
 * Each attention kind in the PyTorch module: null when glimpse_model.py reproduces it, else why
 * not (a new attention kind does not compile without its row).
 */
const ATTENTION_IN_PYTORCH: { readonly [K in AttentionKind]: string | null } = {
  none: null,
  bahdanau: null,
  'luong-dot': null,
  'luong-general': null,
  'luong-concat': null,
  'multi-head': 'multi-head source attention is not in the PyTorch module yet',
  'local-m': 'local attention (local-m) is not in the PyTorch module yet',
  'local-p': 'local attention (local-p) is not in the PyTorch module yet',
};

/** What a model kind puts in the package beside the common files. */
interface Packed {
  /** model.json's `kind`: which class of glimpse_model.py builds it. */
  kind: string;
  model: object;
  ids?: Record<string, number>;
  /** Recipe entries of this kind (e.g. a language model's bptt). */
  train?: Record<string, number>;
  data: { name: string; bytes: string }[];
  /** One line for the package's README: what data/ holds. */
  dataNote: string;
}

type Packer = (experiment: Experiment) => Packed;

const WHY = 'glimpse export --format pytorch writes recurrent runs (--arch rnn)';
const ONNX_INSTEAD = '(use --format onnx to run it elsewhere)';

const jsonl = (examples: readonly Seq2SeqExample[]): string =>
  examples.map((e) => JSON.stringify({ src: Array.from(e.src), tgt: Array.from(e.tgt) })).join('\n') + '\n';

/** The token stream a batchified stream was cut from (data[r, b] = ids[b · rows + r]). */
function unbatchify(stream: BatchedStream): number[] {
  const { data, rows, batchSize: B } = stream;
  const ids = new Array<number>(rows * B);
  for (let r = 0; r < rows; r++) for (let b = 0; b < B; b++) ids[b * rows + r] = data[r * B + b]!;
  return ids;
}

/** Rows of a [T, B] window as nested arrays. */
function rowsOf(flat: Int32Array, B: number): number[][] {
  return Array.from({ length: flat.length / B }, (_, t) => Array.from(flat.subarray(t * B, (t + 1) * B)));
}

const packSeq2Seq: Packer = (experiment) => {
  if (experiment.kind !== 'seq2seq') throw new GlimpseError('expected a seq2seq run');
  const model = experiment.model as Seq2Seq;
  const missing = ATTENTION_IN_PYTORCH[model.config.attention];
  if (missing) throw new GlimpseError(`${WHY}; ${missing} (this run's attention is ${model.config.attention})`);
  const { train, valid } = experiment.task.data;
  const { src, tgt } = experiment.vocabs;
  return {
    kind: 'seq2seq-rnn',
    model: model.config,
    ids: { srcPad: src.id('<pad>'), pad: tgt.id('<pad>'), bos: tgt.id('<bos>'), eos: tgt.id('<eos>') },
    data: [{ name: 'data/train.jsonl', bytes: jsonl(train) }, { name: PYTORCH_FILES.checkData, bytes: jsonl(valid.slice(0, CHECK_BATCH)) }],
    dataNote: `\`data/train.jsonl\`: ${train.length} training pairs as token ids, \`{"src": […], "tgt": […, <eos>]}\` per line; ` +
      `\`data/check.jsonl\`: ${Math.min(CHECK_BATCH, valid.length)} validation pairs both sides compute their loss on`,
  };
};

const packLm: Packer = (experiment) => {
  if (experiment.kind !== 'lm') throw new GlimpseError('expected a language-model run');
  const model = experiment.model as LanguageModel;
  const { train, valid, bptt } = experiment.task.data;
  const window = lmWindow(valid, 0, bptt);
  const ids = unbatchify(train);
  return {
    kind: 'lm-rnn',
    model: model.config,
    train: { bptt },
    data: [
      { name: PYTORCH_FILES.lmTrain, bytes: `${JSON.stringify({ ids })}\n` },
      { name: PYTORCH_FILES.lmCheck, bytes: `${JSON.stringify({ input: rowsOf(window.input, window.batchSize), target: rowsOf(window.target, window.batchSize) })}\n` },
    ],
    dataNote: `\`data/train.json\`: the training text as ${ids.length} token ids, \`{"ids": […]}\`; ` +
      `\`data/check.json\`: the first validation window ([T, B] input and target ids) both sides compute their loss on`,
  };
};

/** Each family's architectures: how it is packed, or why it is not (tsc asks for a new architecture's row). */
const PACKERS: { readonly lm: { readonly [A in LmArch]: Packer | string }; readonly seq2seq: { readonly [A in Seq2SeqArch]: Packer | string } } = {
  lm: {
    rnn: packLm,
    transformer: `${WHY}; this run is a Transformer language model ${ONNX_INSTEAD}`,
    encdec: `${WHY}; this run is the lesson's encoder–decoder language model ${ONNX_INSTEAD}`,
  },
  seq2seq: {
    rnn: packSeq2Seq,
    transformer: `${WHY}; this run is --arch transformer ${ONNX_INSTEAD}`,
  },
};

/** The packer of a run, or its one-line refusal. */
function packerOf(trained: TrainedModel): Packer {
  const arch = trained.config.model.arch;
  const table: Record<string, Packer | string> = PACKERS[trained.kind];
  const packer = table[arch];
  if (packer === undefined) throw new GlimpseError(`${WHY}; this run's architecture ${arch} is unknown here`);
  if (typeof packer === 'string') throw new GlimpseError(packer);
  return packer;
}

function pythonSource(file: string): string {
  // Beside src/ and dist/ alike: the package ships src/export/pytorch/python/.
  return readFileSync(fileURLToPath(new URL(`../../../src/export/pytorch/python/${file}`, import.meta.url)), 'utf8');
}

function readme(run: RunFolder, dataNote: string, version: string): string {
  return `# A glimpse run, packaged for PyTorch

Exported by glimpse ${version} from \`${run.dir}\`. Train it with DistributedDataParallel and bring
the result back to glimpse:

\`\`\`sh
torchrun --nproc_per_node 2 train_ddp.py --epochs 1           # CPU: gloo; GPUs: NCCL, one process per GPU
glimpse import --from . --run runs/from-pytorch              # checks the loss on data/check.jsonl, writes a run folder
glimpse translate --run runs/from-pytorch "…"
\`\`\`

With PyTorch 1.13 on Python 3.11 (Debian 12), add \`--redirects 1 --tee 1\` to torchrun.
On several machines, run the same command on each with \`--nnodes N --node_rank K
--master_addr HOST --master_port PORT\` (torchrun's rendezvous); rank 0 writes \`out/\`.

| file | what |
|:--|:--|
| \`glimpse_model.py\` | the model as a PyTorch module with glimpse's state_dict names; safetensors read/write |
| \`train_ddp.py\` | the training script (\`--help\` lists its options; defaults from \`model.json\`) |
| \`model.json\` | model settings, special-token ids and the run's recipe |
| \`weights.safetensors\` | the starting weights (the run's) |
| \`data/\` | ${dataNote} |
| \`glimpse-run/\` | the run's config and vocabularies, for \`glimpse import\` |

More data is more of the same in \`data/\` (ids from \`glimpse-run/vocab.*.json\`).
`;
}

/**
 * The files of the PyTorch package of a trained recurrent run, encoder–decoder or language
 * model (names relative to the output folder); any other model is refused with one line
 * saying why.
 *
 * @example
 * const files = exportPytorch(loadTrainedModel('runs/rev'), VERSION);
 */
export function exportPytorch(trained: TrainedModel & { run: RunFolder }, version: string): { name: string; bytes: Uint8Array | string }[] {
  const pack = packerOf(trained);
  const { run } = trained;
  const config = run.config();
  const packed = pack(buildExperiment(config, run.vocabs()));
  const t = config.train;
  const spec = {
    format: 'glimpse-pytorch',
    glimpse: version,
    kind: packed.kind,
    model: packed.model,
    ...(packed.ids ? { ids: packed.ids } : {}),
    train: {
      epochs: t.epochs, batchSize: config.data.batchSize, lr: t.lr, betas: t.betas, eps: t.eps, weightDecay: t.weightDecay,
      clip: t.clip, seed: t.seed, labelSmoothing: config.objective.labelSmoothing, optimizer: t.optimizer, ...packed.train,
    },
  };
  const files: { name: string; bytes: Uint8Array | string }[] = [
    { name: 'glimpse_model.py', bytes: pythonSource('glimpse_model.py') },
    { name: 'train_ddp.py', bytes: pythonSource('train_ddp.py') },
    { name: PYTORCH_FILES.model, bytes: `${JSON.stringify(spec, null, 2)}\n` },
    { name: PYTORCH_FILES.weights, bytes: encodeSafetensors(trained.model.stateDict(), { format: 'pt', exported_from: run.dir, glimpse: version }) },
    ...packed.data,
    { name: `${PYTORCH_FILES.run}/${RUN_FILES.config}`, bytes: readTextChecked(run.path(RUN_FILES.config), 'config') },
  ];
  for (const side of VOCAB_SIDES) {
    if (run.has(RUN_FILES.vocab(side))) files.push({ name: `${PYTORCH_FILES.run}/${RUN_FILES.vocab(side)}`, bytes: readTextChecked(run.path(RUN_FILES.vocab(side)), 'vocab') });
  }
  files.push({ name: 'README.md', bytes: readme(run, packed.dataNote, version) });
  return files;
}

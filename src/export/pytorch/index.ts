/**
 * `glimpse export --format pytorch`: a self-contained PyTorch package of a run, to train it at
 * scale with DistributedDataParallel (`torchrun … train_ddp.py`) and come back with
 * `glimpse import`. It holds the model as a PyTorch module with glimpse's state_dict names
 * (python/glimpse_model.py), the training script (python/train_ddp.py), the weights, the run's
 * data as token ids, a check batch, and the run's config and vocabularies (for the import).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Seq2SeqExample } from '../../data/index.js';
import { encodeSafetensors } from '../../io/safetensors.js';
import type { AttentionKind, Seq2Seq } from '../../models/index.js';
import { buildExperiment } from '../../train/experiment.js';
import type { TrainedModel } from '../../train/model.js';
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

/** What is exported, or why this run cannot be. */
function supported(trained: TrainedModel): Seq2Seq {
  const why = 'glimpse export --format pytorch writes recurrent encoder–decoder runs (--arch rnn)';
  if (trained.kind !== 'seq2seq') throw new GlimpseError(`${why}; this run is a language model (use --format onnx to run it elsewhere)`);
  if (trained.config.model.arch !== 'rnn') throw new GlimpseError(`${why}; this run is --arch ${trained.config.model.arch} (use --format onnx to run it elsewhere)`);
  const model = trained.model as Seq2Seq;
  const missing = ATTENTION_IN_PYTORCH[model.config.attention];
  if (missing) throw new GlimpseError(`${why}; ${missing} (this run's attention is ${model.config.attention})`);
  return model;
}

function pythonSource(file: string): string {
  // Beside src/ and dist/ alike: the package ships src/export/pytorch/python/.
  return readFileSync(fileURLToPath(new URL(`../../../src/export/pytorch/python/${file}`, import.meta.url)), 'utf8');
}

const jsonl = (examples: readonly Seq2SeqExample[]): string =>
  examples.map((e) => JSON.stringify({ src: Array.from(e.src), tgt: Array.from(e.tgt) })).join('\n') + '\n';

function readme(run: RunFolder, train: number, version: string): string {
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
| \`data/train.jsonl\` | ${train} training pairs as token ids, \`{"src": […], "tgt": […, <eos>]}\` per line |
| \`data/check.jsonl\` | ${CHECK_BATCH} validation pairs (or fewer): both sides compute their loss on them |
| \`glimpse-run/\` | the run's config and vocabularies, for \`glimpse import\` |

More data is more lines of \`data/train.jsonl\` in the same format (ids from \`glimpse-run/vocab.*.json\`).
`;
}

/**
 * The files of the PyTorch package of a trained recurrent seq2seq run (names relative to the
 * output folder); any other model is refused with one line saying why.
 *
 * @example
 * const files = exportPytorch(loadTrainedModel('runs/rev'), 'runs/rev', VERSION);
 */
export function exportPytorch(trained: TrainedModel & { run: RunFolder }, version: string): { name: string; bytes: Uint8Array | string }[] {
  const model = supported(trained);
  const { run } = trained;
  const config = run.config();
  const vocabs = run.vocabs();
  const experiment = buildExperiment(config, vocabs);
  if (experiment.kind !== 'seq2seq') throw new GlimpseError(`${run.dir}: expected a seq2seq run`);
  const { train, valid } = experiment.task.data;
  const { src, tgt } = experiment.vocabs;
  const t = config.train;
  const spec = {
    format: 'glimpse-pytorch',
    glimpse: version,
    kind: 'seq2seq-rnn',
    model: model.config,
    ids: { srcPad: src.id('<pad>'), pad: tgt.id('<pad>'), bos: tgt.id('<bos>'), eos: tgt.id('<eos>') },
    train: {
      epochs: t.epochs, batchSize: config.data.batchSize, lr: t.lr, betas: t.betas, eps: t.eps, weightDecay: t.weightDecay,
      clip: t.clip, seed: t.seed, labelSmoothing: config.objective.labelSmoothing, optimizer: t.optimizer,
    },
  };
  const files: { name: string; bytes: Uint8Array | string }[] = [
    { name: 'glimpse_model.py', bytes: pythonSource('glimpse_model.py') },
    { name: 'train_ddp.py', bytes: pythonSource('train_ddp.py') },
    { name: PYTORCH_FILES.model, bytes: `${JSON.stringify(spec, null, 2)}\n` },
    { name: PYTORCH_FILES.weights, bytes: encodeSafetensors(model.stateDict(), { format: 'pt', exported_from: run.dir, glimpse: version }) },
    { name: 'data/train.jsonl', bytes: jsonl(train) },
    { name: PYTORCH_FILES.checkData, bytes: jsonl(valid.slice(0, CHECK_BATCH)) },
    { name: `${PYTORCH_FILES.run}/${RUN_FILES.config}`, bytes: readTextChecked(run.path(RUN_FILES.config), 'config') },
  ];
  for (const side of VOCAB_SIDES) {
    if (run.has(RUN_FILES.vocab(side))) files.push({ name: `${PYTORCH_FILES.run}/${RUN_FILES.vocab(side)}`, bytes: readTextChecked(run.path(RUN_FILES.vocab(side)), 'vocab') });
  }
  files.push({ name: 'README.md', bytes: readme(run, train.length, version) });
  return files;
}

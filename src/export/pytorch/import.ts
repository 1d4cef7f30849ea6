/**
 * `glimpse import`: a run folder from what `train_ddp.py` wrote into an exported PyTorch
 * package. The weights' names and shapes are checked against the run's model (every mismatch
 * listed), and glimpse recomputes the loss PyTorch recorded on the package's check batch.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { tensor } from '../../core/create.js';
import { noGrad } from '../../core/grad.js';
import { loadSafetensors, readSafetensorsHeader } from '../../io/node.js';
import type { LanguageModel, Seq2Seq } from '../../models/index.js';
import type { Module } from '../../nn/index.js';
import { makeSeq2SeqBatch } from '../../data/index.js';
import { crossEntropy, reshape } from '../../ops/index.js';
import { type RunFileOut, derivedRunFiles } from '../../train/derived-run.js';
import { RunFolder } from '../../train/run-folder.js';
import { batchTensors } from '../../train/tasks/seq2seq.js';
import { GlimpseError } from '../../util/errors.js';
import { readTextChecked, withCheckedFile } from '../../util/fs-node.js';
import { PYTORCH_FILES } from './index.js';

/** The check-batch losses of both sides. */
export interface ImportCheck {
  glimpse: number;
  pytorch: number;
  /** How many examples (seq2seq) or tokens (language models) the check batch holds. */
  examples: number;
  unit: 'examples' | 'tokens';
}

/** Largest |glimpse − PyTorch| loss difference accepted: 1e-4 absolute plus 1e-4 relative. */
function agrees(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-4 + 1e-4 * Math.abs(b);
}

/** Every way the file's tensors differ from the model's parameters, a line each. */
function mismatches(file: string, model: Module): string[] {
  const header = withCheckedFile(file, 'weights', readSafetensorsHeader);
  const want = new Map(Object.entries(model.stateDict()).map(([name, t]) => [name, t.shape]));
  const lines: string[] = [];
  const seen = new Set<string>();
  for (const e of header.entries) {
    seen.add(e.name);
    const shape = want.get(e.name);
    if (!shape) lines.push(`unexpected: ${e.name} [${e.shape.join(', ')}] is not a parameter of the run's model`);
    else if (shape.join() !== e.shape.join()) lines.push(`shape: ${e.name} is [${e.shape.join(', ')}] in the file, [${shape.join(', ')}] in the model`);
  }
  for (const [name, shape] of want) if (!seen.has(name)) lines.push(`missing: ${name} [${shape.join(', ')}]`);
  return lines;
}

/** The loss of a language model (eval mode, zero state) on the package's check window [T, B]. */
function lmCheckLoss(model: LanguageModel, file: string): { loss: number; examples: number } {
  const window = JSON.parse(readTextChecked(file, 'text')) as { input?: unknown; target?: unknown };
  const grid = (v: unknown, key: string): number[][] => {
    if (!Array.isArray(v) || v.length === 0 || !v.every((row) => Array.isArray(row) && row.length === (v[0] as unknown[]).length && row.every(Number.isInteger))) {
      throw new GlimpseError(`${file}: expected "${key}" to be a [T, B] array of token ids`);
    }
    return v as number[][];
  };
  const x = grid(window.input, 'input');
  const y = grid(window.target, 'target');
  const shape = [x.length, x[0]!.length];
  model.eval();
  const loss = noGrad(() => {
    const { logits } = model.forward(tensor(Int32Array.from(x.flat()), { shape }), null);
    return crossEntropy(reshape(logits, [-1, logits.shape[2]!]), tensor(Int32Array.from(y.flat())));
  });
  return { loss: loss.item(), examples: x.length * x[0]!.length };
}

/** The loss of `model` (eval mode) on the package's check batch, batched as training batches it. */
function checkLoss(model: Seq2Seq, file: string, ids: { pad: number; bos: number }): { loss: number; examples: number } {
  const examples = readTextChecked(file, 'text').split('\n').filter((l) => l.trim()).map((line, i) => {
    try {
      const e = JSON.parse(line) as { src: number[]; tgt: number[] };
      return { src: Int32Array.from(e.src), tgt: Int32Array.from(e.tgt) };
    } catch {
      throw new GlimpseError(`${file}:${i + 1}: expected a JSON object {"src": [...], "tgt": [...]}`);
    }
  });
  const b = batchTensors(makeSeq2SeqBatch(examples, examples.map((_, i) => i), ids, { batchFirst: true }));
  model.eval();
  const { loss } = noGrad(() => model.loss(b, b.tgtIn, b.tgtOut));
  return { loss: loss.item(), examples: examples.length };
}

/**
 * The files of a run folder made from the PyTorch package `from` (its run's config and
 * vocabularies, the trained weights as best.safetensors), and the check-batch losses when the
 * training recorded one. Weights that do not fit the model are refused with every mismatch;
 * a check loss that glimpse does not reproduce is refused too.
 *
 * @example
 * const { files, check } = importPytorch('export/rev-torch'); // after torchrun … train_ddp.py
 */
export function importPytorch(from: string, options: { weights?: string } = {}): { files: RunFileOut[]; check: ImportCheck | null; weights: string } {
  const runDir = join(from, PYTORCH_FILES.run);
  if (!existsSync(join(runDir, 'config.json'))) {
    throw new GlimpseError(`${from} is not a glimpse PyTorch package: it has no ${PYTORCH_FILES.run}/config.json (glimpse export --format pytorch makes one)`);
  }
  const run = RunFolder.open(runDir);
  const weights = options.weights ?? join(from, PYTORCH_FILES.trained);
  if (!existsSync(weights)) {
    throw new GlimpseError(`${weights} does not exist: train first (torchrun … train_ddp.py writes it) or name the weights with --weights FILE`);
  }
  const trained = run.buildModel();
  const model = trained.model;
  const wrong = mismatches(weights, model);
  if (wrong.length > 0) {
    throw new GlimpseError(`${weights} does not fit the run's model (${wrong.length} mismatch${wrong.length === 1 ? '' : 'es'}):`, { details: wrong });
  }
  const tensors = loadSafetensors(weights).tensors;
  model.loadStateDict(tensors);
  let check: ImportCheck | null = null;
  const recorded = join(from, PYTORCH_FILES.check);
  if (!options.weights && existsSync(recorded)) {
    const torch = JSON.parse(readTextChecked(recorded, 'config')) as { loss?: unknown };
    if (typeof torch.loss !== 'number') throw new GlimpseError(`${recorded}: expected a number at "loss"`);
    let ours: { loss: number; examples: number };
    if (trained.kind === 'lm') {
      ours = lmCheckLoss(trained.model as LanguageModel, join(from, PYTORCH_FILES.lmCheck));
    } else {
      const spec = JSON.parse(readTextChecked(join(from, PYTORCH_FILES.model), 'config')) as { ids: { pad: number; bos: number } };
      ours = checkLoss(trained.model as Seq2Seq, join(from, PYTORCH_FILES.checkData), spec.ids);
    }
    const checkFile = trained.kind === 'lm' ? PYTORCH_FILES.lmCheck : PYTORCH_FILES.checkData;
    check = { glimpse: ours.loss, pytorch: torch.loss, examples: ours.examples, unit: trained.kind === 'lm' ? 'tokens' : 'examples' };
    if (!agrees(ours.loss, torch.loss)) {
      throw new GlimpseError(`${weights}: glimpse computes loss ${ours.loss.toFixed(6)} on ${checkFile}, PyTorch recorded ${torch.loss.toFixed(6)} in ${recorded}; the weights do not mean the same model on both sides`);
    }
  }
  const files = derivedRunFiles(run, tensors, weights, { metadata: { imported_from: from, glimpse_import: 'pytorch' } });
  return { files, check, weights };
}

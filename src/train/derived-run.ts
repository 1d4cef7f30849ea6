/**
 * Run folders made from another run's config and vocabularies with other weights: the same
 * weights in another float format (`glimpse export --format safetensors`) or the mean of
 * several checkpoints (`glimpse average`). What they write is a run folder that `eval`,
 * `translate`, `generate` and the web page read as any other (its weights are
 * `best.safetensors`); it has no training checkpoint, so it cannot be resumed.
 */
import type { SafetensorsHeader } from '../io/safetensors.js';
import { encodeSafetensors } from '../io/safetensors.js';
import type { WeightDtype } from '../io/weight-dtypes.js';
import { loadSafetensors, readSafetensorsHeader } from '../io/node.js';
import type { StateDict } from '../nn/index.js';
import { GlimpseError } from '../util/errors.js';
import { readTextChecked, withCheckedFile } from '../util/fs-node.js';
import { MAX_AVERAGED, StateDictMean, type TensorSignature, averageMismatches, refuseMismatches } from './average.js';
import { inFile } from './run-config-check.js';
import { RUN_FILES, VOCAB_SIDES } from './run-file.js';
import type { RunFolder } from './run-folder.js';

/** A file of a derived run folder: its name inside the folder and its bytes or text. */
export interface RunFileOut {
  name: string;
  bytes: Uint8Array | string;
}

/** Options of {@link derivedRunFiles}. */
export interface DerivedRunOptions {
  /** The float format of the weights (default `f32`). */
  dtype?: WeightDtype;
  /** More metadata for best.safetensors (strings), e.g. where the weights came from. */
  metadata?: Record<string, string>;
}

/**
 * The files of a new run folder with `run`'s config and vocabularies (copied as they are) and
 * `weights` as its best.safetensors, stored in `options.dtype`. The weights are loaded into
 * the run's model first, so what does not fit it is refused here, naming `weightsSource`.
 *
 * @example
 * const files = derivedRunFiles(RunFolder.open('runs/rev'), weights, 'averaged weights', { dtype: 'f16' });
 */
export function derivedRunFiles(run: RunFolder, weights: StateDict, weightsSource: string, options: DerivedRunOptions = {}): RunFileOut[] {
  const dtype = options.dtype ?? 'f32';
  const { model } = run.buildModel();
  inFile(weightsSource, () => model.loadStateDict(weights));
  const files: RunFileOut[] = [{ name: RUN_FILES.config, bytes: readTextChecked(run.path(RUN_FILES.config), 'config') }];
  for (const side of VOCAB_SIDES) {
    if (run.has(RUN_FILES.vocab(side))) files.push({ name: RUN_FILES.vocab(side), bytes: readTextChecked(run.path(RUN_FILES.vocab(side)), 'vocab') });
  }
  files.push({ name: RUN_FILES.best, bytes: encodeSafetensors(model.stateDict(), { format: 'pt', ...options.metadata, dtype }, { dtype }) });
  return files;
}

const FLOAT_DTYPES = new Set(['F32', 'F64', 'F16', 'BF16']);

function signaturesOf(header: SafetensorsHeader): TensorSignature[] {
  return header.entries.map((e) => ({ name: e.name, shape: e.shape, kind: FLOAT_DTYPES.has(e.dtype) ? 'float' : 'other' }));
}

/**
 * The elementwise mean of the weights in `files` (safetensors state dicts of one model),
 * accumulated in float64. Every header is read and compared first: names or shapes that
 * differ are refused with every mismatch on a line of its own, before any tensor is read.
 *
 * @example const weights = averageWeightFiles(['runs/a/step-800.safetensors', 'runs/a/step-1000.safetensors']);
 */
export function averageWeightFiles(files: readonly string[]): StateDict {
  if (files.length === 0) throw new GlimpseError('cannot average: no checkpoints were given');
  if (files.length > MAX_AVERAGED) throw new GlimpseError(`cannot average ${files.length} checkpoints; at most ${MAX_AVERAGED}`);
  const signed = files.map((file) => ({ source: file, tensors: signaturesOf(withCheckedFile(file, 'weights', readSafetensorsHeader)) }));
  refuseMismatches(averageMismatches(signed));
  const mean = new StateDictMean();
  for (const file of files) mean.add(loadSafetensors(file).tensors, file);
  return mean.result();
}

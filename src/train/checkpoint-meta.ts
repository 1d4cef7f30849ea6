/**
 * The JSON a training checkpoint keeps in its safetensors metadata (`trainer`, `optimizer`,
 * `schedule`), checked field by field before a trainer is restored from it: a broken or
 * hostile checkpoint is one GlimpseError naming the file, the metadata key and the field.
 * Browser-safe.
 */
import type { OptimizerStateDict, PlateauStateDict, ScheduleStateDict } from '../optim/index.js';
import { GlimpseError } from '../util/errors.js';
import type { TrainerState } from './trainer.js';
import { jsonError, oneLine } from '../util/text.js';

/** The metadata `format` of a training checkpoint. */
export const CHECKPOINT_FORMAT = 'glimpse-checkpoint';

/** A check of one JSON value at `path` (e.g. `history[3].step`); returns a problem or null. */
type Check = (v: unknown, path: string) => string | null;

function short(v: unknown): string {
  return oneLine(JSON.stringify(v) ?? String(v), 40);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const expect = (ok: boolean, path: string, what: string, v: unknown): string | null => (ok ? null : `${path} must be ${what}, got ${short(v)}`);

const int = (min: number, max = Number.MAX_SAFE_INTEGER): Check => (v, p) =>
  expect(Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= max, p, `an integer in [${min}, ${max}]`, v);
const num: Check = (v, p) => expect(typeof v === 'number', p, 'a number', v);
const numOrNull: Check = (v, p) => expect(v === null || typeof v === 'number', p, 'a number or null', v);
const bool: Check = (v, p) => expect(typeof v === 'boolean', p, 'true or false', v);
const str: Check = (v, p) => expect(typeof v === 'string', p, 'a string', v);
const nullable = (c: Check): Check => (v, p) => (v === null ? null : c(v, p));

function object(fields: Record<string, Check>, rest?: Check): Check {
  return (v, p) => {
    if (!isObject(v)) return `${p} must be an object, got ${short(v)}`;
    for (const [k, c] of Object.entries(fields)) {
      if (!Object.hasOwn(v, k)) return `${p}.${k} is missing`;
      const problem = c(v[k], `${p}.${k}`);
      if (problem) return problem;
    }
    for (const [k, x] of Object.entries(v)) {
      if (Object.hasOwn(fields, k)) continue;
      if (!rest) return `${p} has an unknown key ${short(k)}`;
      const problem = rest(x, `${p}.${oneLine(k, 40)}`);
      if (problem) return problem;
    }
    return null;
  };
}

function array(item: Check, length?: number): Check {
  return (v, p) => {
    if (!Array.isArray(v) || (length !== undefined && v.length !== length)) {
      return `${p} must be an array${length !== undefined ? ` of ${length}` : ''}, got ${short(v)}`;
    }
    for (let i = 0; i < v.length; i++) {
      const problem = item(v[i], `${p}[${i}]`);
      if (problem) return problem;
    }
    return null;
  };
}

const rngState = object({ s: array(int(0, 2 ** 32 - 1), 4), spare: numOrNull });

/** Fields a later glimpse may add: kept as they are (they are data, restored by structuredClone). */
const anything: Check = () => null;

/** TrainerState, as trainer.ts defines it (numbers that were NaN or ±∞ come back as null). */
const TRAINER_STATE = object({
  epoch: int(1), stepInEpoch: int(0), step: int(0), epochRng: rngState, dropoutRng: rngState,
  best: nullable(object({ value: numOrNull, step: int(0), epoch: int(1) })),
  badEvals: int(0), lossSum: numOrNull, lossTokens: int(0), trainSeconds: num,
  history: array(object({ step: int(0), epoch: int(1), trainLoss: numOrNull, lr: numOrNull, trainSeconds: num, metrics: object({}, numOrNull) }, anything)),
  reached: nullable(object({ step: int(0), trainSeconds: num })),
  finished: bool, stopReason: nullable(str),
}, anything);

/** The optimizer's JSON part; the hyperparameters of each group are checked by its loadStateDict. */
const OPTIMIZER = object({
  kind: str,
  paramGroups: array(object({ params: array(int(0)) }, (v, p) => expect(typeof v === 'number' || typeof v === 'boolean' || (Array.isArray(v) && v.every((x) => typeof x === 'number')), p, 'a number, boolean or list of numbers', v))),
  steps: object({}, int(0)),
});

const SCHEDULE = nullable(object({ kind: str }, (v, p) => expect(
  v === null || typeof v === 'number' || (Array.isArray(v) && v.every((x) => typeof x === 'number')), p, 'a number, null or list of numbers', v)));

/** What {@link parseCheckpointMeta} returns. */
export interface CheckpointMeta {
  state: TrainerState;
  optimizer: Omit<OptimizerStateDict, 'tensors'>;
  schedule: ScheduleStateDict | PlateauStateDict | null;
}

/**
 * Parses and checks a training checkpoint's metadata; `file` names it in errors.
 *
 * @example const { state } = parseCheckpointMeta(metadata, 'runs/x/checkpoint.safetensors');
 */
export function parseCheckpointMeta(metadata: Readonly<Record<string, string>>, file: string): CheckpointMeta {
  const format = Object.hasOwn(metadata, 'format') ? metadata.format : undefined;
  if (format !== CHECKPOINT_FORMAT) {
    throw new GlimpseError(`${file} is not a glimpse training checkpoint (its metadata "format" is ${short(format)}, expected "${CHECKPOINT_FORMAT}")`);
  }
  const read = (key: string, check: Check): unknown => {
    if (!Object.hasOwn(metadata, key)) throw new GlimpseError(`${file}: the checkpoint's metadata has no "${key}"`);
    let v: unknown;
    try {
      v = JSON.parse(metadata[key]!);
    } catch (e) {
      throw new GlimpseError(`${file}: metadata "${key}" is not valid JSON (${jsonError(e)})`);
    }
    const problem = check(v, key);
    if (problem) throw new GlimpseError(`${file}: metadata ${problem}`);
    return v;
  };
  return {
    state: read('trainer', TRAINER_STATE) as TrainerState,
    optimizer: read('optimizer', OPTIMIZER) as Omit<OptimizerStateDict, 'tensors'>,
    schedule: read('schedule', SCHEDULE) as ScheduleStateDict | PlateauStateDict | null,
  };
}

/**
 * A run's whole configuration, resolved from what the user gave (flags, a `--config` file)
 * over the task's preset through the tables: TASKS (the task), the family's architectures
 * (`models.FAMILIES`), LM_MODELS (named language models), the data kinds, and the training
 * config's optimizer and schedule rows. No code here tests a task, model or kind by name.
 */
import { ATTENTION, type AttentionKind, FAMILIES, type ModelFamily } from '../models/index.js';
import { type ConfigSpec, resolveConfig } from '../util/config.js';
import { GlimpseError } from '../util/errors.js';
import { isTableKey, ruleOf, tableKeys } from '../util/table.js';
import { TRAIN_SPEC, type TrainConfig } from './config.js';
import { type DataConfig, resolveData } from './data-config.js';
import { type DecayOption, SAMPLING_DECAYS, SAMPLING_DECAY_NAMES, type SamplingDecay } from './scheduled-sampling.js';
import { LM_MODELS } from './lm-models.js';
import { type ModelChoice, TASKS, type TaskName } from './task-rules/index.js';

/** Training objective settings that are not model architecture. */
export interface ObjectiveConfig {
  /** seq2seq: probability of feeding the reference token (1: always, teacher forcing). */
  teacherForcing?: number;
  /** Label smoothing ε of the cross-entropy. */
  labelSmoothing: number;
  /** seq2seq: how the probability of feeding the reference decays with the step (see SAMPLING_DECAYS). */
  scheduledSampling?: SamplingDecay;
  /** Scheduled sampling's k (null: the decay's default). */
  samplingK?: number | null;
  /** Linear decay's slope c per step. */
  samplingC?: number;
  /** Linear decay's floor ε. */
  samplingMin?: number;
  /** seq2seq: probability of hiding a decoder input word. */
  wordDropout?: number;
  /**
   * seq2seq RNNs: every evaluation also reports the free-running loss and perplexity (the
   * decoder fed its own greedy predictions), so the exposure-bias gap shows on the curves.
   */
  freeRunningEval?: boolean;
}

/** A model's config as a run stores it: its architecture and that architecture's settings (no vocabulary sizes). */
export type ModelConfig = { arch: string } & Record<string, unknown>;

/** A run's whole configuration, as saved in its folder's config.json. */
export interface RunConfig {
  task: TaskName;
  /** The task's data kind's config (see DATA_KINDS). */
  data: DataConfig;
  objective: ObjectiveConfig;
  model: ModelConfig;
  train: TrainConfig;
}

/** What the user may give: any part of a RunConfig (flags or a --config file). */
export interface RunConfigInput {
  task?: string;
  /** lm only: a named language model of LM_MODELS (lstm, lstm-attn, …). */
  modelName?: string;
  /** The architecture (default: the family's `rnn`). */
  arch?: string;
  /** seq2seq RNNs: the attention kind. */
  attention?: string;
  data?: Readonly<Record<string, unknown>>;
  objective?: Readonly<Record<string, unknown>>;
  model?: Readonly<Record<string, unknown>>;
  train?: Readonly<Record<string, unknown>>;
}

/** The top-level keys of a RunConfigInput (a config file may hold no others). */
export const RUN_INPUT_KEYS: readonly (keyof RunConfigInput)[] = ['task', 'modelName', 'arch', 'attention', 'data', 'objective', 'model', 'train'];

const LM_OBJECTIVE: ConfigSpec<Pick<ObjectiveConfig, 'labelSmoothing'>> = {
  labelSmoothing: { type: 'number', min: 0, max: 1, maxExclusive: true, default: 0 },
};
const SEQ2SEQ_OBJECTIVE: ConfigSpec<Required<ObjectiveConfig>> = {
  teacherForcing: { type: 'number', min: 0, max: 1, default: 1 },
  labelSmoothing: { type: 'number', min: 0, max: 1, maxExclusive: true, default: 0 },
  scheduledSampling: { type: 'enum', values: SAMPLING_DECAY_NAMES, default: 'none' },
  samplingK: { type: 'numberOrNull', min: 0, default: null },
  samplingC: { type: 'number', min: 0, default: 1e-3 },
  samplingMin: { type: 'number', min: 0, max: 1, default: 0 },
  wordDropout: { type: 'number', min: 0, max: 1, maxExclusive: true, default: 0 },
  freeRunningEval: { type: 'boolean', default: false },
};

/** The decay's own checks: its k, and no setting it does not read (given: the keys the user set). */
function checkSampling(o: Required<ObjectiveConfig>, given: Readonly<Record<string, unknown>>): Required<ObjectiveConfig> {
  const rule = SAMPLING_DECAYS[o.scheduledSampling];
  const keys = { k: 'samplingK', c: 'samplingC', min: 'samplingMin' } as const;
  for (const [option, key] of Object.entries(keys) as [DecayOption, 'samplingK' | 'samplingC' | 'samplingMin'][]) {
    // A saved config.json holds every default, so only a value other than the default is refused.
    const fallback = (SEQ2SEQ_OBJECTIVE[key] as { default?: unknown }).default;
    if (given[key] !== undefined && given[key] !== fallback && !rule.options.includes(option)) {
      throw new GlimpseError(`objective.${key} does not apply to scheduledSampling "${o.scheduledSampling}" (it reads ${rule.options.length ? rule.options.join(', ') : 'none of k, c, min'})`);
    }
  }
  const problem = o.samplingK === null ? null : (rule.checkK?.(o.samplingK) ?? null);
  if (problem) throw new GlimpseError(`objective.samplingK: ${problem}`);
  if (o.scheduledSampling !== 'none' && o.teacherForcing !== 1) {
    throw new GlimpseError(`objective.teacherForcing ${o.teacherForcing} and scheduledSampling "${o.scheduledSampling}" both set how often the reference is fed; give one`);
  }
  return o;
}

/** The objective keys each family uses. */
export const OBJECTIVE_KEYS: { readonly [F in ModelFamily]: readonly (keyof ObjectiveConfig)[] } = {
  lm: tableKeys(LM_OBJECTIVE),
  seq2seq: tableKeys(SEQ2SEQ_OBJECTIVE),
};

/** How each family turns the user's model choice into an architecture and settings. */
interface FamilyChoice {
  objective(given: unknown): ObjectiveConfig;
  /** The choice (and the settings a named model implies) from the input. */
  choose(input: RunConfigInput, task: string): { choice: ModelChoice; model: Record<string, unknown>; train: Record<string, unknown> };
}

const FAMILY_CHOICES: { readonly [F in ModelFamily]: FamilyChoice } = {
  lm: {
    objective: (given) => ({ ...resolveConfig<Pick<ObjectiveConfig, 'labelSmoothing'>>('objective', given, LM_OBJECTIVE) }),
    choose(input, task) {
      if (input.attention !== undefined) {
        throw new GlimpseError(`--attention applies to seq2seq tasks; for a language model use --model lstm-attn (task ${task})`);
      }
      const name = input.modelName;
      const named = name === undefined ? null : ruleOf(LM_MODELS, name, 'model');
      const arch = input.arch ?? (input.model?.arch as string | undefined) ?? named?.arch ?? 'rnn';
      return { choice: { arch, attention: null }, model: { ...named?.model }, train: { ...named?.train } };
    },
  },
  seq2seq: {
    objective: (given) => ({ ...checkSampling(resolveConfig<Required<ObjectiveConfig>>('objective', given, SEQ2SEQ_OBJECTIVE), given as Record<string, unknown>) }),
    choose(input, task) {
      if (input.modelName !== undefined) {
        throw new GlimpseError(`--model names a language model (task lm); task ${task} chooses --arch and --attention`);
      }
      const given = input.attention ?? (input.model?.attention as string | undefined);
      const attention: AttentionKind | null = given === undefined ? null : checkAttention(given);
      const arch = input.arch ?? (input.model?.arch as string | undefined) ?? 'rnn';
      return { choice: { arch, attention }, model: attention ? { attention } : {}, train: {} };
    },
  },
};

function checkAttention(name: string): AttentionKind {
  if (!isTableKey(ATTENTION, name)) throw new GlimpseError(`unknown attention "${name}": expected one of ${tableKeys(ATTENTION).join(', ')}`);
  return name;
}

/**
 * Resolves what the user gave into a complete RunConfig: the task's preset, then the input's
 * values. Unknown tasks, models, architectures, attention names and config keys (also keys the
 * task does not use) are errors that name them and list what exists.
 *
 * @example
 * const config = resolveRunConfig({ task: 'reverse', attention: 'bahdanau', train: { maxSteps: 300 } });
 */
export function resolveRunConfig(input: RunConfigInput): RunConfig {
  const taskName = input.task ?? 'reverse';
  if (!isTableKey(TASKS, taskName)) throw new GlimpseError(`unknown task "${taskName}": expected one of ${tableKeys(TASKS).join(', ')}`);
  const task = TASKS[taskName];
  const family = FAMILY_CHOICES[task.family];
  const { choice, model: chosen, train: chosenTrain } = family.choose(input, taskName);
  const arch = ruleOf(FAMILIES[task.family].archs, choice.arch, `architecture for task ${taskName}`);
  if (choice.attention !== null && !arch.keys.includes('attention')) {
    throw new GlimpseError(`--attention chooses the attention of an RNN decoder; the ${choice.arch} architecture has its own (task ${taskName})`);
  }
  const preset = task.preset(choice);
  const { arch: _presetArch, ...presetModel } = preset.model;
  const { arch: _givenArch, ...givenModel } = input.model ?? {};
  const model: ModelConfig = { arch: choice.arch, ...arch.resolve({ ...presetModel, ...chosen, ...givenModel }, 'model') };
  const data = resolveData(task.data, { ...preset.data, ...input.data });
  const objective = family.objective({ ...preset.objective, ...input.objective });
  const train = resolveConfig<TrainConfig>('train', { ...preset.train, ...chosenTrain, ...input.train }, TRAIN_SPEC);
  return { task: taskName, data: { ...data }, objective, model, train: { ...train } };
}

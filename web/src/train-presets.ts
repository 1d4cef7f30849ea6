/**
 * What the training view offers, read from glimpse's own tables: every synthetic task
 * (`data.SYNTHETIC_TASKS`) with every seq2seq architecture (`models.SEQ2SEQ_ARCHS`) and, for the
 * RNN, every attention kind (`models.ATTENTION`); and a language model (`train.LM_MODELS`) of a
 * text the user gives. The run configs are `glimpse train`'s (`train.resolveRunConfig`) at the
 * tab's sizes: small enough to learn in a minute or two on a laptop. Shared by the page (the
 * lists) and the training worker (the configs).
 */
import { data, models, tableKeys, train } from 'glimpse';
import type { TrainSetup } from './protocol.js';

/** What the user chose; plain data (it crosses to the worker). */
export interface TrainChoice {
  /** A task of `train.TASKS`: a synthetic one, or the language-model task. */
  task: string;
  /** seq2seq: `arch` or `arch:attention` (see {@link seq2seqModelGroups}); a language model: a row of LM_MODELS. */
  model: string;
  /** Stop after this many steps (bounded by {@link STEP_LIMITS}). */
  maxSteps: number;
  /** The language model's text, already checked by the page (see `lm-text.ts`). */
  text?: { name: string; content: string; level: string };
}

/** The step limit a user may set. */
export const STEP_LIMITS = { min: 10, max: 10_000 } as const;

/** The language-model task: the row of TASKS whose family is `lm`. */
export const LM_TASK: train.TaskName = train.TASK_NAMES.find((n) => train.TASKS[n].family === 'lm')!;
/** The synthetic tasks (each a row of TASKS too). */
export const SYNTHETIC: readonly data.SyntheticTaskName[] = data.SYNTHETIC_TASK_NAMES;

/** "Luong general: h_t · W_a h_j" → "Luong general": a summary's name part. */
const short = (summary: string): string => summary.split(':')[0]!.trim();

export interface ModelOption { value: string; label: string; title: string }

/** The seq2seq models, grouped by architecture: the RNN once per attention kind, each other architecture once. */
export function seq2seqModelGroups(): { label: string; options: ModelOption[] }[] {
  return tableKeys(models.SEQ2SEQ_ARCHS).map((arch) => {
    const rule = models.SEQ2SEQ_ARCHS[arch];
    const options = rule.keys.includes('attention')
      ? models.ATTENTION_KINDS.map((kind) => ({ value: `${arch}:${kind}`, label: short(models.ATTENTION[kind].summary), title: models.ATTENTION[kind].summary }))
      : [{ value: arch, label: short(rule.summary), title: rule.summary }];
    return { label: short(rule.summary), options };
  });
}

/** The language models of LM_MODELS. */
export function lmModelOptions(): ModelOption[] {
  return train.LM_MODEL_NAMES.map((name) => ({ value: name, label: name, title: train.LM_MODELS[name].summary }));
}

/** The default model of each family in the tab. */
export const DEFAULT_MODEL = { seq2seq: 'rnn:luong-general', lm: 'lstm-attn' } as const;

/** The tab's sizes and recipe for one architecture. */
interface TabPreset {
  model: Readonly<Record<string, unknown>>;
  train: Readonly<Record<string, unknown>>;
  /** Default step limit. */
  maxSteps: number;
}

/**
 * seq2seq at the tab's size. RNN: PROTOCOL W3's model halved (embedding 32, bidirectional GRU
 * 2×48, GRU decoder 96); halving the learning rate after every evaluation that did not improve
 * exact match takes reversal to 99 % in about 1,000 steps. Transformer: d_model 32, 2 + 2
 * layers of 4 heads, with the task preset's warm-up schedule and label smoothing.
 */
const SEQ2SEQ_TAB: { readonly [A in models.Seq2SeqArch]: TabPreset } = {
  rnn: {
    model: { embeddingSize: 32, encoderHidden: 48, decoderHidden: 96, attentionSize: 96 },
    train: { lr: 3e-3, clip: 1, schedule: 'plateau', plateauFactor: 0.5, plateauPatience: 1 },
    maxSteps: 3000,
  },
  transformer: {
    model: { dModel: 32, nhead: 4, numEncoderLayers: 2, numDecoderLayers: 2, dimFeedforward: 64, maxLen: 48 },
    train: { lr: 3e-3, warmupSteps: 50 },
    maxSteps: 3000,
  },
};

/** A language model at the tab's size: one layer of 128 (or d_model 64, 2 layers), windows of 32. */
const LM_TAB: { readonly [A in models.LmArch]: TabPreset } = {
  rnn: { model: { embeddingSize: 32, hiddenSize: 128, numLayers: 1, dropout: 0, attentionWindow: 32 }, train: {}, maxSteps: 1000 },
  transformer: { model: { dModel: 64, nhead: 4, numLayers: 2, dimFeedforward: 128, dropout: 0, contextSize: 32 }, train: {}, maxSteps: 1000 },
  encdec: { model: { embeddingSize: 32, hiddenSize: 128, dropout: 0 }, train: {}, maxSteps: 1000 },
};

/** Synthetic data in the tab: 20,000 training pairs of 4–14 letters (dates: any written date), batches of 32. */
const SYNTHETIC_DATA = { minLen: 4, maxLen: 14, batchSize: 32, trainSize: 20000, validSize: 200, testSize: 1 } as const;
/** Language-model data in the tab: 16 streams, windows of 32 tokens. */
export const LM_DATA = { batchSize: 16, bptt: 32 } as const;

const EVERY = { evalEvery: 100, epochs: 100, saveEvery: 0 } as const;

function parseSeq2seq(model: string): { arch: string; attention?: string } {
  const [arch, attention] = model.split(':');
  return attention === undefined ? { arch: arch! } : { arch: arch!, attention };
}

/** The architecture a choice trains (a row of the family's architectures). */
function archOf(choice: TrainChoice): string {
  if (choice.task === LM_TASK) return train.LM_MODELS[choice.model as train.LmModelName]?.arch ?? 'rnn';
  return parseSeq2seq(choice.model).arch;
}

/** The default step limit of a choice. */
export function defaultSteps(task: string, model: string): number {
  const arch = archOf({ task, model, maxSteps: 0 });
  const table: Readonly<Record<string, TabPreset>> = task === LM_TASK ? LM_TAB : SEQ2SEQ_TAB;
  return table[arch]?.maxSteps ?? 1000;
}

/** The run config of a choice: `glimpse train`'s, resolved over the task's preset, at the tab's sizes. */
export function tabRunConfig(choice: TrainChoice, seed: number): train.RunConfig {
  const maxSteps = Math.min(STEP_LIMITS.max, Math.max(STEP_LIMITS.min, Math.round(choice.maxSteps)));
  if (choice.task === LM_TASK) {
    const arch = archOf(choice);
    const tab = LM_TAB[arch as models.LmArch];
    if (!tab) throw new Error(`no tab preset for the ${arch} language model`);
    return train.resolveRunConfig({
      task: choice.task, modelName: choice.model,
      data: { ...LM_DATA, source: choice.text?.name ?? 'text', level: choice.text?.level ?? 'char' },
      model: tab.model,
      train: { lr: 3e-3, clip: 0.5, plateauPatience: 1, ...tab.train, ...EVERY, maxSteps, seed },
    });
  }
  const { arch, attention } = parseSeq2seq(choice.model);
  const tab = SEQ2SEQ_TAB[arch as models.Seq2SeqArch];
  if (!tab) throw new Error(`no tab preset for the ${arch} architecture`);
  return train.resolveRunConfig({
    task: choice.task, arch, ...(attention !== undefined ? { attention } : {}),
    data: SYNTHETIC_DATA,
    model: tab.model,
    train: { ...tab.train, ...EVERY, maxSteps, target: 0.99, seed },
  });
}

/**
 * The output each synthetic task should give for an input, where the page can say it (the
 * verdict next to the watched output); null: no verdict.
 */
export const EXPECTED: { readonly [K in data.SyntheticTaskName]: (input: string) => string | null } = {
  reverse: (s) => [...s].reverse().join(''),
  copy: (s) => s,
  sort: (s) => [...s].sort().join(''),
  dates: () => null,
};

/** The watched input as the model reads it: a letter task's lower-cased and trimmed, anything else as typed. */
export function normalizeWatch(rule: TrainSetup['input'], text: string): string {
  return rule.letters ? text.trim().toLowerCase() : text;
}

/** What is wrong with a watched input (already normalised) for this run, or null. */
export function watchProblem(rule: TrainSetup['input'], text: string): string | null {
  if (rule.letters) {
    const { minLen, maxLen } = rule.letters;
    return /^[a-z]+$/.test(text) && text.length >= minLen && text.length <= maxLen ? null : `The input to watch must be ${minLen}–${maxLen} letters a–z.`;
  }
  const n = [...text].length;
  return n >= 1 && n <= rule.maxLength && text.trim() !== '' ? null : `The ${rule.label.toLowerCase()} must be 1–${rule.maxLength} characters.`;
}

/**
 * The flags of `glimpse train` that set a key of the run config, as a table: where each goes,
 * and for which tasks, architectures, attention kinds, optimizers and schedules it means
 * something. A flag given where it means nothing is refused with one line naming the flag and
 * why, instead of being ignored.
 */
import { type Command, Option } from 'commander';
import { models, nn, optim, train } from '../index.js';
import { UsageError } from './errors.js';
import { float, int, oneOf, pair } from './parse.js';

type Section = 'data' | 'model' | 'train' | 'objective';

/** What a flag's meaning depends on, once the task and the model are known. */
export interface FlagContext {
  taskName: string;
  task: train.TaskRule;
  /** The chosen architecture (a row of the family's table) and its config's keys. */
  archName: string;
  modelKeys: readonly string[];
  /** The chosen attention kind's rule, for seq2seq RNNs. */
  attention: models.AttentionRule | null;
  attentionName: string | null;
  optimizer: optim.OptimizerRule;
  optimizerName: string;
  schedule: optim.ScheduleRule;
  scheduleName: string;
}

interface ConfigFlag {
  /** commander's flag text, e.g. `--lr <x>`. */
  readonly flags: string;
  readonly help: string;
  readonly parse?: (value: string) => unknown;
  /** The section and key(s) it sets, for this context (the keys may depend on the model family and architecture). */
  target(ctx: FlagContext): { section: Section; key: string | readonly string[] };
  /** Why it means nothing in this context, or null when it applies. */
  applies?(ctx: FlagContext): string | null;
}

const data = (key: string) => () => ({ section: 'data' as const, key });
const trainKey = (key: string) => () => ({ section: 'train' as const, key });
const objective = (key: string) => () => ({ section: 'objective' as const, key });
/** A model key, or per family. */
const model = (key: string | { lm: string; seq2seq: string }) => (ctx: FlagContext) => ({
  section: 'model' as const, key: typeof key === 'string' ? key : key[ctx.task.family],
});

/**
 * The first of several model keys the architecture has (RNNs and Transformers name the same
 * idea differently: `heads` / `nhead`); the first when it has none, for the refusal to name.
 */
const modelKeyOf = (...keys: readonly (string | readonly string[])[]) => (ctx: FlagContext) => ({
  section: 'model' as const,
  key: keys.find((k) => (typeof k === 'string' ? [k] : k).every((x) => ctx.modelKeys.includes(x))) ?? keys[0]!,
});

/** Applies only when the optimizer reads this hyper-parameter. */
const optimizerOption = (option: optim.OptimizerOption) => (ctx: FlagContext): string | null =>
  ctx.optimizer.options.includes(option) ? null : `applies to the optimizers that read ${option} (${optim.OPTIMIZER_NAMES.filter((n) => optim.OPTIMIZERS[n].options.includes(option)).join(', ')}), not ${ctx.optimizerName}`;

/** Applies only when the schedule reads this option. */
const scheduleOption = (option: optim.ScheduleOption) => (ctx: FlagContext): string | null =>
  ctx.schedule.options.includes(option) ? null : `applies to the schedules that read ${option} (${optim.SCHEDULE_NAMES.filter((n) => optim.SCHEDULES[n].options.includes(option)).join(', ')}), not ${ctx.scheduleName}`;

/** Applies only with an attention kind whose scorer has this option. */
const attentionOption = (option: models.AttentionOption) => (ctx: FlagContext): string | null => {
  if (!ctx.attention) return null; // the key check below reports architectures without attention options
  return ctx.attention.options.includes(option) ? null : `applies to the attention kinds that use ${option} (${models.ATTENTION_KINDS.filter((k) => models.ATTENTION[k].options.includes(option)).join(', ')}), not ${ctx.attentionName}`;
};

/** Applies only to the recurrent seq2seq decoder (the one that feeds its own predictions back). */
const rnnOnly = (ctx: FlagContext): string | null => (ctx.modelKeys.includes('attention') ? null : `applies to the RNN seq2seq decoder, not the ${ctx.archName} architecture`);

export const CONFIG_FLAGS = {
  data: { flags: '--data <name|path>', help: 'dataset name (tinyshakespeare, multi30k) or path (lm: text file; translate: folder of train/val/test.<lang> files)', target: data('source') },
  batchSize: { flags: '--batch-size <n>', help: 'examples per batch (lm: streams)', parse: int(1, train.MAX_BATCH), target: data('batchSize') },
  bptt: { flags: '--bptt <n>', help: 'lm: window length T', parse: int(1, train.MAX_WINDOW), target: data('bptt') },
  level: { flags: '--level <level>', help: 'lm tokens: word or char', parse: oneOf(['word', 'char'] as const), target: data('level') },
  bucket: { flags: '--bucket', help: 'group similar lengths into batches (seq2seq)', target: data('bucket') },
  minLen: { flags: '--min-len <n>', help: 'synthetic tasks: shortest source', parse: int(1, 10_000), target: data('minLen') },
  maxLen: { flags: '--max-len <n>', help: 'synthetic tasks: longest source', parse: int(1, 10_000), target: data('maxLen') },
  dropout: { flags: '--dropout <p>', help: 'dropout probability', parse: float(0, 1), target: model('dropout') },
  embedding: { flags: '--embedding <n>', help: 'embedding size', parse: int(1, models.MAX_LAYER_SIZE), target: model('embeddingSize') },
  hidden: { flags: '--hidden <n>', help: 'hidden size: lm LSTM/GRU, seq2seq decoder', parse: int(1, models.MAX_LAYER_SIZE), target: model({ lm: 'hiddenSize', seq2seq: 'decoderHidden' }) },
  encoderHidden: { flags: '--encoder-hidden <n>', help: 'seq2seq encoder hidden size per direction', parse: int(1, models.MAX_LAYER_SIZE), target: model('encoderHidden') },
  layers: {
    flags: '--layers <n>', help: 'layers: lm layers, RNN seq2seq encoder layers, Transformer encoder and decoder layers', parse: int(1, models.MAX_LAYERS),
    target: modelKeyOf('numLayers', 'encoderLayers', ['numEncoderLayers', 'numDecoderLayers']),
  },
  cell: { flags: '--cell <kind>', help: `seq2seq recurrent cell: ${models.RECURRENT_KIND_NAMES.join(', ')}`, parse: oneOf(models.RECURRENT_KIND_NAMES), target: model('cell') },
  heads: { flags: '--heads <n>', help: 'heads of multi-head attention (Transformer: nhead, dividing --d-model)', parse: int(1, models.MAX_HEADS), target: modelKeyOf('heads', 'nhead'), applies: attentionOption('heads') },
  attentionSize: { flags: '--attention-size <n>', help: 'hidden size of the additive / concat scorer and of local-p\'s position predictor', parse: int(1, models.MAX_LAYER_SIZE), target: model('attentionSize'), applies: attentionOption('attentionSize') },
  attentionWindow: {
    flags: '--attention-window <D>', help: 'local attention: half-width D of the window [p_t - D, p_t + D] (default 5)', parse: int(1, models.MAX_WINDOW),
    target: model('attentionWindow'), applies: attentionOption('attentionWindow'),
  },
  inputFeeding: {
    flags: '--input-feeding', help: 'Luong input feeding (the preset for Luong attention in synthetic tasks)', target: model('inputFeeding'),
    applies: (ctx: FlagContext) => (!ctx.attention || ctx.attention.flow === 'after-cell' ? null : `applies to Luong-style attention (queried after the cell), not ${ctx.attentionName}`),
  },
  tieWeights: { flags: '--tie-weights', help: 'tie the output layer (Transformer: the generator) to the (target) embedding', target: model('tieWeights') },
  dModel: { flags: '--d-model <n>', help: 'Transformer: model width d_model (embeddings, attention, residual stream)', parse: int(1, models.MAX_LAYER_SIZE), target: model('dModel') },
  encoderLayers: { flags: '--encoder-layers <n>', help: 'Transformer seq2seq: encoder layers', parse: int(1, models.MAX_LAYERS), target: model('numEncoderLayers') },
  decoderLayers: { flags: '--decoder-layers <n>', help: 'Transformer seq2seq: decoder layers', parse: int(1, models.MAX_LAYERS), target: model('numDecoderLayers') },
  feedforward: { flags: '--feedforward <n>', help: 'Transformer: feed-forward size dim_feedforward', parse: int(1, models.MAX_LAYER_SIZE), target: model('dimFeedforward') },
  norm: {
    flags: '--norm <pre|post>', help: 'Transformer: LayerNorm before each sub-layer (pre, GPT-2) or after the residual add (post, Vaswani et al.)',
    parse: (v: string) => oneOf(['pre', 'post'] as const)(v) === 'pre', target: model('normFirst'),
  },
  activation: { flags: '--activation <name>', help: `Transformer feed-forward activation: ${nn.TRANSFORMER_ACTIVATIONS.join(', ')}`, parse: oneOf(nn.TRANSFORMER_ACTIVATIONS), target: model('activation') },
  positional: { flags: '--positional <kind>', help: `Transformer seq2seq positions: ${models.POSITIONAL_KINDS.join(', ')}`, parse: oneOf(models.POSITIONAL_KINDS), target: model('positional') },
  positions: {
    flags: '--positions <n>', help: 'Transformer: size of the position table (seq2seq: longest source or target; lm: context, at least --bptt)',
    parse: int(1, 1_000_000), target: model({ lm: 'contextSize', seq2seq: 'maxLen' }),
  },
  shareEmbeddings: { flags: '--share-embeddings', help: 'Transformer seq2seq: one embedding for source and target (equal vocabularies)', target: model('shareEmbeddings') },
  epochs: { flags: '--epochs <n>', help: 'passes over the training data', parse: int(1, 1_000_000), target: trainKey('epochs') },
  maxSteps: { flags: '--max-steps <n>', help: 'stop after n steps in total (0: no limit)', parse: int(0, train.MAX_STEPS), target: trainKey('maxSteps') },
  stepsPerEpoch: { flags: '--steps-per-epoch <n>', help: 'use only the first n batches of each epoch', parse: int(0, train.MAX_STEPS), target: trainKey('stepsPerEpoch') },
  optimizer: { flags: '--optimizer <name>', help: optim.OPTIMIZER_NAMES.map((n) => `${n}: ${optim.OPTIMIZERS[n].summary}`).join('; '), parse: oneOf(optim.OPTIMIZER_NAMES), target: trainKey('optimizer') },
  lr: { flags: '--lr <x>', help: 'learning rate', parse: float(0, Infinity, true), target: trainKey('lr') },
  weightDecay: { flags: '--weight-decay <x>', help: 'weight decay', parse: float(0), target: trainKey('weightDecay'), applies: optimizerOption('weightDecay') },
  momentum: { flags: '--momentum <x>', help: 'SGD momentum μ', parse: float(0, 1), target: trainKey('momentum'), applies: optimizerOption('momentum') },
  dampening: { flags: '--dampening <x>', help: 'SGD dampening of the momentum', parse: float(0, 1), target: trainKey('dampening'), applies: optimizerOption('dampening') },
  nesterov: { flags: '--nesterov', help: 'SGD Nesterov momentum', target: trainKey('nesterov'), applies: optimizerOption('nesterov') },
  betas: { flags: '--betas <b1,b2>', help: 'Adam (β₁, β₂), e.g. 0.9,0.98', parse: pair(0, 1), target: trainKey('betas'), applies: optimizerOption('betas') },
  eps: { flags: '--eps <x>', help: 'Adam ε', parse: float(0), target: trainKey('eps'), applies: optimizerOption('eps') },
  clip: { flags: '--clip <x>', help: 'gradient-norm clipping, 0 = off', parse: float(0), target: trainKey('clip') },
  schedule: { flags: '--schedule <name>', help: optim.SCHEDULE_NAMES.map((n) => `${n}: ${optim.SCHEDULES[n].summary}`).join('; '), parse: oneOf(optim.SCHEDULE_NAMES), target: trainKey('schedule') },
  warmupSteps: { flags: '--warmup-steps <n>', help: 'warm-up schedules: steps of linear warm-up (0: a tenth of the run, at most 4000)', parse: int(0, train.MAX_STEPS), target: trainKey('warmupSteps'), applies: scheduleOption('warmupSteps') },
  minLrFactor: { flags: '--min-lr-factor <x>', help: 'warmup-cosine: the final rate as a fraction of --lr', parse: float(0, 1), target: trainKey('minLrFactor'), applies: scheduleOption('minLrFactor') },
  plateauFactor: { flags: '--plateau-factor <x>', help: 'plateau: multiply the rate by x', parse: float(0, 1, true), target: trainKey('plateauFactor'), applies: scheduleOption('plateauFactor') },
  plateauPatience: { flags: '--plateau-patience <n>', help: 'plateau: evaluations without improvement tolerated', parse: int(0, 1_000_000), target: trainKey('plateauPatience'), applies: scheduleOption('plateauPatience') },
  gamma: { flags: '--gamma <x>', help: 'step, exponential: the factor γ', parse: float(0, 1), target: trainKey('gamma'), applies: scheduleOption('gamma') },
  stepSize: { flags: '--step-size <n>', help: 'step: epochs between reductions', parse: int(1, 1_000_000), target: trainKey('stepSize'), applies: scheduleOption('stepSize') },
  earlyStopping: { flags: '--early-stopping <n>', help: 'stop after n evaluations without improvement, 0 = off', parse: int(0, 1_000_000), target: trainKey('earlyStopping') },
  evalEvery: { flags: '--eval-every <n>', help: 'evaluate every n steps, 0 = every epoch', parse: int(0, train.MAX_STEPS), target: trainKey('evalEvery') },
  saveEvery: { flags: '--save-every <n>', help: 'save a resumable checkpoint every n steps (0: at evaluations and the end)', parse: int(0, train.MAX_STEPS), target: trainKey('saveEvery') },
  keepCheckpoints: {
    flags: '--keep-checkpoints <n>', help: `keep the weights of the last n saved checkpoints as step-<step>.safetensors, for glimpse average --last (0: none; at most ${train.MAX_KEPT_CHECKPOINTS})`,
    parse: int(0, train.MAX_KEPT_CHECKPOINTS), target: trainKey('keepCheckpoints'),
  },
  target: { flags: '--target <x>', help: 'stop when the validation metric reaches x', parse: float(), target: trainKey('target') },
  seed: { flags: '--seed <n>', help: 'random seed', parse: int(0, 2 ** 32 - 1), target: trainKey('seed') },
  labelSmoothing: { flags: '--label-smoothing <e>', help: 'label smoothing ε', parse: float(0, 1), target: objective('labelSmoothing') },
  teacherForcing: { flags: '--teacher-forcing <r>', help: 'seq2seq: probability of feeding the reference token', parse: float(0, 1), target: objective('teacherForcing') },
  scheduledSampling: {
    flags: '--scheduled-sampling <decay>',
    help: `seq2seq RNN: scheduled sampling (Bengio et al. 2015), the probability ε_i of feeding the reference at step i decays: ${train.SAMPLING_DECAY_NAMES.filter((n) => n !== 'none').map((n) => `${n}: ${train.SAMPLING_DECAYS[n].summary}`).join('; ')}`,
    parse: oneOf(train.SAMPLING_DECAY_NAMES), target: objective('scheduledSampling'), applies: rnnOnly,
  },
  samplingK: { flags: '--sampling-k <k>', help: 'scheduled sampling: the decay\'s k', parse: float(0), target: objective('samplingK'), applies: rnnOnly },
  samplingC: { flags: '--sampling-c <c>', help: 'scheduled sampling, linear: slope c per step (default 0.001)', parse: float(0), target: objective('samplingC'), applies: rnnOnly },
  samplingMin: { flags: '--sampling-min <ε>', help: 'scheduled sampling, linear: the floor ε (default 0)', parse: float(0, 1), target: objective('samplingMin'), applies: rnnOnly },
  freeRunningEval: {
    flags: '--free-running-eval', help: 'seq2seq RNN: every evaluation also reports the free-running loss and perplexity (the decoder fed its own predictions), drawn beside the teacher-forced loss by glimpse plot',
    target: objective('freeRunningEval'), applies: rnnOnly,
  },
  wordDropout: { flags: '--word-dropout <p>', help: 'seq2seq RNN: hide each decoder input word (its embedding) with probability p in training', parse: float(0, 1), target: objective('wordDropout'), applies: rnnOnly },
} satisfies Record<string, ConfigFlag>;

export type ConfigFlagName = keyof typeof CONFIG_FLAGS;
const FLAGS: { readonly [K in ConfigFlagName]: ConfigFlag } = CONFIG_FLAGS;

/** Adds every config flag to the command, without defaults (so a given flag can be told from an absent one). */
export function addConfigFlags(command: Command): void {
  for (const f of Object.values(FLAGS)) {
    const option = new Option(f.flags, f.help);
    if (f.parse) option.argParser(f.parse);
    command.addOption(option);
  }
  command.addOption(new Option('--no-input-feeding', 'turn input feeding off'));
}

/** The flag's name as the user typed it (`--lr`). */
const flagName = (f: ConfigFlag): string => f.flags.split(' ')[0]!;

/**
 * The config flags the user gave, placed into `input`; a flag that means nothing for the task,
 * model, optimizer or schedule is a UsageError naming it.
 *
 * @param given the flags the user typed, by commander's option key
 */
export function applyConfigFlags(
  input: train.RunConfigInput, given: ReadonlyMap<string, unknown>, ctx: FlagContext, keysOf: (section: Section) => readonly string[],
): train.RunConfigInput {
  const sections: Record<Section, Record<string, unknown>> = {
    data: { ...input.data }, model: { ...input.model }, train: { ...input.train }, objective: { ...input.objective },
  };
  for (const [name, f] of Object.entries(FLAGS) as [ConfigFlagName, ConfigFlag][]) {
    if (!given.has(name)) continue;
    const { section, key } = f.target(ctx);
    const keys = typeof key === 'string' ? [key] : key;
    const missing = keys.find((k) => !keysOf(section).includes(k));
    if (missing !== undefined) {
      const whose = section === 'model' ? `its ${ctx.archName} model config` : `its ${section} config`;
      throw new UsageError(`${flagName(f)} does not apply to task ${ctx.taskName} (${whose} has no ${missing})`);
    }
    const why = f.applies?.(ctx) ?? null;
    if (why) throw new UsageError(`${flagName(f)} ${why}`);
    for (const k of keys) sections[section][k] = given.get(name);
  }
  return { ...input, ...sections };
}

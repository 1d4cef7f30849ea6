import type { AttentionKind, ModelFamily } from '../../models/index.js';
import type { TrainConfig } from '../config.js';
import type { DataConfig, DataKind } from '../data-config.js';

/** A task's starting point for a model choice (PROTOCOL's workloads); flags and config files override it. */
export interface TaskPreset {
  data: Readonly<Record<string, unknown>>;
  model: Readonly<Record<string, unknown>>;
  train: Readonly<Partial<TrainConfig>>;
  objective?: Readonly<Record<string, unknown>>;
}

/** What the user chose of the model: its architecture and, for seq2seq RNNs, the attention kind. */
export interface ModelChoice {
  arch: string;
  attention: AttentionKind | null;
}

/** Everything glimpse needs to know about one task, so no code tests a task's name. */
export interface TaskRule {
  /** One line for `--help` and the web page. */
  readonly summary: string;
  readonly family: ModelFamily;
  /** Where its data come from (a row of DATA_KINDS). */
  readonly data: DataKind;
  /** Its defaults for a model choice. */
  preset(choice: ModelChoice): TaskPreset;
  /** Text → the model's input tokens (one token per character for the synthetic tasks). */
  tokenize(text: string, data: DataConfig): string[];
  /** The model's output tokens → text. */
  detokenize(tokens: readonly string[], data: DataConfig): string;
  /** The metric that picks the best checkpoint, drives plateau schedules and early stopping. */
  readonly primary: { readonly name: string; readonly mode: 'min' | 'max' };
  /** The metric the training curves show, and its label. */
  readonly curve: { readonly metric: string; readonly label: string };
  /** The encoder reads an `<eos>` after the source (PROTOCOL W2). */
  readonly sourceEnd: boolean;
  /** Evaluation also decodes the split greedily for exact match and token accuracy. */
  readonly accuracy: boolean;
  /** What the model reads, an input to try, and the verb of running it (help texts, the web page). */
  readonly input: { readonly label: string; readonly example: string; readonly action: string };
}

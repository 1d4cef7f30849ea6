/**
 * The decoding flags shared by `glimpse translate`, `glimpse eval` and (some of them)
 * `glimpse generate`, as a table: each flag's text, parser, the commands it belongs to and, once
 * the command line is read, whether it means something there. A flag given where it would change
 * nothing (a beam-search penalty with greedy decoding, top-k without --sample) is refused with
 * one line naming it, instead of being ignored. The decoding itself lives in the library's
 * decoders (`decode/processors/`, `decode/scoring.ts`); this file only reads flags.
 */
import { type Command, Option } from 'commander';
import { Rng, decode, train } from '../index.js';
import { UsageError } from './errors.js';
import { float, int, oneOf, runDir } from './parse.js';

type SearchCommand = 'translate' | 'eval' | 'generate';

/** The flags as commander stores them (all optional: a missing one keeps the decoder's default). */
export interface SearchFlags {
  lengthPenalty?: decode.LengthPenaltyKind;
  alpha?: number;
  beta?: number;
  /** commander's negatable-looking name: `--no-repeat-ngram <n>` is stored as `repeatNgram` (true when absent). */
  repeatNgram?: number | true;
  repetitionPenalty?: number;
  minLength?: number;
  sample?: boolean;
  temperature?: number;
  topK?: number;
  topP?: number;
  seed?: number;
  prefix?: string;
  constraint?: string[];
}

type SearchFlagKey = Exclude<keyof SearchFlags, 'repeatNgram'> | 'noRepeatNgram';

/** What the rest of the command line says, for deciding whether a flag applies. */
interface FlagContext {
  beam: number;
  nBest: number;
  sample: boolean;
}

interface SearchFlagRule {
  readonly flags: string;
  readonly help: string;
  readonly parse?: (value: string, previous: unknown) => unknown;
  readonly commands: readonly SearchCommand[];
  /** Why the flag means nothing here, or null when it applies. */
  applies?(ctx: FlagContext): string | null;
}

const SEARCH: readonly SearchCommand[] = ['translate', 'eval'];
const ALL: readonly SearchCommand[] = ['translate', 'eval', 'generate'];
const rankingOnly = (ctx: FlagContext): string | null =>
  ctx.sample ? 'ranks beam search hypotheses, not samples' : ctx.beam === 1 && ctx.nBest === 1 ? 'ranks beam search hypotheses; it needs --beam 2 or more' : null;
const samplingOnly = (ctx: FlagContext): string | null => (ctx.sample ? null : 'applies to sampling: add --sample');

/** Every decoding flag, in help order. */
export const SEARCH_FLAGS: { readonly [K in SearchFlagKey]: SearchFlagRule } = {
  lengthPenalty: {
    flags: '--length-penalty <kind>',
    help: `beam search length normalisation: log P / lp(|Y|) with ${decode.LENGTH_PENALTY_KINDS.map((k) => `${k}: ${decode.LENGTH_PENALTIES[k].help}`).join('; ')} (default avg)`,
    parse: oneOf(decode.LENGTH_PENALTY_KINDS),
    commands: SEARCH,
    applies: rankingOnly,
  },
  alpha: {
    flags: '--alpha <a>',
    help: `α of the length penalty (default ${decode.LENGTH_PENALTY_KINDS.filter((k) => k !== 'none').map((k) => `${decode.LENGTH_PENALTIES[k].defaultAlpha} for ${k}`).join(', ')})`,
    parse: float(0, decode.MAX_ALPHA),
    commands: SEARCH,
    applies: rankingOnly,
  },
  beta: {
    flags: '--beta <b>',
    help: 'coverage penalty β (Wu et al. 2016): adds β·Σ_i log min(attention received by source word i, 1); 0: off',
    parse: float(0, decode.MAX_BETA),
    commands: SEARCH,
    applies: rankingOnly,
  },
  noRepeatNgram: {
    flags: '--no-repeat-ngram <n>',
    help: `never generate the same n-gram twice (1: no token twice; at most ${decode.MAX_NGRAM})`,
    parse: int(1, decode.MAX_NGRAM),
    commands: ALL,
  },
  repetitionPenalty: {
    flags: '--repetition-penalty <θ>',
    help: 'CTRL repetition penalty (Keskar et al. 2019): log-probabilities of tokens already generated are multiplied by θ (> 1 discourages repeats; 1: off)',
    parse: float(0, 100, true),
    commands: ALL,
  },
  minLength: {
    flags: '--min-length <n>',
    help: 'no end of sentence before n output tokens (below --max-tokens)',
    parse: int(0, 10_000),
    commands: SEARCH,
  },
  prefix: {
    flags: '--prefix <text>',
    help: 'target text every translation starts with (forced decoding)',
    commands: ['translate'],
  },
  constraint: {
    flags: '--constraint <words>',
    help: `target word(s) every translation must contain (repeat the flag, at most ${decode.MAX_CONSTRAINTS}; ${decode.MAX_CONSTRAINT_TOKENS} tokens together; grid beam search with dynamic beam allocation)`,
    parse: (value, previous) => [...(previous as string[] | undefined ?? []), value],
    commands: ['translate'],
  },
  sample: {
    flags: '--sample',
    help: 'sample translations instead of searching (with --temperature, --top-k, --top-p, --seed; --n-best draws that many)',
    commands: SEARCH,
  },
  temperature: {
    flags: '--temperature <t>',
    help: 'sampling temperature (< 1 sharper, > 1 flatter; default 1)',
    parse: float(0, 100, true),
    commands: SEARCH,
    applies: samplingOnly,
  },
  topK: {
    flags: '--top-k <k>',
    help: 'sample among the k most likely tokens (0: all)',
    parse: int(0, 10_000_000),
    commands: SEARCH,
    applies: samplingOnly,
  },
  topP: {
    flags: '--top-p <p>',
    help: 'sample among the most likely tokens holding probability p (nucleus; 1: all)',
    parse: float(0, 1),
    commands: SEARCH,
    applies: samplingOnly,
  },
  seed: {
    flags: '--seed <n>',
    help: 'random seed of the sampling (the same seed repeats the output; default 1)',
    parse: int(0, 2 ** 32 - 1),
    commands: SEARCH,
    applies: samplingOnly,
  },
};

const KEYS = Object.keys(SEARCH_FLAGS) as SearchFlagKey[];

/** Adds the decoding flags that belong to `command`. */
export function addSearchFlags(cmd: Command, command: SearchCommand): Command {
  for (const key of KEYS) {
    const rule = SEARCH_FLAGS[key];
    if (!rule.commands.includes(command)) continue;
    const option = new Option(rule.flags, rule.help);
    if (rule.parse) option.argParser(rule.parse);
    cmd.addOption(option);
  }
  return cmd;
}

/** The value commander stored for a flag (undefined when not given). */
function given(flags: SearchFlags, key: SearchFlagKey): unknown {
  if (key === 'noRepeatNgram') return flags.repeatNgram === true ? undefined : flags.repeatNgram;
  return flags[key];
}

/** The flag's text as the user typed it, e.g. `--top-k`. */
const flagName = (key: SearchFlagKey) => SEARCH_FLAGS[key].flags.split(' ')[0]!;

/**
 * The search settings the flags ask for, after refusing those that mean nothing in this
 * context (one line naming the flag). `maxTokens` bounds --min-length.
 */
export function searchSettings(command: SearchCommand, flags: SearchFlags, ctx: { beam: number; nBest: number; maxTokens: number }): train.SearchSettings {
  const full: FlagContext = { ...ctx, sample: flags.sample === true };
  for (const key of KEYS) {
    if (!SEARCH_FLAGS[key].commands.includes(command) || given(flags, key) === undefined) continue;
    const why = SEARCH_FLAGS[key].applies?.(full) ?? null;
    if (why) throw new UsageError(`${flagName(key)} ${why}`);
  }
  if (full.sample && ctx.beam > 1) throw new UsageError(`--sample draws tokens instead of searching; it does not go with --beam ${ctx.beam}`);
  if (flags.alpha !== undefined && flags.lengthPenalty === 'none') throw new UsageError('--alpha sets the length penalty, and --length-penalty none has none');
  if (flags.minLength !== undefined && flags.minLength >= ctx.maxTokens) throw new UsageError(`--min-length ${flags.minLength} must be below --max-tokens ${ctx.maxTokens}`);
  const noRepeatNgram = given(flags, 'noRepeatNgram') as number | undefined;
  return {
    ...(flags.lengthPenalty !== undefined ? { lengthPenalty: flags.lengthPenalty } : {}),
    ...(flags.alpha !== undefined ? { alpha: flags.alpha } : {}),
    ...(flags.beta !== undefined ? { beta: flags.beta } : {}),
    ...(noRepeatNgram !== undefined ? { noRepeatNgram } : {}),
    ...(flags.repetitionPenalty !== undefined ? { repetitionPenalty: flags.repetitionPenalty } : {}),
    ...(flags.minLength !== undefined ? { minLength: flags.minLength } : {}),
    ...(full.sample ? {
      sample: {
        ...(flags.temperature !== undefined ? { temperature: flags.temperature } : {}),
        ...(flags.topK !== undefined ? { topK: flags.topK } : {}),
        ...(flags.topP !== undefined ? { topP: flags.topP } : {}),
        rng: new Rng(flags.seed ?? 1),
      },
    } : {}),
  };
}

/** --constraint values, refused beyond the bound (one line). */
export function constraintFlags(flags: SearchFlags): string[] {
  const list = flags.constraint ?? [];
  if (list.length > decode.MAX_CONSTRAINTS) throw new UsageError(`at most ${decode.MAX_CONSTRAINTS} --constraint flags, got ${list.length}`);
  return list;
}

/**
 * Checks --prefix and --constraint against a model's target vocabulary and the length bounds
 * once, before any input line (one line naming the flag and the word the vocabulary lacks).
 */
export function checkTargetFlags(model: Parameters<typeof train.encodeTarget>[0], flags: SearchFlags, maxTokens: number): void {
  const prefix = flags.prefix !== undefined ? train.encodeTarget(model, flags.prefix, '--prefix').length : 0;
  const total = (flags.constraint ?? []).reduce((n, c) => n + train.encodeTarget(model, c, `--constraint ${JSON.stringify(c)}`).length, 0);
  if (total > decode.MAX_CONSTRAINT_TOKENS) throw new UsageError(`the --constraint flags hold ${total} tokens together; at most ${decode.MAX_CONSTRAINT_TOKENS}`);
  if (prefix + total > maxTokens) throw new UsageError(`--prefix and --constraint need ${prefix + total} tokens, more than --max-tokens ${maxTokens}`);
}

/** A one-line description of the decoding, for eval's report (e.g. `beam 5, wu α 0.6, β 0.2, no-repeat 3`). */
export function describeSearch(beam: number, s: train.SearchSettings): string {
  const parts: string[] = [s.sample ? 'sampling' : beam === 1 ? 'greedy' : `beam ${beam}`];
  if (s.sample) {
    if (s.sample.temperature !== undefined) parts.push(`temperature ${s.sample.temperature}`);
    if (s.sample.topK !== undefined) parts.push(`top-k ${s.sample.topK}`);
    if (s.sample.topP !== undefined) parts.push(`top-p ${s.sample.topP}`);
  }
  if (beam > 1) {
    const lp = s.lengthPenalty ?? 'avg';
    parts.push(lp === 'none' ? 'no length penalty' : `${lp} α ${s.alpha ?? decode.LENGTH_PENALTIES[lp].defaultAlpha}`);
    if (s.beta) parts.push(`β ${s.beta}`);
  }
  if (s.noRepeatNgram) parts.push(`no-repeat ${s.noRepeatNgram}`);
  if (s.repetitionPenalty !== undefined) parts.push(`repetition penalty ${s.repetitionPenalty}`);
  if (s.minLength) parts.push(`min length ${s.minLength}`);
  return parts.join(', ');
}

/** `--run` given several times: the run folders (`pretrained:NAME` resolved), in order (an ensemble when more than one). */
export function collectRuns(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), runDir(value)];
}

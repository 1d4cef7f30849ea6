import { check } from '../util/errors.js';
import type { StepModel, StepOutput } from './types.js';

/** An ensemble's state: each member's own state, in member order. */
export type EnsembleState = readonly unknown[];

/**
 * Several step models decoding as one: at every step the members' log-probabilities are
 * averaged, (1/M) Σ_m log p_m(y | ·), as OpenNMT-py's ensembles do (a product of experts; the
 * rows are not renormalised). Each member keeps its own state; the ensemble's `attention` is
 * the members' average (for heatmaps and the coverage penalty) and `memberAttention` keeps each
 * member's own. Members must share the vocabulary (the caller checks that the tokens agree; here
 * only the size can be checked). An ensemble of one decodes exactly as its member.
 *
 * @example
 * const step = ensemble([a.asStepModel(), b.asStepModel()]);
 * const [h] = beamSearch(step, [a.startState(batch), b.startState(batch)], { beam: 5, start: BOS, end: EOS, maxTokens: 50 });
 */
export function ensemble(members: readonly StepModel<unknown>[]): StepModel<EnsembleState> {
  check(members.length >= 1, 'an ensemble needs at least one model');
  const V = members[0]!.vocabSize;
  members.forEach((m, i) => check(m.vocabSize === V, `ensemble: model ${i + 1} has ${m.vocabSize} output tokens, model 1 has ${V}; members must share the target vocabulary`));
  const M = members.length;
  return {
    vocabSize: V,
    step(state, prevTokens): StepOutput<EnsembleState> {
      check(state.length === M, `ensemble: a state for ${state.length} models, expected ${M}`);
      const outs = members.map((m, i) => m.step(state[i], prevTokens));
      const n = prevTokens.length;
      const sum = new Float64Array(n * V);
      for (const o of outs) for (let k = 0; k < sum.length; k++) sum[k]! += o.logProbs[k]!;
      const logProbs = new Float32Array(n * V);
      for (let k = 0; k < sum.length; k++) logProbs[k] = sum[k]! / M;
      const memberAttention = outs.map((o) => o.attention);
      const attention = averageAttention(memberAttention, n);
      return {
        logProbs, state: outs.map((o) => o.state),
        ...(attention ? { attention } : {}),
        ...(attention && M > 1 ? { memberAttention } : {}),
        ...(M === 1 && outs[0]!.attentionMaps ? { attentionMaps: outs[0]!.attentionMaps } : {}),
      };
    },
    select(state, rows) {
      return members.map((m, i) => m.select(state[i], rows));
    },
  };
}

/** Row-wise mean over the members that report attention of the same width; undefined when none does. */
function averageAttention(all: readonly (number[][] | undefined)[], n: number): number[][] | undefined {
  const have = all.filter((a): a is number[][] => a !== undefined);
  if (have.length === 0) return undefined;
  if (have.length === 1) return have[0];
  return Array.from({ length: n }, (_, r) => {
    const width = have[0]![r]!.length;
    const same = have.filter((a) => a[r]!.length === width);
    return Array.from({ length: width }, (_, i) => same.reduce((s, a) => s + a[r]![i]!, 0) / same.length);
  });
}

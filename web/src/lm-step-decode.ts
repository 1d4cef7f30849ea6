/**
 * Sampling one token at a time, for the step view of a language model (runs in the explore
 * worker). The model is replayed from the prompt through the tokens chosen so far, with the
 * library's sampling (`decode.samplingWeights`, `decode.sampleRow`, `decode.sample`) and a
 * generator seeded as `glimpse generate --seed` seeds it: it draws once per step, whether the
 * token was sampled or forced, so taking the sampled token at every step writes exactly what
 * `glimpse generate` writes with the same settings. Shapes: V vocabulary.
 */
import { GlimpseError, Rng, decode, noGrad, train } from 'glimpse';
import type { SamplingSettings, StepCandidate, StepResult } from './protocol.js';

type Lm = Extract<train.TrainedModel, { kind: 'lm' }>;

/** The prompt as `generateText` reads it, with its refusals. */
function promptOf(t: Lm, text: string): train.EncodedInput {
  const p = train.encodeInput(t, text);
  if (p.tokens.length === 0) throw new GlimpseError('the prompt is empty: give some words to continue');
  if (p.unknown.length === p.tokens.length) throw new GlimpseError('every token of the prompt is unknown to the model');
  return p;
}

/** Row `i`'s attention (over its last positions) placed in a row as wide as the whole context. */
function contextRow(row: readonly number[], end: number, width: number): number[] {
  const full = new Array<number>(width).fill(0);
  row.forEach((w, j) => (full[end - row.length + j] = w));
  return full;
}

/**
 * Replays `chosen` (ids after the prompt) and returns each chosen token's probability under
 * the adjusted distribution, the k most likely tokens of the next step's adjusted distribution
 * (only tokens sampling can draw), the token the seeded generator draws there (`pick`), and
 * the text sampling writes from here up to `maxTokens` tokens.
 *
 * @example
 * lmStepDecode(trained, 'the king', [], 5, { temperature: 0.8, topK: 0, topP: 1, seed: 1, maxTokens: 40 }).pick;
 */
export function lmStepDecode(tm: train.TrainedModel, text: string, chosen: readonly number[], k: number, s: SamplingSettings): StepResult {
  if (tm.kind !== 'lm') throw new GlimpseError('sampling settings apply to a language model (this run is a seq2seq model)');
  const t = tm;
  const vocab = t.vocabs.lm;
  const V = vocab.size;
  const o = decode.validateSampling({ temperature: s.temperature, topK: s.topK, topP: s.topP });
  if (!Number.isInteger(s.maxTokens) || s.maxTokens < 1) throw new GlimpseError(`tokens must be a positive integer, got ${s.maxTokens}`);
  if (chosen.length > s.maxTokens) throw new GlimpseError(`at most ${s.maxTokens} tokens are generated`);
  chosen.forEach((id, i) => {
    if (!Number.isInteger(id) || id < 0 || id >= V) throw new GlimpseError(`step ${i + 1}: token id ${id} is outside the vocabulary (0…${V - 1})`);
  });
  const prompt = promptOf(t, text);
  const context = [...prompt.tokens, ...vocab.decode(chosen)];
  return noGrad(() => {
    const step = t.model.asStepModel();
    const rng = new Rng(s.seed);
    let state = t.model.prime(prompt.ids);
    let prev = prompt.ids[prompt.ids.length - 1]!;
    const steps: StepCandidate[] = [];
    const attention: number[][] = [];
    let next: StepCandidate[] = [];
    let pick: StepCandidate | null = null;
    let rest: number[] = [];
    const finished = chosen.length === s.maxTokens;
    for (let i = 0; i <= chosen.length; i++) {
      if (i === chosen.length && !finished) {
        // From here sampling writes the rest: the same state and generator as the step below.
        const saved = rng.getState();
        const fork = new Rng();
        fork.setState(saved);
        const [h] = decode.sample(step, state, 1, { start: prev, end: null, maxTokens: s.maxTokens - chosen.length, ...o, rng: fork });
        rest = h!.tokens;
      }
      if (i === chosen.length && finished) break;
      const out = step.step(state, Int32Array.of(prev));
      state = out.state;
      if (out.attention?.[0]) attention.push(contextRow(out.attention[0], prompt.tokens.length + i, context.length));
      const w = decode.samplingWeights(out.logProbs, 0, V, o);
      const total = w.reduce((a, b) => a + b, 0);
      const candidate = (id: number): StepCandidate => ({ id, token: vocab.itos[id]!, prob: w[id]! / total, modelProb: Math.exp(out.logProbs[id]!) });
      const drawn = decode.sampleRow(out.logProbs, 0, V, o, rng); // one draw per step, as decode.sample does
      if (i === chosen.length) {
        const order = Array.from(w.keys()).filter((j) => w[j]! > 0).sort((a, b) => w[b]! - w[a]! || a - b);
        next = order.slice(0, k).map(candidate);
        pick = candidate(drawn);
        break;
      }
      steps.push(candidate(chosen[i]!));
      prev = chosen[i]!;
    }
    const all = [...prompt.ids, ...chosen, ...rest];
    return {
      source: context, unknown: prompt.unknown, steps, next, pick, attention, finished,
      continuation: train.decodeOutput(t, all).text, rowTitle: 'generated', colTitle: 'context',
    };
  });
}

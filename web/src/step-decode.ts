/**
 * Decoding one token at a time, for the step view (runs in the explore worker): the decoder is
 * replayed from `<bos>` through the tokens chosen so far (the model's own or forced ones), then
 * asked for its next-token distribution. A replay keeps the worker stateless between requests;
 * the page's models are small and outputs short. Shapes: V target vocabulary, S source length.
 */
import { GlimpseError, data, noGrad, tensor, train } from 'glimpse';
import type { StepCandidate, StepResult } from './protocol.js';

type Seq2Seq = Extract<train.TrainedModel, { kind: 'seq2seq' }>;

/** The source ids as `translateText` reads them (with `<eos>` where the task ends sources with it). */
export function sourceOf(t: Seq2Seq, text: string): { tokens: string[]; ids: number[]; unknown: string[] } {
  const input = train.encodeInput(t, text);
  const eos = train.TASKS[t.config.task].sourceEnd && t.vocabs.src.has(data.EOS) ? [t.vocabs.src.id(data.EOS)] : [];
  const ids = [...input.ids, ...eos];
  if (ids.length === 0) throw new GlimpseError('the input is empty after tokenisation');
  return { tokens: [...input.tokens, ...(eos.length ? [data.EOS] : [])], ids, unknown: input.unknown };
}

/** The k most likely tokens of one row of log-probabilities [V], most likely first. */
function topK(logProbs: Float32Array, k: number, itos: readonly string[]): StepCandidate[] {
  const order = Array.from(logProbs.keys()).sort((a, b) => logProbs[b]! - logProbs[a]!);
  return order.slice(0, k).map((id) => ({ id, token: itos[id]!, prob: Math.exp(logProbs[id]!) }));
}

/**
 * Replays `chosen` (target ids after `<bos>`) on `text`'s source and returns each chosen token's
 * probability and attention row, the top-k of the next step (none after `<eos>`) and the
 * greedy output that continues from `chosen`.
 *
 * @example
 * stepDecode(trained, 'abc', [], 5).next[0]!.token; // the greedy first token
 */
export function stepDecode(tm: train.TrainedModel, text: string, chosen: readonly number[], k: number): StepResult {
  if (tm.kind !== 'seq2seq') throw new GlimpseError('stepping through the decoder needs a seq2seq run (this one is a language model)');
  const t = tm;
  const tgt = t.vocabs.tgt;
  const bos = tgt.id(data.BOS);
  const eos = tgt.id(data.EOS);
  chosen.forEach((id, i) => {
    if (!Number.isInteger(id) || id < 0 || id >= tgt.size) throw new GlimpseError(`step ${i + 1}: token id ${id} is outside the target vocabulary (0…${tgt.size - 1})`);
    if (id === eos && i < chosen.length - 1) throw new GlimpseError(`step ${i + 1}: <eos> ends the output; nothing may follow it`);
  });
  const source = sourceOf(t, text);
  const limit = Math.min(2 * source.ids.length + 10, t.model.maxLength?.length ?? Infinity);
  if (chosen.length > limit) throw new GlimpseError(`the output may have at most ${limit} tokens for this input`);
  const batch = () => ({ src: tensor(Int32Array.from(source.ids), { shape: [1, source.ids.length] }), srcLengths: [source.ids.length] });
  return noGrad(() => {
    const { step, state } = train.seq2seqDecoder([t.model], batch());
    let s = state;
    let prev = bos;
    const steps: StepResult['steps'] = [];
    const attention: number[][] = [];
    const finished = chosen[chosen.length - 1] === eos;
    let next: StepCandidate[] = [];
    // One step per chosen token, and one more for the distribution of the next (unless finished).
    for (let i = 0; i <= chosen.length && !(i === chosen.length && (finished || i >= limit)); i++) {
      const out = step.step(s, Int32Array.of(prev));
      s = out.state;
      if (out.attention?.[0]) attention.push(out.attention[0]);
      if (i === chosen.length) {
        next = topK(out.logProbs, k, tgt.itos);
        break;
      }
      const id = chosen[i]!;
      steps.push({ id, token: tgt.itos[id]!, prob: Math.exp(out.logProbs[id]!) });
      prev = id;
    }
    // The output from here: the chosen tokens forced as a prefix, then the model's greedy choices.
    let continuation: string;
    if (finished) continuation = train.decodeOutput(t, chosen.slice(0, -1)).text;
    else {
      const fresh = train.seq2seqDecoder([t.model], batch());
      const [h] = train.decodeRows(fresh.step, fresh.state, 1, {
        beam: 1, start: bos, end: eos, maxTokens: limit, ...(chosen.length ? { prefix: [...chosen] } : {}),
      });
      continuation = train.decodeOutput(t, h!.tokens).text;
    }
    return {
      source: source.tokens, unknown: source.unknown, steps, next, pick: next[0] ?? null, attention, finished, continuation, rowTitle: 'output', colTitle: 'input',
    };
  });
}

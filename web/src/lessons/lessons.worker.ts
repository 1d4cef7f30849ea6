/**
 * The lessons page's worker: trains the two small models the CLI lessons train — the attention
 * lesson's toy coreference model (`train.coref`) and the context-vector lesson's reversal model
 * (`train.CONTEXT_VECTOR_LESSON`) — with the same code, sizes, steps and seed, on the wasm
 * kernels, and answers with plain arrays. Requests are answered in order.
 */
import { select, slice, tensor, train } from 'glimpse';
import { startBackend } from '../backend.js';
import { workerScope } from '../worker-scope.js';
import type { CorefTrained, LessonReply, LessonRequest, ReverseTrace } from './protocol.js';

const { coref } = train;
const post = (r: LessonReply): void => workerScope.postMessage(r);
const ready = startBackend();

let toy: train.coref.CorefModel | null = null;
let reverse: train.TrainedReverse | null = null;

/** Rows of the first [R, C] matrix of a tensor as arrays. */
function rows(t: { data: ArrayLike<number>; shape: readonly number[] }): number[][] {
  const [R, C] = [t.shape.at(-2)!, t.shape.at(-1)!];
  return Array.from({ length: R }, (_, i) => Array.from({ length: C }, (_, j) => t.data[i * C + j]!));
}

/** The attention lesson's part 1: Q, K, V of head 1 of layer 2 for the tokens animal, street, it, tired. */
function part1(model: train.coref.CorefModel): CorefTrained['part1'] {
  const words = coref.sentence('animal', 'street', 'tired');
  const few = [coref.SLOT.n1, coref.SLOT.n2, coref.SLOT.it, coref.SLOT.adj];
  const x = select(model.forward(coref.sentenceIds(words)).layers[1]!.input, 0, 0); // [T, E]
  const { q, k, v } = model.qkv(1, x);
  const hd = model.E / model.heads;
  const pick = (t: typeof q) => rows(slice(tensor(Float64Array.from(few.flatMap((i) => Array.from(t.data.subarray(i * model.E, (i + 1) * model.E)))), { shape: [few.length, model.E] }), 1, 0, hd));
  return { labels: few.map((i) => words[i]!), q: pick(q), k: pick(k), v: pick(v) };
}

function trace(r: train.TrainedReverse, word: string): ReverseTrace {
  const src = train.encodeInput(r.exp, word);
  const step = r.model.asStepModel();
  let state = r.model.startState(train.sourceBatch(src.ids));
  const tgt = r.exp.vocabs.tgt;
  const eos = tgt.id('<eos>');
  let prev = tgt.id('<bos>');
  const output: string[] = [];
  const queries: number[][] = [];
  const attention: number[][] = [];
  for (let t = 0; t <= src.ids.length; t++) { // as the CLI lesson: at most S + 1 steps
    const s = step.step(state, Int32Array.of(prev));
    state = s.state;
    queries.push(Array.from(state.rnn.h.data)); // h_t: the state after the cell's step (Luong)
    attention.push(s.attention![0]!);
    let best = 0;
    s.logProbs.forEach((v, i) => { if (v > s.logProbs[best]!) best = i; });
    prev = best;
    output.push(best === eos ? '<eos>' : tgt.decode([best])[0]!);
    if (best === eos) break;
  }
  const M = r.model.memorySize;
  const memory = Array.from(state.enc.memory.data);
  return {
    type: 'reverse-trace', letters: src.tokens, output, queries, attention,
    memory: Array.from({ length: src.ids.length }, (_, j) => memory.slice(j * M, (j + 1) * M)),
  };
}

async function answer(m: LessonRequest): Promise<LessonReply> {
  switch (m.type) {
    case 'coref': {
      const start = performance.now();
      const trained = coref.trainCoref({ ...coref.COREF_LESSON, steps: m.steps, seed: m.seed });
      toy = trained.model;
      return {
        id: m.id, type: 'coref', steps: m.steps, seed: m.seed, accuracy: trained.accuracy, seconds: (performance.now() - start) / 1000,
        layers: toy.attn.length, heads: toy.heads, part1: part1(toy),
        animals: [...coref.ANIMALS], places: [...coref.PLACES], adjectives: [...coref.OF_ANIMAL, ...coref.OF_PLACE],
      };
    }
    case 'coref-sentence': {
      if (!toy) throw new Error('the toy model is not trained yet');
      const words = coref.sentence(m.n1, m.n2, m.adj);
      const ids = coref.sentenceIds(words);
      const out = toy.forward(ids);
      const logits = select(out.logits, 1, coref.SLOT.it).data;
      let best = 0;
      for (let j = 1; j < coref.VOCAB.length; j++) if (logits[j]! > logits[best]!) best = j;
      const weights = out.layers.map((_, l) => coref.headWeights(toy!, ids, l));
      return { id: m.id, type: 'coref-sentence', words, weights, prediction: coref.VOCAB[best]!, referent: coref.referent(words), it: coref.SLOT.it };
    }
    case 'reverse': {
      const { model, data, lr } = train.CONTEXT_VECTOR_LESSON;
      reverse = await train.trainTinyReverse({ model, data, lr, steps: m.steps, seed: m.seed });
      return { id: m.id, type: 'reverse', steps: reverse.steps, seed: m.seed, exact: reverse.exact, seconds: reverse.seconds };
    }
    case 'reverse-trace':
      if (!reverse) throw new Error('the reversal model is not trained yet');
      return { id: m.id, ...trace(reverse, m.word) };
  }
}

let queue: Promise<void> = Promise.resolve();
workerScope.addEventListener('message', (e: MessageEvent<LessonRequest>) => {
  const m = e.data;
  queue = queue.then(async () => {
    await ready;
    try {
      post(await answer(m));
    } catch (err) {
      post({ id: m.id, type: 'error', message: (err as Error).message });
    }
  });
});
void ready.then((backend) => post({ id: 0, type: 'ready', backend }), (err: Error) => post({ id: 0, type: 'error', message: `the kernels did not load: ${err.message}` }));

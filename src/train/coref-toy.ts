/**
 * The attention lesson's toy task: sentences "the N1 didn't cross the N2 because it was too A"
 * where the adjective decides what "it" is (tired-like → the animal N1, wide-like → the place
 * N2), and the model must name that noun at the position of "it". A two-layer self-attention
 * model (embedding + sinusoidal positions, then two residual multi-head attention layers, no
 * feed-forward) solves it only if "it" first reads the adjective, then the right noun: so its
 * attention means something, which random weights would not.
 *
 * `glimpse lesson attention` trains it (the CLI) and so does the lessons page (web/lessons.html),
 * both with {@link COREF_LESSON}'s sizes: the same seed and kernels give the same weights.
 *
 * @example
 * import { train } from 'glimpse';
 * const { model } = train.coref.trainCoref({ ...train.coref.COREF_LESSON, steps: 400, seed: 1 });
 * train.coref.headWeights(model, train.coref.sentenceIds(train.coref.sentence('animal', 'street', 'tired')), 1); // [nh][T][T]
 */
import { tensor } from '../core/create.js';
import type { Tensor } from '../core/tensor.js';
import * as nn from '../nn/index.js';
import { add, crossEntropy, linear, select, slice } from '../ops/index.js';
import * as optim from '../optim/index.js';
import { Rng } from '../util/rng.js';

export const ANIMALS = ['animal', 'dog', 'cat', 'horse', 'cow', 'fox'] as const;
export const PLACES = ['street', 'road', 'river', 'bridge', 'field', 'track'] as const;
/** Adjectives that make "it" the animal, and those that make it the place. */
export const OF_ANIMAL = ['tired', 'sleepy', 'old', 'slow'] as const;
export const OF_PLACE = ['wide', 'busy', 'long', 'wet'] as const;
const FRAME = ['the', '<n1>', "didn't", 'cross', 'the', '<n2>', 'because', 'it', 'was', 'too', '<a>'] as const;
/** Positions of the slots and of "it" in {@link FRAME}. */
export const SLOT = { n1: 1, n2: 5, it: 7, adj: 10 } as const;
export const LENGTH = FRAME.length;
export const VOCAB: readonly string[] = [...new Set([...FRAME.filter((w) => !w.startsWith('<')), ...ANIMALS, ...PLACES, ...OF_ANIMAL, ...OF_PLACE])];
const ID = new Map(VOCAB.map((w, i) => [w, i]));
/** The toy model's sizes in the attention lesson: embedding 16, 2 heads (two layers). */
export const COREF_LESSON = { E: 16, heads: 2 } as const;

/** One sentence's words as ids [1, T]. */
export function sentenceIds(words: readonly string[]): Tensor {
  return tensor(Int32Array.from(words.map((w) => VOCAB.indexOf(w))), { shape: [1, words.length] });
}

/** The words of one sentence. */
export function sentence(n1: string, n2: string, adj: string): string[] {
  return FRAME.map((w) => (w === '<n1>' ? n1 : w === '<n2>' ? n2 : w === '<a>' ? adj : w));
}

/** The noun "it" refers to in a sentence of the task. */
export function referent(words: readonly string[]): string {
  return (OF_ANIMAL as readonly string[]).includes(words[SLOT.adj]!) ? words[SLOT.n1]! : words[SLOT.n2]!;
}

function batch(rng: Rng, n: number): { ids: Tensor; target: Tensor } {
  const ids: number[] = [];
  const target: number[] = [];
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rng.uniform() * xs.length)]!;
  for (let b = 0; b < n; b++) {
    const words = sentence(pick(ANIMALS), pick(PLACES), rng.uniform() < 0.5 ? pick(OF_ANIMAL) : pick(OF_PLACE));
    ids.push(...words.map((w) => ID.get(w)!));
    target.push(ID.get(referent(words))!);
  }
  return { ids: tensor(Int32Array.from(ids), { shape: [n, LENGTH] }), target: tensor(Int32Array.from(target)) };
}

/** What one forward pass leaves to look at. */
export interface CorefTrace {
  /** [B, T, V] logits at every position (the loss reads position "it"). */
  logits: Tensor;
  /** Per layer: the layer's input x [B, T, E] and its per-head weights [B, nh, T, T]. */
  layers: { input: Tensor; weights: Tensor }[];
}

/** Embedding + sinusoidal positions, two residual self-attention layers, a vocabulary projection. */
export class CorefModel extends nn.Module {
  readonly emb: nn.Embedding;
  readonly pos: nn.SinusoidalPositionalEncoding;
  readonly attn: nn.ModuleList<nn.MultiheadAttention>;
  readonly out: nn.Linear;

  constructor(readonly E: number, readonly heads: number, seed: number) {
    super();
    const rng = new Rng(seed);
    this.emb = this.registerModule('emb', new nn.Embedding({ numEmbeddings: VOCAB.length, embeddingDim: E }, { rng }));
    this.pos = this.registerModule('pos', new nn.SinusoidalPositionalEncoding({ dim: E, maxLen: LENGTH }));
    this.attn = this.registerModule('attn', new nn.ModuleList([0, 1].map(() => new nn.MultiheadAttention({ embedDim: E, numHeads: heads, batchFirst: true }, { rng }))));
    this.out = this.registerModule('out', new nn.Linear({ inFeatures: E, outFeatures: VOCAB.length }, { rng }));
  }

  forward(ids: Tensor): CorefTrace {
    let x = this.pos.forward(this.emb.forward(ids)); // [B, T, E]
    const layers: CorefTrace['layers'] = [];
    for (const mha of this.attn) {
      const { context, weights } = mha.forward(x, x, x, { averageAttnWeights: false }); // [B, T, E], [B, nh, T, T]
      layers.push({ input: x, weights: weights! });
      x = add(x, context);
    }
    return { logits: this.out.forward(x), layers };
  }

  /** Q, K, V [T, E] of layer `l` for one sentence's layer input x [T, E] (PyTorch's packed in_proj). */
  qkv(l: number, x: Tensor): { q: Tensor; k: Tensor; v: Tensor } {
    const mha = this.attn.at(l);
    const W = mha.parameter('in_proj_weight');
    const b = mha.parameter('in_proj_bias');
    const E = this.E;
    const part = (i: number) => linear(x, slice(W, 0, i * E, (i + 1) * E), slice(b, 0, i * E, (i + 1) * E));
    return { q: part(0), k: part(1), v: part(2) };
  }
}

/** Trains the toy model; returns it with its accuracy on fresh sentences. */
export function trainCoref(o: { E: number; heads: number; steps: number; seed: number }): { model: CorefModel; accuracy: number; loss: number } {
  const model = new CorefModel(o.E, o.heads, o.seed);
  const opt = new optim.Adam(model.parameters(), { lr: 1e-2 });
  const rng = new Rng(o.seed + 1);
  let loss = NaN;
  for (let s = 0; s < o.steps; s++) {
    const { ids, target } = batch(rng, 32);
    const l = crossEntropy(select(model.forward(ids).logits, 1, SLOT.it), target); // the word at "it"
    opt.zeroGrad();
    l.backward();
    opt.step();
    loss = l.item();
  }
  model.eval();
  const test = batch(new Rng(o.seed + 2), 200);
  const pred = select(model.forward(test.ids).logits, 1, SLOT.it);
  const V = VOCAB.length;
  const p = pred.data;
  let right = 0;
  test.target.data.forEach((t, i) => {
    let best = 0;
    for (let j = 1; j < V; j++) if (p[i * V + j]! > p[i * V + best]!) best = j;
    if (best === t) right++;
  });
  return { model, accuracy: right / 200, loss };
}

/** softmax(Q·Kᵀ / √d) per head of layer `l` for ids [1, T] — the weights the layer computed. */
export function headWeights(model: CorefModel, ids: Tensor, l: number): number[][][] {
  const w = model.forward(ids).layers[l]!.weights; // [1, nh, T, T]
  const T = ids.shape[1]!;
  return Array.from({ length: model.heads }, (_, h) => Array.from({ length: T }, (_, i) => Array.from(w.data.subarray((h * T + i) * T, (h * T + i + 1) * T))));
}

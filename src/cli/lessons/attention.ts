/**
 * Lesson "attention mechanisms" (the seed's runnable "Attention Mechanisms Example"): scaled
 * dot-product attention on a few tokens (Q, K, V, scores, the √d_k scaling and why, softmax,
 * output); self-attention of "it" in "The animal didn't cross the street because it was too
 * tired"; each head's weights side by side; cross-attention; positional encodings. The numbers
 * come from small models trained in the lesson (a two-layer self-attention model on a toy
 * coreference task, a reversal model with multi-head cross-attention), one picture per part.
 */
import { join } from 'node:path';
import { Rng, matmul, mul, nn, select, slice, softmax, tensor, train, transpose } from '../../index.js';
import { writeAttentionGridPng, writeAttentionPng, writeFileAtomic } from '../../node.js';
import { type CorefModel, SLOT, VOCAB, headWeights, referent, sentence, trainCoref } from './coref-toy.js';
import { type LessonContext, type LessonRule, fixed, matrixTable, textTable } from './lesson.js';
import { trainTinyReverse } from './tiny-reverse.js';

const TIRED = sentence('animal', 'street', 'tired');
const WIDE = sentence('animal', 'street', 'wide');
const FEW = [SLOT.n1, SLOT.n2, SLOT.it, SLOT.adj];

function ids(words: readonly string[]) {
  return tensor(Int32Array.from(words.map((w) => VOCAB.indexOf(w))), { shape: [1, words.length] });
}

/** Rows of a [R, C] tensor as arrays. */
function rows(t: { data: ArrayLike<number>; shape: readonly number[] }): number[][] {
  const [R, C] = [t.shape.at(-2)!, t.shape.at(-1)!];
  return Array.from({ length: R }, (_, i) => Array.from({ length: C }, (_, j) => t.data[i * C + j]!));
}

function predict(model: CorefModel, words: readonly string[]): string {
  const logits = select(model.forward(ids(words)).logits, 1, SLOT.it).data;
  let best = 0;
  for (let j = 1; j < VOCAB.length; j++) if (logits[j]! > logits[best]!) best = j;
  return VOCAB[best]!;
}

/** Part 1: Q, K, V of four tokens of head 1 of layer 2, and the arithmetic of one attention. */
function scaledDotProduct(ctx: LessonContext, model: CorefModel): { scaled: number[][]; unscaled: number[][]; labels: string[] } {
  const p = ctx.print;
  const x = select(model.forward(ids(TIRED)).layers[1]!.input, 0, 0); // [T, E]: layer 2's input
  const { q, k, v } = model.qkv(1, x);
  const hd = model.E / model.heads;
  const pick = (t: typeof q) => slice(tensor(Float64Array.from(FEW.flatMap((i) => Array.from(t.data.subarray(i * model.E, (i + 1) * model.E)))), { shape: [FEW.length, model.E] }), 1, 0, hd); // [4, hd] of head 1
  const [Q, K, V] = [pick(q), pick(k), pick(v)];
  const labels = FEW.map((i) => TIRED[i]!);
  const cols = Array.from({ length: hd }, (_, i) => String(i + 1));
  p(`Part 1 — scaled dot-product attention on four tokens (${labels.join(', ')}): head 1 of layer 2 of the toy model above, d_k = ${hd}`);
  for (const [name, t] of [['Q = x W_Q', Q], ['K = x W_K', K], ['V = x W_V', V]] as const) {
    p(`  ${name}:`);
    for (const l of matrixTable('token', cols, labels, rows(t), 2)) p(`    ${l}`);
  }
  const scores = matmul(Q, transpose(K, 0, 1)); // [4, 4]
  const scaled = mul(scores, 1 / Math.sqrt(hd));
  const weights = softmax(scaled, -1);
  const output = matmul(weights, V); // [4, hd]
  p('  scores Q Kᵀ (query rows, key columns):');
  for (const l of matrixTable('query', labels, labels, rows(scores), 2)) p(`    ${l}`);
  p(`  scaled by 1/√d_k = 1/√${hd}, then softmax along each row (the weights; over these four keys only, the model's own rows also cover the other words):`);
  for (const l of matrixTable('query', labels, labels, rows(weights), 3)) p(`    ${l}`);
  p('  output = weights V (each row a weighted mix of the value rows):');
  for (const l of matrixTable('query', cols, labels, rows(output), 2)) p(`    ${l}`);
  // Why √d_k: with components of mean 0 and variance 1, q·k has variance d_k, so the scores
  // spread as √d_k and softmax saturates to one-hot (its gradient vanishes) as d_k grows.
  const rng = new Rng(ctx.seed);
  const draws = 200;
  const table = [4, 16, 64, 256].map((d) => {
    let raw = 0;
    let sc = 0;
    let sd = 0;
    for (let n = 0; n < draws; n++) {
      const qv = Array.from({ length: d }, () => rng.normal());
      const e = Array.from({ length: 8 }, () => Array.from({ length: d }, () => rng.normal()).reduce((s, kx, j) => s + kx * qv[j]!, 0));
      sd += Math.sqrt(e.reduce((s, x) => s + x * x, 0) / e.length);
      const maxSoft = (xs: number[]) => { const m = Math.max(...xs); const ex = xs.map((y) => Math.exp(y - m)); return Math.max(...ex) / ex.reduce((a, b) => a + b, 0); };
      raw += maxSoft(e);
      sc += maxSoft(e.map((y) => y / Math.sqrt(d)));
    }
    return [String(d), fixed(sd / draws, 2), fixed(raw / draws, 3), fixed(sc / draws, 3)];
  });
  p(`  why scale: random q and 8 random keys with N(0, 1) components (${draws} draws each; random on purpose, this is about statistics):`);
  for (const l of textTable(['d_k', 'spread of q·k', 'largest weight, softmax(q·k)', 'largest weight, softmax(q·k/√d_k)'], table)) p(`    ${l}`);
  p('  the spread of q·k grows as √d_k; without scaling softmax tends to one-hot, where its gradient vanishes; with it the weights stay as soft at any d_k (1/8 = 0.125 is uniform)');
  p('');
  return { scaled: rows(weights), unscaled: rows(softmax(scores, -1)), labels };
}

async function run(ctx: LessonContext): Promise<void> {
  const p = ctx.print;
  const steps = ctx.steps ?? (ctx.quick ? 150 : 400);
  ctx.say(`training the toy self-attention model (2 layers × 2 heads, ${steps} steps)…`);
  const { model, accuracy } = trainCoref({ ...train.coref.COREF_LESSON, steps, seed: ctx.seed });
  p('Attention mechanisms, with numbers from small models trained in this lesson');
  p(`toy task: "the N1 didn't cross the N2 because it was too A"; the model names what "it" is at the position of "it" — N1 (an animal) when A is tired/sleepy/old/slow, N2 (a place) when A is wide/busy/long/wet`);
  p(`toy model: embedding 16 + sinusoidal positions, 2 residual self-attention layers × 2 heads, no feed-forward; trained ${steps} steps, seed ${ctx.seed}; accuracy on 200 fresh sentences ${(accuracy * 100).toFixed(1)} %`);
  p('');
  const part1 = scaledDotProduct(ctx, model);
  const out = (f: string) => join(ctx.out, f);
  await writeAttentionGridPng(out('attention-scaled.png'), {
    title: 'Scaled dot-product attention on four tokens', subtitle: `head 1 of layer 2 of the toy model, d_k = ${model.E / model.heads}`,
    sections: [
      { title: 'softmax(QKᵀ/√d_k)', weights: [[part1.scaled]], rowLabels: part1.labels, colLabels: part1.labels },
      { title: 'softmax(QKᵀ), no scaling', weights: [[part1.unscaled]], rowLabels: part1.labels, colLabels: part1.labels },
    ],
  });

  // Part 2: the weights of "it", both layers, for the tired and the wide sentence.
  const mean = (heads: number[][][], i: number) => heads[0]![i]!.map((_, j) => heads.reduce((s, h) => s + h[i]![j]!, 0) / heads.length);
  const itRows = [TIRED, WIDE].flatMap((w) => [0, 1].map((l) => mean(headWeights(model, ids(w), l), SLOT.it)));
  p(`Part 2 — self-attention: the weights of "it" (mean of the 2 heads) over the words of the sentence`);
  const words = TIRED.map((w, i) => (i === SLOT.adj ? 'tired/wide' : w));
  for (const l of textTable(['word', '…tired, layer 1', '…tired, layer 2', '…wide, layer 1', '…wide, layer 2'], words.map((w, j) => [w, ...itRows.map((r) => fixed(r[j]!, 3))]))) p(`  ${l}`);
  for (const [w, r] of [[TIRED, itRows[1]!], [WIDE, itRows[3]!]] as const) {
    p(`  "…too ${w[SLOT.adj]}": the model says "it" is the ${predict(model, w)} (the answer: ${referent(w)}); in layer 2 "it" gives ${fixed(r[SLOT.n1]!, 2)} to "animal", ${fixed(r[SLOT.n2]!, 2)} to "street"; in layer 1, ${fixed((w === TIRED ? itRows[0]! : itRows[2]!)[SLOT.adj]!, 2)} to "${w[SLOT.adj]}"`);
  }
  p(`  what this shows, honestly: one layer cannot solve the task ("it" must know the adjective before it can pick the noun), so the second layer's weights show which noun the model took; they are one way it found, on one template and ${VOCAB.length} words, not a lesson about English`);
  p('');
  await writeAttentionPng(out('attention-it.png'), {
    weights: itRows, rowLabels: ['"it" … tired, layer 1', '"it" … tired, layer 2', '"it" … wide, layer 1', '"it" … wide, layer 2'], colLabels: words,
    title: 'Self-attention of "it"', subtitle: 'toy model trained in the lesson; mean of 2 heads', xTitle: 'key (word)', yTitle: 'query',
  });

  // Part 3: every head of every layer, side by side.
  const grid = [0, 1].map((l) => headWeights(model, ids(TIRED), l));
  p('Part 3 — multi-head attention: each head of each layer has its own Q, K, V projections and weights; where "it" looks, per head (largest two weights):');
  const top2 = (r: number[]) => r.map((v, j) => [v, j] as const).sort((a, b) => b[0] - a[0]).slice(0, 2).map(([v, j]) => `${TIRED[j]} ${fixed(v, 2)}`).join(', ');
  for (const l of textTable(['layer', 'head', '"it" looks at'], grid.flatMap((heads, l) => heads.map((h, k) => [String(l + 1), String(k + 1), top2(h[SLOT.it]!)])))) p(`  ${l}`);
  p('');
  await writeAttentionGridPng(out('attention-heads.png'), {
    title: 'Multi-head self-attention, every layer and head', subtitle: TIRED.join(' '),
    sections: [{ title: 'self-attention', weights: grid, rowLabels: TIRED, colLabels: TIRED }],
  });

  // Part 4: cross-attention in an encoder–decoder (queries from the decoder, keys and values from the encoder).
  const rsteps = ctx.quick ? 400 : 1500;
  ctx.say(`training a reversal model with 2-head cross-attention (${rsteps} steps)…`);
  const rev = await trainTinyReverse({
    model: { attention: 'multi-head', heads: 2, cell: 'gru', embeddingSize: 16, encoderHidden: 8, decoderHidden: 16, inputFeeding: false },
    data: { trainSize: 2000, validSize: 100, testSize: 100, minLen: 3, maxLen: 7, batchSize: 32 }, steps: rsteps, seed: ctx.seed, lr: 1e-2,
  });
  const word = 'attend';
  const tr = train.translateText(rev.exp, word, { beam: 1, nBest: 1, maxTokens: 10 });
  const hyp = tr.hypotheses[0]!;
  const cross = hyp.attention ?? [];
  const outLabels = [...hyp.words, '<eos>'].slice(0, cross.length);
  p(`Part 4 — cross-attention: a reversal encoder–decoder (${rsteps} steps, valid exact match ${(rev.exact * 100).toFixed(1)} %); each decoder step's state is the query, the encoder states are keys and values (2 heads, mean shown)`);
  p(`  "${word}" → "${hyp.text}"; rows: output letters, columns: input letters`);
  for (const l of matrixTable('out', tr.source.tokens, outLabels, cross, 2)) p(`    ${l}`);
  p('');
  await writeAttentionPng(out('attention-cross.png'), {
    weights: cross, rowLabels: outLabels, colLabels: tr.source.tokens, title: `Cross-attention while reversing "${word}"`,
    subtitle: 'decoder queries, encoder keys and values; mean of 2 heads', xTitle: 'input (keys)', yTitle: 'output (queries)',
  });

  // Part 5: positional encodings.
  const E = 16;
  const maxLen = 32;
  const pe = rows(new nn.SinusoidalPositionalEncoding({ dim: E, maxLen }).buffer('pe')); // [maxLen, E]
  p(`Part 5 — positional encodings: attention alone ignores order, so PE(pos) is added to each embedding: PE(pos, 2i) = sin(pos / 10000^(2i/E)), PE(pos, 2i+1) = cos(…), E = ${E}`);
  for (const l of matrixTable('pos', Array.from({ length: 8 }, (_, i) => `${i % 2 ? 'cos' : 'sin'} ${Math.floor(i / 2)}`), Array.from({ length: 6 }, (_, i) => String(i)), pe.slice(0, 6).map((r) => r.slice(0, 8)), 3)) p(`  ${l}`);
  const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0);
  p(`  PE(pos)·PE(pos + k) depends on the offset k only (pos 3 and pos 20): ${[0, 1, 2, 4, 8].map((k) => `k=${k}: ${fixed(dot(pe[3]!, pe[3 + k]!), 2)} / ${fixed(dot(pe[20]!, pe[20 + k]!), 2)}`).join(', ')}`);
  await writeAttentionPng(out('attention-positions.png'), {
    weights: pe, rowLabels: pe.map((_, i) => String(i)), colLabels: Array.from({ length: E }, (_, i) => `${i % 2 ? 'cos' : 'sin'} ${Math.floor(i / 2)}`),
    title: 'Sinusoidal positional encodings', subtitle: `PE[pos, dim], E = ${E}`, xTitle: 'dimension', yTitle: 'position', domain: [-1, 1], annotate: false,
  });
  const pictures = ['attention-scaled.png', 'attention-it.png', 'attention-heads.png', 'attention-cross.png', 'attention-positions.png'];
  writeFileAtomic(out('results.json'), `${JSON.stringify({ lesson: 'attention', seed: ctx.seed, steps, accuracy, it: { tired: itRows.slice(0, 2), wide: itRows.slice(2) }, cross, pictures }, null, 2)}\n`);
  p('');
  p(`pictures: ${pictures.map(out).join(', ')}`);
}

export const attention: LessonRule = {
  summary: 'scaled dot-product (and why √d_k), self-attention of "it", multi-head, cross-attention and positional encodings, from models trained in the lesson',
  source: 'Attention Mechanisms Example (the runnable walkthrough)',
  run,
};

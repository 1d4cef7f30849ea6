/**
 * Lesson "the context vector by hand" (the seed's "Sequence-to-Sequence with Attention" and its
 * NumPy-style scratch file): one decoder step's attention computed in plain arrays, line by line
 * — scores e_j = h_t · h̄_j (Luong dot), weights α = softmax(e), context c_t = Σ_j α_j h̄_j — then
 * the same with glimpse's ops (matmul, softmax, a batched matmul), and the two compared. The
 * states come from a small reversal model trained in the lesson, so the weights mean something:
 * to write the t-th letter of the reversed word, the decoder should look at the letter it copies.
 */
import { join } from 'node:path';
import { matmul, softmax, tensor, train } from '../../index.js';
import { writeAttentionPng, writeFileAtomic } from '../../node.js';
import { type LessonContext, type LessonRule, fixed, matrixTable, maxAbsDiff, textTable } from './lesson.js';
import { sourceBatch, trainTinyReverse } from './tiny-reverse.js';

/** The word the lesson reverses, and the output step it takes apart. */
const { word: WORD, step: STEP } = train.CONTEXT_VECTOR_LESSON;

/** Plain-array attention: e_j = q·h̄_j, α = softmax(e), c = Σ_j α_j h̄_j. */
function byHand(q: readonly number[], H: readonly (readonly number[])[]): { scores: number[]; exps: number[]; weights: number[]; context: number[] } {
  const scores = H.map((hj) => hj.reduce((s, x, k) => s + x * q[k]!, 0)); // e_j = q · h̄_j
  const m = Math.max(...scores); // subtract the max: exp never overflows, the ratios are unchanged
  const exps = scores.map((e) => Math.exp(e - m));
  const Z = exps.reduce((a, b) => a + b, 0);
  const weights = exps.map((x) => x / Z); // α_j = exp(e_j) / Σ_k exp(e_k)
  const context = q.map((_, k) => H.reduce((s, hj, j) => s + weights[j]! * hj[k]!, 0)); // c = Σ_j α_j h̄_j
  return { scores, exps, weights, context };
}

async function run(ctx: LessonContext): Promise<void> {
  const steps = ctx.steps ?? (ctx.quick ? 600 : 2000);
  ctx.say(`training a small reversal model with Luong dot attention (${steps} steps)…`);
  const { model: modelSettings, data, lr } = train.CONTEXT_VECTOR_LESSON; // the lessons page trains the same model
  const tiny = await trainTinyReverse({ model: modelSettings, data, steps, seed: ctx.seed, lr });
  const { exp, model } = tiny;
  const src = train.encodeInput(exp, WORD);
  const S = src.ids.length;
  const M = model.memorySize;
  const D = model.config.decoderHidden;
  // Greedy decoding step by step, keeping each step's state: the query of step t is the state
  // after the cell's step (Luong: h_t attends, then h̃_t = tanh(W_c[c_t; h_t]) predicts).
  const step = model.asStepModel();
  let state = model.startState(sourceBatch(src.ids));
  const tgt = exp.vocabs.tgt;
  const bos = tgt.id('<bos>');
  const eos = tgt.id('<eos>');
  let prev = bos;
  const out: string[] = [];
  const rows: number[][] = [];
  let query: number[] = [];
  for (let t = 0; t <= S; t++) {
    const r = step.step(state, Int32Array.of(prev));
    state = r.state;
    if (t === STEP) query = Array.from(state.rnn.h.data);
    rows.push(r.attention![0]!);
    let best = 0;
    r.logProbs.forEach((v, i) => { if (v > r.logProbs[best]!) best = i; });
    prev = best;
    if (best === eos) break;
    out.push(tgt.decode([best])[0]!);
  }
  const memory = Array.from(state.enc.memory.data);
  const H = Array.from({ length: S }, (_, j) => memory.slice(j * M, (j + 1) * M)); // h̄_j, [S][M]
  const letters = src.tokens;
  const p = ctx.print;
  p(`The context vector by hand: one decoder step of a reversal model with Luong dot attention`);
  p(`model: bi-GRU encoder 2 × ${M / 2} (h̄_j: M = ${M}), GRU decoder D = ${D}, trained ${tiny.steps} steps in ${tiny.seconds.toFixed(1)} s, seed ${ctx.seed}; valid exact match ${(tiny.exact * 100).toFixed(1)} %`);
  p(`input "${WORD}" → greedy output "${out.join('')}" (the reverse is "${[...WORD].reverse().join('')}")`);
  p('');
  p(`1. The encoder states h̄_1 … h̄_${S}, one per input letter (rows), M = ${M} numbers each:`);
  for (const l of matrixTable('j  letter', Array.from({ length: M }, (_, k) => String(k + 1)), letters.map((c, j) => `${j + 1}  ${c}`), H, 2)) p(`   ${l}`);
  p('');
  p(`2. The decoder state h_t at output step t = ${STEP + 1} (it is about to write "${out[STEP] ?? '?'}"), D = ${D} numbers:`);
  for (const l of matrixTable('', Array.from({ length: D }, (_, k) => String(k + 1)), ['h_t'], [query], 2)) p(`   ${l}`);
  p('');
  const hand = byHand(query, H);
  p('3. Scores e_j = h_t · h̄_j (a dot product per input letter), then softmax: α_j = exp(e_j − max e) / Σ_k exp(e_k − max e):');
  for (const l of textTable(['j', 'letter', 'score e_j', 'exp(e_j − max)', 'weight α_j'], letters.map((c, j) => [String(j + 1), c, fixed(hand.scores[j]!), fixed(hand.exps[j]!, 4), fixed(hand.weights[j]!, 4)]))) p(`   ${l}`);
  const top = hand.weights.indexOf(Math.max(...hand.weights));
  p(`   the weights sum to ${fixed(hand.weights.reduce((a, b) => a + b, 0), 6)}; the largest, ${fixed(hand.weights[top]!, 3)}, is on input letter ${top + 1} "${letters[top]}"`);
  p(`   (to write letter ${STEP + 1} of the reverse, the letter to copy is input letter ${S - STEP} "${letters[S - STEP - 1]}"; a model that has not learned enough looks elsewhere)`);
  p('');
  p('4. The context vector c_t = Σ_j α_j h̄_j, the weighted sum of the encoder states:');
  for (const l of matrixTable('', Array.from({ length: M }, (_, k) => String(k + 1)), ['c_t'], [hand.context], 3)) p(`   ${l}`);
  p('');
  // The same three lines with glimpse's ops, in float64 so that only the order of additions differs.
  const q = tensor(Float64Array.from(query), { shape: [1, 1, D] }); // [B, 1, D]
  const Hs = tensor(Float64Array.from(memory), { shape: [1, S, M] }); // [B, S, M]
  const scores = matmul(q, Hs, { transposeB: true }); // [B, 1, S]
  const weights = softmax(scores, -1); // [B, 1, S]
  const context = matmul(weights, Hs); // [B, 1, S] × [B, S, M] = [B, 1, M]
  const diffs = {
    scores: maxAbsDiff(scores.data, hand.scores),
    weights: maxAbsDiff(weights.data, hand.weights),
    context: maxAbsDiff(context.data, hand.context),
  };
  const modelDiff = maxAbsDiff(rows[STEP]!, hand.weights);
  p('5. The same with glimpse\'s ops: scores = matmul(h_t [1, 1, D], h̄ [1, S, M]ᵀ), α = softmax(scores, -1), c = matmul(α [1, 1, S], h̄ [1, S, M]):');
  for (const l of textTable(['quantity', 'max |ops − by hand|'], Object.entries(diffs).map(([k, v]) => [k, v.toExponential(2)]))) p(`   ${l}`);
  p(`   and the model's own float32 attention at this step differs from the weights by hand by at most ${modelDiff.toExponential(2)}`);
  p(`max |diff| ops vs by hand: ${Math.max(...Object.values(diffs)).toExponential(2)}`);
  const png = join(ctx.out, 'context-vector.png');
  await writeAttentionPng(png, {
    weights: rows, rowLabels: out.concat(rows.length > out.length ? ['<eos>'] : []).slice(0, rows.length), colLabels: letters,
    title: `Attention while reversing "${WORD}"`, subtitle: `Luong dot; row ${STEP + 1} is the step computed by hand above`, xTitle: 'input letter', yTitle: 'output letter',
  });
  const stepPng = join(ctx.out, 'context-vector-step.png');
  await writeAttentionPng(stepPng, {
    weights: [hand.weights], rowLabels: [`t=${STEP + 1} "${out[STEP] ?? '?'}"`], colLabels: letters,
    title: 'The weights α_j of one step', subtitle: 'softmax of h_t · h̄_j', xTitle: 'input letter', yTitle: 'step',
  });
  const json = join(ctx.out, 'results.json');
  writeFileAtomic(json, `${JSON.stringify({ lesson: 'context-vector', word: WORD, step: STEP + 1, output: out.join(''), exact: tiny.exact, steps: tiny.steps, ...hand, diffs, modelDiff }, null, 2)}\n`);
  p(`pictures: ${png}, ${stepPng}`);
  p(`results: ${json}`);
}

export const contextVector: LessonRule = {
  summary: 'one decoder step\'s attention by hand (dot-product scores, softmax, weighted sum) in plain arrays, then with glimpse\'s ops, compared',
  source: 'Sequence-to-Sequence with Attention (and its NumPy-style scratch file)',
  run,
};

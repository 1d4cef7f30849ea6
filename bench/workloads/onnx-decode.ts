/**
 * Decoding beside ONNX Runtime, the engine a user would deploy instead of glimpse: the same
 * model, exported with `exportOnnx` and run by onnxruntime-node with as many intra-op threads
 * as glimpse has, decodes the same inputs on both sides.
 *
 * - W2 (Multi30K En→De, the protocol's bi-GRU + Bahdanau model): greedy at batch 1 and 64 and
 *   beam 5 at batch 1 over the test set, sentences/s; ONNX Runtime runs `encoder.onnx` once per
 *   batch and `decoder-step.onnx` once per step, with the search loop in JavaScript exactly as
 *   glimpse's (greedy rows run until every row has ended; beam: the 2·beam best candidates,
 *   score = log P ÷ generated tokens, stop at `beam` finished hypotheses or 50 tokens).
 * - W1 (Tiny Shakespeare, the protocol's 2-layer LSTM LM): greedy generation of one text,
 *   tokens/s, `lm.onnx` run one token at a time from the carried state.
 *
 * The W2 model is trained for one epoch first (decoded lengths then look like a real model's;
 * `GLIMPSE_BENCH_RUN=DIR` decodes a trained W2 run folder instead); the LM's speed does not depend
 * on its weights (a fixed number of tokens), so it is decoded untrained. Each side's outputs are
 * compared: `*.same_output` is the share of inputs decoded to the same tokens on both.
 */
import { createRequire } from 'node:module';
import { noGrad } from '../../src/core/grad.js';
import type { Seq2SeqExample } from '../../src/data/index.js';
import { argmaxRow, greedy } from '../../src/decode/index.js';
import { type ExportedFile, exportOnnx } from '../../src/export/onnx/index.js';
import type { LanguageModelLike } from '../../src/models/index.js';
import { decodeSplit } from '../../src/train/evaluate.js';
import { buildExperiment } from '../../src/train/experiment.js';
import { loadTrainedModel } from '../../src/train/session.js';
import { resolveRunConfig } from '../../src/train/run-config.js';
import type { TrainedModel } from '../../src/train/model.js';
import { type Figure, progress } from '../lib/report.js';
import { timedTraining } from './train-helpers.js';
import type { Workload } from './types.js';

type Ort = typeof import('onnxruntime-node');
type Session = Awaited<ReturnType<Ort['InferenceSession']['create']>>;
type OrtTensor = InstanceType<Ort['Tensor']>;

const MAX_TOKENS = 50;
const BEAM = 5;

function loadOrt(): Ort {
  try {
    return createRequire(import.meta.url)('onnxruntime-node') as Ort;
  } catch (e) {
    throw new Error(`the onnx workload needs onnxruntime-node (a devDependency: npm install): ${(e as Error).message.split('\n')[0]}`);
  }
}

function graph(files: readonly ExportedFile[], name: string): Uint8Array {
  const f = files.find((x) => x.name === name);
  if (!f) throw new Error(`the export wrote no ${name} (it wrote ${files.map((x) => x.name).join(', ')})`);
  return f.bytes;
}

/** Seconds `fn` takes, with its result. */
async function timed<T>(fn: () => T | Promise<T>): Promise<{ seconds: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { seconds: (performance.now() - t0) / 1000, value };
}

function sameShare(a: readonly number[][], b: readonly number[][]): number {
  let same = 0;
  a.forEach((x, i) => (same += x.length === b[i]!.length && x.every((t, j) => t === b[i]![j]) ? 1 : 0));
  return (100 * same) / a.length;
}

/** The seq2seq step graph's per-row inputs, carried from step to step. */
type StepState = Record<string, OrtTensor>;

/** ONNX Runtime's side of the seq2seq decoding: the exported encoder and decoder step. */
class OrtTranslator {
  constructor(private readonly ort: Ort, private readonly encoder: Session, private readonly step: Session,
    private readonly ids: { pad: number; bos: number; eos: number }) {}

  private async encode(examples: readonly Seq2SeqExample[]): Promise<StepState> {
    const B = examples.length;
    const S = Math.max(...examples.map((e) => e.src.length));
    const src = new BigInt64Array(B * S).fill(BigInt(this.ids.pad));
    examples.forEach((e, b) => e.src.forEach((t, s) => (src[b * S + s] = BigInt(t))));
    const lengths = BigInt64Array.from(examples.map((e) => BigInt(e.src.length)));
    const out = await this.encoder.run({ src: new this.ort.Tensor('int64', src, [B, S]), src_lengths: new this.ort.Tensor('int64', lengths, [B]) });
    const state: StepState = {};
    for (const name of this.step.inputNames) if (name in out) state[name] = out[name]!;
    if (this.step.inputNames.includes('feed')) {
      // Luong input feeding starts from zeros of the decoder state's size.
      const D = out.h!.dims[1]!;
      state.feed = new this.ort.Tensor('float32', new Float32Array(B * D), [B, D]);
    }
    return state;
  }

  private async run(state: StepState, prev: readonly number[]): Promise<{ logProbs: Float32Array; V: number; state: StepState }> {
    const out = await this.step.run({ ...state, prev_token: new this.ort.Tensor('int64', BigInt64Array.from(prev.map(BigInt)), [prev.length]) });
    const next: StepState = { ...state, h: out.h_out! };
    if (out.c_out) next.c = out.c_out;
    if (out.feed_out) next.feed = out.feed_out;
    const lp = out.log_probs!;
    return { logProbs: lp.data as Float32Array, V: lp.dims[1]!, state: next };
  }

  /** Greedy decoding of a batch: every row runs until all have ended (as glimpse's greedy). */
  async greedy(examples: readonly Seq2SeqExample[]): Promise<number[][]> {
    let state = await this.encode(examples);
    const n = examples.length;
    const hyps: number[][] = examples.map(() => []);
    const finished = new Array<boolean>(n).fill(false);
    let prev = new Array<number>(n).fill(this.ids.bos);
    for (let t = 0; t < MAX_TOKENS && finished.some((f) => !f); t++) {
      const r = await this.run(state, prev);
      state = r.state;
      prev = prev.map((_, i) => {
        if (finished[i]) return this.ids.eos;
        const tok = argmaxRow(r.logProbs, i, r.V);
        if (tok === this.ids.eos) finished[i] = true;
        else hyps[i]!.push(tok);
        return tok;
      });
    }
    return hyps;
  }

  /** Beam search for one source, as glimpse's `beamSearch` with its default (`avg`) scoring. */
  async beam(example: Seq2SeqExample): Promise<number[]> {
    let state = await this.encode([example]);
    let alive = [{ tokens: [] as number[], score: 0 }];
    const finished: { tokens: number[]; score: number }[] = [];
    let prev = [this.ids.bos];
    for (let t = 0; t < MAX_TOKENS; t++) {
      const r = await this.run(state, prev);
      const want = Math.min(2 * BEAM, alive.length * r.V);
      const cand: { row: number; tok: number; score: number }[] = [];
      alive.forEach((a, row) => {
        for (let j = 0; j < r.V; j++) {
          const s = a.score + r.logProbs[row * r.V + j]!;
          if (cand.length === want && s <= cand[want - 1]!.score) continue;
          let k = cand.length;
          while (k > 0 && cand[k - 1]!.score < s) k--;
          cand.splice(k, 0, { row, tok: j, score: s });
          if (cand.length > want) cand.pop();
        }
      });
      const next: typeof alive = [];
      const rows: number[] = [];
      for (const c of cand) {
        const parent = alive[c.row]!;
        if (c.tok === this.ids.eos) finished.push({ tokens: parent.tokens, score: c.score / (t + 1) });
        else {
          next.push({ tokens: [...parent.tokens, c.tok], score: c.score });
          rows.push(c.row);
        }
        if (next.length === BEAM) break;
      }
      if (finished.length >= BEAM || next.length === 0) break;
      alive = next;
      prev = next.map((a) => a.tokens.at(-1)!);
      const pick = new this.ort.Tensor('int64', BigInt64Array.from(rows.map(BigInt)), [rows.length]);
      state = Object.fromEntries(Object.entries(r.state).map(([k, v]) => [k, gatherRows(this.ort, v, pick)]));
      if (t === MAX_TOKENS - 1) for (const a of alive) finished.push({ tokens: a.tokens, score: a.score / MAX_TOKENS });
    }
    return finished.map((h, i) => [h, i] as const).sort((a, b) => b[0].score - a[0].score || a[1] - b[1])[0]![0].tokens;
  }
}

/** Rows of a tensor by index (beam reordering), done in JavaScript: a copy of a few rows. */
function gatherRows(ort: Ort, x: OrtTensor, rows: OrtTensor): OrtTensor {
  const idx = rows.data as BigInt64Array;
  const rowSize = x.dims.slice(1).reduce((a, b) => a * b, 1);
  const src = x.data as Float32Array | Uint8Array;
  const out = new (src.constructor as Float32ArrayConstructor | Uint8ArrayConstructor)(idx.length * rowSize);
  idx.forEach((r, i) => out.set(src.subarray(Number(r) * rowSize, (Number(r) + 1) * rowSize), i * rowSize));
  return new ort.Tensor(x.type as 'float32', out as Float32Array, [idx.length, ...x.dims.slice(1)]);
}

async function sessions(ort: Ort, files: readonly ExportedFile[], names: readonly string[], threads: number): Promise<Session[]> {
  const opts = { intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: 'all' as const };
  return Promise.all(names.map((n) => ort.InferenceSession.create(graph(files, n), opts)));
}

/** W2's model, trained one epoch (or a run folder), and its test examples. */
async function translationModel(quick: boolean): Promise<{ trained: TrainedModel; test: readonly Seq2SeqExample[]; pad: number; bos: number; eos: number }> {
  const config = resolveRunConfig({ task: 'translate', data: { source: '../shared/data/multi30k' }, train: { epochs: 1, stepsPerEpoch: quick ? 10 : 0, seed: 1234 } });
  const exp = buildExperiment(config);
  if (exp.kind !== 'seq2seq') throw new Error('W2 builds a seq2seq model');
  const runDir = process.env.GLIMPSE_BENCH_RUN;
  let trained: TrainedModel;
  if (runDir) {
    trained = loadTrainedModel(runDir, 'best');
    progress(`[glimpse] onnx: decoding the run in ${runDir}`);
  } else {
    progress(`[glimpse] onnx: training the W2 model for ${quick ? '10 steps' : 'one epoch'} first`);
    const run = await timedTraining(exp, 'W2', 0);
    exp.model.loadStateDict(run.best!);
    trained = exp;
  }
  trained.model.eval();
  const o = exp.task.options;
  return { trained, test: exp.task.data.test, pad: o.pad, bos: o.bos, eos: o.eos };
}

/** The `onnx` workload. */
export const onnxDecode: Workload = {
  description: 'decoding beside ONNX Runtime (onnxruntime-node, same threads): W2 greedy batch 1 and 64, beam 5 (sentences/s); W1 LSTM generation (tokens/s)',
  peer: 'ONNX Runtime',
  async run(ctx) {
    const ort = loadOrt();
    const threads = ctx.threads;
    const figures: Figure[] = [];
    const peer = { peer: `onnxruntime-node ${ort.env.versions.common}`, threads };

    // W2 translation.
    const w2 = await translationModel(ctx.quick);
    if (w2.trained.kind !== 'seq2seq') throw new Error('GLIMPSE_BENCH_RUN must be a translation run');
    const model = w2.trained.model;
    const files = exportOnnx(w2.trained, 'bench');
    const [encoder, step] = await sessions(ort, files, ['encoder.onnx', 'decoder-step.onnx'], threads);
    const onnx = new OrtTranslator(ort, encoder!, step!, w2);
    const examples = w2.test.slice(0, ctx.quick ? 16 : w2.test.length);
    const opts = { pad: w2.pad, bos: w2.bos, eos: w2.eos, maxTokens: MAX_TOKENS };
    const settings = [
      { id: 'greedy.b1', beam: 1, batch: 1 },
      { id: 'greedy.b64', beam: 1, batch: 64 },
      { id: 'beam5.b1', beam: BEAM, batch: 1 },
    ] as const;
    for (const s of settings) {
      const ours = (xs: readonly Seq2SeqExample[]) => noGrad(() => decodeSplit(model, xs, { ...opts, beam: s.beam, batchSize: s.batch }));
      const onnxRuntime = async (xs: readonly Seq2SeqExample[]) => {
        const out: number[][] = [];
        for (let k = 0; k < xs.length; k += s.batch) {
          const chunk = xs.slice(k, k + s.batch);
          if (s.beam === 1) out.push(...await onnx.greedy(chunk));
          else out.push(await onnx.beam(chunk[0]!));
        }
        return out;
      };
      // Warm-up on a few sentences (first-call compilation, buffers, thread pools), untimed.
      const warm = examples.slice(0, Math.min(4, examples.length));
      ours(warm);
      await onnxRuntime(warm);
      const mine = await timed(() => ours(examples));
      const theirs = await timed(() => onnxRuntime(examples));
      const same = sameShare(mine.value, theirs.value);
      progress(`[onnx] W2 ${s.id}: glimpse ${(examples.length / mine.seconds).toFixed(1)} sent/s, ONNX Runtime ${(examples.length / theirs.seconds).toFixed(1)} sent/s, same output ${same.toFixed(1)} %`);
      figures.push(
        { id: `onnx.w2.${s.id}.sentences_per_s`, unit: 'sent/s', glimpse: examples.length / mine.seconds, pytorch: examples.length / theirs.seconds, better: 'higher', extra: { ...peer, sentences: examples.length } },
        { id: `onnx.w2.${s.id}.same_output`, unit: '%', glimpse: same, pytorch: null, better: null },
      );
    }

    // W1 language model generation.
    const lmExp = buildExperiment(resolveRunConfig({ task: 'lm', modelName: 'lstm', data: { source: '../shared/data/tinyshakespeare' } }));
    if (lmExp.kind !== 'lm') throw new Error('W1 builds a language model');
    const lm: LanguageModelLike = lmExp.model;
    lm.eval();
    const [lmSession] = await sessions(ort, exportOnnx(lmExp, 'bench'), ['lm.onnx'], threads);
    const stream = lmExp.task.data.test; // [rows, B]: stream 0 is every B-th id
    const prompt = Array.from({ length: 20 }, (_, r) => stream.data[r * stream.batchSize]!);
    const tokens = ctx.quick ? 20 : 500;
    const ours = (n: number) => noGrad(() => greedy(lm.asStepModel(), lm.prime(prompt), 1, { start: prompt.at(-1)!, end: null, maxTokens: n })[0]!.tokens);
    ours(20);
    await ortGenerate(ort, lmSession!, prompt, 20);
    const mine = await timed(() => ours(tokens));
    const theirs = await timed(() => ortGenerate(ort, lmSession!, prompt, tokens));
    const same = sameShare([mine.value], [theirs.value]);
    progress(`[onnx] W1 generation: glimpse ${(tokens / mine.seconds).toFixed(0)} tok/s, ONNX Runtime ${(tokens / theirs.seconds).toFixed(0)} tok/s, same output ${same} %`);
    figures.push(
      { id: 'onnx.w1.lstm.generate.tokens_per_s', unit: 'tok/s', glimpse: tokens / mine.seconds, pytorch: tokens / theirs.seconds, better: 'higher', extra: { ...peer, tokens } },
      { id: 'onnx.w1.lstm.generate.same_output', unit: '%', glimpse: same, pytorch: null, better: null },
    );
    return { figures, versions: { onnxruntime: ort.env.versions.common } };
  },
};

/** Greedy generation through lm.onnx: the prompt's head primes the state, then one token per run. */
async function ortGenerate(ort: Ort, lm: Session, prompt: readonly number[], tokens: number): Promise<number[]> {
  const ids = (xs: readonly number[]): OrtTensor => new ort.Tensor('int64', BigInt64Array.from(xs.map(BigInt)), [xs.length, 1]);
  const meta = lm.inputNames;
  let state: Record<string, OrtTensor> = {};
  const head = prompt.slice(0, -1);
  const first = await lm.run({ ids: ids(head), ...zeroState(ort, lm, meta) });
  state = carry(first, meta);
  const out: number[] = [];
  let prev = prompt.at(-1)!;
  for (let t = 0; t < tokens; t++) {
    const r = await lm.run({ ids: ids([prev]), ...state });
    const logits = r.logits!;
    const V = logits.dims[2]!;
    prev = argmaxRow(logits.data as Float32Array, 0, V);
    out.push(prev);
    state = carry(r, meta);
  }
  return out;
}

/** Zeros for h0 (and c0) [L, 1, H], read from the graph's declared shapes. */
function zeroState(ort: Ort, lm: Session, names: readonly string[]): Record<string, OrtTensor> {
  const out: Record<string, OrtTensor> = {};
  for (const name of names.filter((n) => n !== 'ids')) {
    const meta = lm.inputMetadata.find((m) => m.name === name);
    if (!meta?.isTensor) throw new Error(`lm.onnx input ${name} is not a tensor`);
    const dims = meta.shape.map((d) => (typeof d === 'number' ? d : 1)); // the symbolic B is 1
    out[name] = new ort.Tensor('float32', new Float32Array(dims.reduce((a, b) => a * b, 1)), dims);
  }
  return out;
}

/** hn → h0, cn → c0. */
function carry(out: Record<string, OrtTensor>, names: readonly string[]): Record<string, OrtTensor> {
  const state: Record<string, OrtTensor> = {};
  if (names.includes('h0')) state.h0 = out.hn!;
  if (names.includes('c0')) state.c0 = out.cn!;
  return state;
}

/**
 * Runs a trained run's model in a Web Worker: loads it from the files the page was given and
 * translates (greedy or beam) or generates (sampling), returning the attention as plain data.
 */
import { GlimpseError, Rng, data, decode, models, noGrad, ruleOf, tensor, train, type viz } from 'glimpse';
import { startBackend } from './backend.js';
import type {
  AttentionPicture, BeamTreeNode, ExploreReply, ExploreRequest, GenerateResult, HeadGridSection, RunInfo, SamplingSettings, TranslateResult,
} from './protocol.js';
import { lmStepDecode } from './lm-step-decode.js';
import { sourceOf, stepDecode } from './step-decode.js';
import { workerScope } from './worker-scope.js';

const post = (r: ExploreReply): void => workerScope.postMessage(r);

let trained: train.TrainedModel | null = null;

function describe(t: train.TrainedModel, name: string, weightsFile: string): RunInfo {
  const c = t.config;
  const task = train.TASKS[c.task];
  const { arch, ...settings } = c.model;
  const model = ruleOf(models.FAMILIES[task.family].archs, arch, 'architecture').describe(settings);
  const common = {
    name, task: c.task, parameters: t.model.numParameters(), attention: t.model.attends, weightsFile, model,
    inputLabel: task.input.label, action: task.input.action,
  };
  if (t.kind === 'lm') {
    return { ...common, kind: 'lm', vocab: `${t.vocabs.lm.size.toLocaleString('en-US')} tokens`, example: examplePrompt(t) };
  }
  return {
    ...common, kind: 'seq2seq',
    vocab: `${t.vocabs.src.size.toLocaleString('en-US')} source / ${t.vocabs.tgt.size.toLocaleString('en-US')} target tokens`,
    example: task.input.example,
  };
}

/** A prompt the model knows every token of: a familiar one if it can, else its most frequent token. */
function examplePrompt(t: Extract<train.TrainedModel, { kind: 'lm' }>): string {
  const candidates = [train.TASKS[t.config.task].input.example, 'the king', 'first citizen', 'ROMEO:', 'The ', 'the'];
  const known = candidates.find((c) => train.encodeInput(t, c).unknown.length === 0);
  const vocab = t.vocabs.lm;
  return known ?? vocab.itos.find((tok) => !vocab.specials.includes(tok)) ?? '';
}

/** Plain-data grids for the page (null when the model has no per-layer maps: the RNNs). */
function plainGrid(sections: viz.AttentionGridSection[] | null): HeadGridSection[] | null {
  return sections?.map((s) => ({
    title: s.title, rowLabels: [...s.rowLabels], colLabels: [...s.colLabels], rowTitle: s.yTitle ?? 'query', colTitle: s.xTitle ?? 'key',
    weights: s.weights.map((layer) => layer.map((head) => head.map((row) => [...row]))),
  })) ?? null;
}

function translate(t: train.TrainedModel, text: string, beam: number, nBest: number): TranslateResult {
  // An output a little over twice the input's length is room enough for every task.
  const maxTokens = Math.min(400, 2 * train.encodeInput(t, text).tokens.length + 10);
  return noGrad(() => {
    const out = train.translateText(t, text, { beam, nBest, maxTokens });
    return {
      source: out.source.tokens,
      unknown: out.source.unknown,
      hypotheses: out.hypotheses.map((h) => ({
        text: h.text, words: [...h.words], score: h.score, finished: h.finished,
        picture: h.attention ? { weights: h.attention, rowLabels: h.finished ? [...h.words, '<eos>'] : h.words, colLabels: out.source.tokens } : null,
        // Every hypothesis its own maps: the grid of a translation is drawn for its first one.
        grid: plainGrid(train.translationAttentionGrid(t, { source: out.source, hypotheses: [h] })),
      })),
      tree: beam > 1 ? beamTree(t, text, beam, maxTokens) : null,
    };
  });
}

/**
 * The search `translateText` runs for this beam, again, recording its history
 * (`decode.beamSearch`'s `history`), as one list of nodes step by step. The page's models are
 * small, so searching twice keeps `translateText` the one source of the listed hypotheses.
 */
function beamTree(t: train.TrainedModel, text: string, beam: number, maxTokens: number): BeamTreeNode[] {
  if (t.kind !== 'seq2seq') throw new GlimpseError('beam search needs a seq2seq run');
  const source = sourceOf(t, text);
  const tgt = t.vocabs.tgt;
  const { step, state } = train.seq2seqDecoder([t.model], { src: tensor(Int32Array.from(source.ids), { shape: [1, source.ids.length] }), srcLengths: [source.ids.length] });
  const history: decode.BeamNode[][] = [];
  decode.beamSearch(step, state, {
    beam, start: tgt.id(data.BOS), end: tgt.id(data.EOS), maxTokens: Math.min(maxTokens, t.model.maxLength?.length ?? Infinity), withAttention: true, history,
  });
  const nodes: BeamTreeNode[] = [];
  let offset = 0; // where the previous step's nodes start in `nodes`
  history.forEach((stepNodes, s) => {
    const start = nodes.length;
    for (const n of stepNodes) {
      nodes.push({
        parent: n.parent < 0 ? -1 : offset + n.parent, step: s + 1, token: tgt.itos[n.token]!, logProb: n.logProb, finished: n.finished,
        score: n.score ?? null, attention: n.attention ?? null,
      });
    }
    offset = start;
  });
  return nodes;
}

function generate(t: train.TrainedModel, promptText: string, s: SamplingSettings): GenerateResult {
  const g = noGrad(() => train.generateText(t, promptText, { maxTokens: s.maxTokens, temperature: s.temperature, topK: s.topK, topP: s.topP, rng: new Rng(s.seed) }));
  const picture: AttentionPicture | null = g.attention ? { weights: g.attention, rowLabels: g.tokens, colLabels: g.context } : null;
  // The prompt as the model read it (lowercased, tokenised) is a prefix of the whole text.
  const read = train.decodeOutput(t, g.prompt.ids).text;
  const prompt = g.text.startsWith(read) ? read : '';
  const grid = plainGrid(noGrad(() => train.generationAttentionGrid(t, g)));
  return { prompt, continuation: g.text.slice(prompt.length), tokens: g.tokens, logProbs: tokenLogProbs(t, g.prompt.ids, g.ids), unknown: g.prompt.unknown, picture, grid };
}

/** The model's own log-probability of each of `ids` after the prompt and the ids before it (teacher forcing). */
function tokenLogProbs(t: train.TrainedModel, prompt: readonly number[], ids: readonly number[]): number[] {
  if (t.kind !== 'lm') throw new GlimpseError('log-probabilities of a continuation need a language model');
  return noGrad(() => {
    const step = t.model.asStepModel();
    let state = t.model.prime(prompt);
    let prev = prompt[prompt.length - 1]!;
    return ids.map((id) => {
      const out = step.step(state, Int32Array.of(prev));
      state = out.state;
      prev = id;
      return out.logProbs[id]!;
    });
  });
}

function handle(msg: ExploreRequest): void {
  try {
    switch (msg.type) {
      case 'load': {
        const f = msg.files;
        trained = null;
        const t = train.trainedModelFromFiles({ config: f.config, vocabs: f.vocabs, weights: new Uint8Array(f.weights), name: f.name });
        trained = t;
        post({ id: msg.id, type: 'loaded', info: describe(t, f.name, f.weightsFile) });
        break;
      }
      case 'translate':
        if (!trained) throw new GlimpseError('no run is loaded');
        post({ id: msg.id, type: 'translated', result: translate(trained, msg.text, msg.beam, msg.nBest) });
        break;
      case 'generate':
        if (!trained) throw new GlimpseError('no run is loaded');
        post({ id: msg.id, type: 'generated', result: generate(trained, msg.prompt, msg) });
        break;
      case 'step':
        if (!trained) throw new GlimpseError('no run is loaded');
        post({
          id: msg.id, type: 'stepped',
          result: trained.kind === 'lm' && msg.sampling
            ? lmStepDecode(trained, msg.text, msg.chosen, Math.min(20, Math.max(1, msg.k)), msg.sampling)
            : stepDecode(trained, msg.text, msg.chosen, Math.min(20, Math.max(1, msg.k))),
        });
        break;
    }
  } catch (e) {
    post({ id: msg.id, type: 'error', message: (e as Error).message });
  }
}

const backendReady = startBackend();
workerScope.addEventListener('message', (e) => {
  // Requests wait for the kernels; they are answered in order.
  void backendReady.then(() => handle(e.data as ExploreRequest), (err: unknown) => {
    post({ id: (e.data as ExploreRequest).id, type: 'error', message: `the kernels did not load: ${(err as Error).message}` });
  });
});
void backendReady.then((backend) => post({ id: -1, type: 'ready', backend }), () => {});

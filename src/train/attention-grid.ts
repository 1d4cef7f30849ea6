/**
 * Every layer's and head's attention behind a translation or a generation, labelled with its
 * tokens, for the grid pictures of `viz` (a Transformer run's `--visualize`). Models that have
 * no such maps (the RNNs: one attention, one head) give null, and the callers draw the single
 * heatmap they always drew.
 */
import { tensor } from '../core/create.js';
import type { AttentionMapGroup } from '../models/index.js';
import { GlimpseError } from '../util/errors.js';
import type { AttentionGridSection } from '../viz/index.js';
import type { TrainedModel } from './model.js';
import type { Generation, Translation } from './use.js';

/** Layers and heads to keep, numbered from 1 as the pictures label them (undefined: all). */
export interface AttentionSelection {
  layer?: number;
  head?: number;
}

/**
 * The grids of a translation's best hypothesis: encoder self-attention (source × source),
 * decoder self-attention (each output × the tokens read before it, `<bos>` first) and
 * cross-attention (each output × the source); null when the model has no per-layer maps.
 *
 * @example
 * const t = translateText(trained, 'abc', { beam: 1, nBest: 1, maxTokens: 20 });
 * const sections = translationAttentionGrid(trained, t, { layer: 2 });
 */
export function translationAttentionGrid(t: TrainedModel, translation: Translation, select: AttentionSelection = {}): AttentionGridSection[] | null {
  if (t.kind !== 'seq2seq' || !t.model.attentionMaps) return null;
  const best = translation.hypotheses[0];
  if (!best) return null;
  const srcIds = t.vocabs.src.encode(translation.source.tokens);
  const read = best.finished ? best.tokens : best.tokens.slice(0, -1); // the decoder's inputs after <bos>
  const tgtIn = [t.vocabs.tgt.id('<bos>'), ...read];
  const groups = t.model.eval().attentionMaps!(
    { src: tensor(Int32Array.from(srcIds), { shape: [1, srcIds.length] }), srcLengths: [srcIds.length] },
    tensor(Int32Array.from(tgtIn), { shape: [1, tgtIn.length] }),
  );
  const labels = {
    source: translation.source.tokens,
    target: best.finished ? [...best.words, '<eos>'] : best.words,
  };
  const keysOf = { source: translation.source.tokens, target: t.vocabs.tgt.decode(tgtIn) };
  return groups.map((g) => selectGroup({
    title: g.name, weights: g.weights, rowLabels: labels[g.rows], colLabels: keysOf[g.cols],
    yTitle: g.rows === 'source' ? 'input' : 'output', xTitle: g.cols === 'source' ? 'input' : 'read so far',
  }, select));
}

/**
 * The grids of a generation: the language model's causal self-attention over its last window
 * of prompt and continuation (each token × the tokens up to it); null without per-layer maps.
 */
export function generationAttentionGrid(t: TrainedModel, generation: Generation, select: AttentionSelection = {}): AttentionGridSection[] | null {
  if (t.kind !== 'lm' || !t.model.attentionMaps) return null;
  const ids = [...generation.prompt.ids, ...generation.ids];
  const groups: AttentionMapGroup[] = t.model.eval().attentionMaps!(ids);
  return groups.map((g) => {
    const n = g.weights[0]?.[0]?.length ?? 0;
    const tokens = generation.context.slice(-n);
    return selectGroup({ title: g.name, weights: g.weights, rowLabels: tokens, colLabels: tokens, yTitle: 'token', xTitle: 'context' }, select);
  });
}

/** The selected layer and head of a section; a number beyond the model's is one line naming the flag. */
function selectGroup(section: AttentionGridSection, select: AttentionSelection): AttentionGridSection {
  const L = section.weights.length;
  const H = section.weights[0]?.length ?? 0;
  const pick = (n: number | undefined, count: number, flag: string, what: string): number[] => {
    if (n === undefined) return Array.from({ length: count }, (_, i) => i + 1);
    if (!Number.isInteger(n) || n < 1 || n > count) throw new GlimpseError(`--${flag} ${n}: the ${section.title} has ${count} ${what}${count > 1 ? 's' : ''}, numbered 1…${count}`);
    return [n];
  };
  const layers = pick(select.layer, L, 'layer', 'layer');
  const heads = pick(select.head, H, 'head', 'head');
  return {
    ...section,
    weights: layers.map((l) => heads.map((h) => section.weights[l - 1]![h - 1]!)),
    layerNumbers: layers,
    headNumbers: heads,
  };
}

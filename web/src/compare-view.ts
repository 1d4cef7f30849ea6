/**
 * Two runs side by side: a second run folder (of the first run's kind) loads in a second
 * worker. Seq2seq runs: every input the page translates is translated by both (same search),
 * and their best outputs, scores and attention are shown next to each other. Language models:
 * every prompt is continued by both with the same sampling settings (seed included), and the
 * two continuations, their tokens' log-probabilities, perplexity and attention are shown next
 * to each other. The tokens that differ are marked: those outside a longest common
 * subsequence of the two outputs, so one inserted token marks one token, not every token after it.
 */
import { ExploreClient } from './explore-client.js';
import { Heatmap, type HeatmapLook } from './heatmap.js';
import type { AttentionPicture, GenerateResult, RunInfo, SamplingSettings, TranslateResult } from './protocol.js';
import { type PickedFile, findRuns, readRun, runName } from './run-files.js';
import { visible } from './step-view.js';

/** One side: the run's name and its translation. */
export interface CompareSide {
  name: string;
  result: TranslateResult;
}

/** One side of two language models: the run's name and its continuation. */
export interface GenerationSide {
  name: string;
  result: GenerateResult;
}

/** What one side shows: lines above the tokens, the tokens (differing ones marked), a score line, the attention. */
interface SideContent {
  name: string;
  text?: { prompt: string; continuation: string };
  tokens: string[];
  /** A tooltip per token (e.g. its log-probability). */
  notes?: string[];
  score: string;
  picture: AttentionPicture | null;
  look: HeatmapLook;
}

const KIND_NAME = { lm: 'a language model', seq2seq: 'a seq2seq model' } as const;

export class CompareView {
  private client: ExploreClient | null = null;
  private other: RunInfo | null = null;
  private readonly heatmaps: [Heatmap, Heatmap];
  private readonly sides: [HTMLElement, HTMLElement];
  private readonly pictures: [HTMLElement, HTMLElement];

  constructor(private readonly host: HTMLElement, private readonly status: HTMLElement) {
    const heading = document.createElement('h3');
    heading.textContent = 'Two runs side by side';
    const row = document.createElement('div');
    row.className = 'compare-row';
    const side = () => {
      const e = document.createElement('div');
      e.className = 'compare-side';
      const picture = document.createElement('div');
      return { e, picture };
    };
    const a = side();
    const b = side();
    row.append(a.e, b.e);
    host.replaceChildren(heading, row);
    this.sides = [a.e, b.e];
    this.heatmaps = [new Heatmap(a.picture), new Heatmap(b.picture)];
    this.pictures = [a.picture, b.picture];
    host.hidden = true;
  }

  /** Whether a second run is loaded. */
  get active(): boolean {
    return this.other !== null;
  }

  /** Loads the first run among `picked` as the run to compare with; it must be of `kind`, as the first run is. */
  async load(picked: PickedFile[], kind: RunInfo['kind']): Promise<void> {
    const runs = findRuns(picked);
    if (runs.length === 0) {
      this.say('No config.json among the chosen files: choose a run folder made by glimpse train.', true);
      return;
    }
    this.other = null;
    this.host.hidden = true;
    this.say(`Loading ${runName(runs[0]!)}…`);
    try {
      this.client ??= new ExploreClient();
      const { summary: _summary, ...files } = await readRun(runs[0]!);
      const r = await this.client.ask({ type: 'load', files }, [files.weights]);
      if (r.type !== 'loaded') return;
      if (r.info.kind !== kind) throw new Error(`it is ${KIND_NAME[r.info.kind]} and the first run is ${KIND_NAME[kind]}; side by side compares two runs of one kind`);
      this.other = r.info;
      this.say(`Compared with ${r.info.name} (${r.info.model}). ${kind === 'lm' ? 'Generate' : 'Translate'} to see both.`);
    } catch (e) {
      this.say(`Could not load ${runName(runs[0]!)}: ${(e as Error).message}`, true);
    }
  }

  /** Forgets the second run (a new first run was loaded). */
  clear(): void {
    this.other = null;
    this.host.hidden = true;
    this.say('');
  }

  /** Translates `text` with the second run as the first was (`beam`) and shows both. */
  async show(first: CompareSide, text: string, beam: number): Promise<void> {
    if (!this.client || !this.other || this.other.kind !== 'seq2seq') return;
    let second: CompareSide | string;
    try {
      const r = await this.client.ask({ type: 'translate', text, beam, nBest: 1 });
      second = r.type === 'translated' ? { name: this.other.name, result: r.result } : 'no answer';
    } catch (e) {
      second = (e as Error).message;
    }
    const content = (s: CompareSide | string): SideContent | string => {
      if (typeof s === 'string') return s;
      const h = s.result.hypotheses[0];
      return {
        name: s.name, tokens: h?.words ?? [],
        score: h ? `score ${h.score.toFixed(3)}${h.finished ? '' : ' (unfinished)'}` : 'no output',
        picture: h?.picture ?? null,
        look: { title: text, subtitle: `${s.name} · ${beam > 1 ? `beam ${beam}` : 'greedy'}`, rowTitle: 'output', colTitle: 'input' },
      };
    };
    await this.showBoth([content(first), content(second)]);
  }

  /** Continues `prompt` with the second language model with the first's sampling settings (seed included) and shows both. */
  async showGeneration(first: GenerationSide, prompt: string, settings: SamplingSettings): Promise<void> {
    if (!this.client || !this.other || this.other.kind !== 'lm') return;
    let second: GenerationSide | string;
    try {
      const r = await this.client.ask({ type: 'generate', prompt, ...settings });
      second = r.type === 'generated' ? { name: this.other.name, result: r.result } : 'no answer';
    } catch (e) {
      second = (e as Error).message;
    }
    const how = `sampling: temperature ${settings.temperature}${settings.topK ? `, top-k ${settings.topK}` : ''}${settings.topP < 1 ? `, top-p ${settings.topP}` : ''}, seed ${settings.seed}`;
    const content = (s: GenerationSide | string): SideContent | string => {
      if (typeof s === 'string') return s;
      const g = s.result;
      const mean = g.logProbs.reduce((a, b) => a + b, 0) / Math.max(1, g.logProbs.length);
      return {
        name: s.name, text: { prompt: g.prompt, continuation: g.continuation }, tokens: g.tokens,
        notes: g.logProbs.map((lp) => `log p = ${lp.toFixed(3)}`),
        score: g.tokens.length ? `perplexity ${Math.exp(-mean).toFixed(2)} over ${g.tokens.length} tokens (mean log p ${mean.toFixed(3)})` : 'no output',
        picture: g.picture,
        look: { title: prompt, subtitle: `${s.name} · ${how}`, rowTitle: 'generated', colTitle: 'context' },
      };
    };
    await this.showBoth([content(first), content(second)]);
  }

  private async showBoth(sides: readonly [SideContent | string, SideContent | string]): Promise<void> {
    const tokens = (s: SideContent | string) => (typeof s === 'string' ? [] : s.tokens);
    this.host.hidden = false;
    await Promise.all(sides.map((s, k) => this.side(k, s, tokens(sides[1 - k]!))));
  }

  private async side(k: number, s: SideContent | string, other: readonly string[]): Promise<void> {
    const e = this.sides[k]!;
    const title = document.createElement('h4');
    title.textContent = typeof s === 'string' ? this.other?.name ?? '' : s.name;
    if (typeof s === 'string') {
      const p = document.createElement('p');
      p.className = 'error';
      p.textContent = s;
      e.replaceChildren(title, p);
      this.heatmaps[k]!.message('No attention.');
      e.append(this.pictures[k]!);
      return;
    }
    const parts: HTMLElement[] = [title];
    if (s.text) {
      const p = document.createElement('p');
      p.className = 'output-text generated compare-text';
      const prompt = document.createElement('span');
      prompt.className = 'prompt';
      prompt.textContent = s.text.prompt;
      p.append(prompt, document.createTextNode(s.text.continuation));
      parts.push(p);
    }
    const out = document.createElement('p');
    out.className = 'output-text compare-output';
    out.setAttribute('aria-label', `${s.name}: ${s.text ? 'generated tokens' : 'output'}, differing tokens marked`);
    const differs = unmatched(s.tokens, other);
    s.tokens.forEach((w, i) => {
      const t = document.createElement('span');
      t.className = differs[i] ? 'token differs' : 'token';
      t.textContent = s.text ? visible(w) : w;
      const notes = [...(s.notes?.[i] ? [s.notes[i]] : []), ...(differs[i] ? ['not in the other run\'s output (outside their longest common subsequence)'] : [])];
      if (notes.length) t.title = notes.join('; ');
      out.append(t);
    });
    const score = document.createElement('p');
    score.className = 'compare-score';
    score.textContent = s.score;
    e.replaceChildren(...parts, out, score, this.pictures[k]!);
    if (s.picture) await this.heatmaps[k]!.show(s.picture, s.look);
    else this.heatmaps[k]!.message('This model has no attention to show.');
  }

  private say(message: string, error = false): void {
    this.status.textContent = message;
    this.status.classList.toggle('error', error);
  }
}

/**
 * For each token of `a`, whether it lies outside a longest common subsequence of `a` and `b`
 * (dynamic programming, O(|a|·|b|); outputs are at most a few hundred tokens).
 *
 * @example
 * unmatched(['h', 'h', 'g'], ['h', 'g']); // [true, false, false]
 */
export function unmatched(a: readonly string[], b: readonly string[]): boolean[] {
  // L[i][j]: LCS length of a[i…] and b[j…].
  const L = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) L[i]![j] = a[i] === b[j] ? L[i + 1]![j + 1]! + 1 : Math.max(L[i + 1]![j]!, L[i]![j + 1]!);
  }
  const out = new Array<boolean>(a.length).fill(true);
  for (let i = 0, j = 0; i < a.length && j < b.length;) {
    if (a[i] === b[j]) {
      out[i] = false;
      i++;
      j++;
    } else if (L[i + 1]![j]! >= L[i]![j + 1]!) i++;
    else j++;
  }
  return out;
}

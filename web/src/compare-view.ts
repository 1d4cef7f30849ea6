/**
 * Two runs side by side (seq2seq runs): a second run folder loads in a second worker; every
 * input the page translates is translated by both (same search), and their best outputs,
 * scores and attention are shown next to each other. The tokens that differ are marked: those
 * outside a longest common subsequence of the two outputs, so one inserted token marks one
 * token, not every token after it.
 */
import { ExploreClient } from './explore-client.js';
import { Heatmap } from './heatmap.js';
import type { RunInfo, TranslateResult } from './protocol.js';
import { type PickedFile, findRuns, readRun, runName } from './run-files.js';

/** One side: the run's name and its translation. */
export interface CompareSide {
  name: string;
  result: TranslateResult;
}

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

  /** Loads the first run among `picked` as the run to compare with. */
  async load(picked: PickedFile[]): Promise<void> {
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
      if (r.info.kind !== 'seq2seq') throw new Error('it is a language model; side by side compares seq2seq runs');
      this.other = r.info;
      this.say(`Compared with ${r.info.name} (${r.info.model}). Translate to see both.`);
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
    if (!this.client || !this.other) return;
    let second: CompareSide | string;
    try {
      const r = await this.client.ask({ type: 'translate', text, beam, nBest: 1 });
      second = r.type === 'translated' ? { name: this.other.name, result: r.result } : 'no answer';
    } catch (e) {
      second = (e as Error).message;
    }
    const words = (s: CompareSide | string) => (typeof s === 'string' ? [] : s.result.hypotheses[0]?.words ?? []);
    const sides = [first, second] as const;
    this.host.hidden = false;
    await Promise.all(sides.map((s, k) => this.side(k, s, words(sides[1 - k]!), typeof s === 'string' ? this.other!.name : s.name, text, beam)));
  }

  private async side(k: number, s: CompareSide | string, other: readonly string[], name: string, text: string, beam: number): Promise<void> {
    const e = this.sides[k]!;
    const title = document.createElement('h4');
    title.textContent = name;
    if (typeof s === 'string') {
      const p = document.createElement('p');
      p.className = 'error';
      p.textContent = s;
      e.replaceChildren(title, p);
      this.heatmaps[k]!.message('No attention.');
      e.append(this.pictures[k]!);
      return;
    }
    const h = s.result.hypotheses[0];
    const out = document.createElement('p');
    out.className = 'output-text compare-output';
    out.setAttribute('aria-label', `${name}: output, differing tokens marked`);
    const words = h?.words ?? [];
    const differs = unmatched(words, other);
    words.forEach((w, i) => {
      const t = document.createElement('span');
      t.className = differs[i] ? 'token differs' : 'token';
      t.textContent = w;
      if (differs[i]) t.title = 'not in the other run\'s output (outside their longest common subsequence)';
      out.append(t);
    });
    const score = document.createElement('p');
    score.className = 'compare-score';
    score.textContent = h ? `score ${h.score.toFixed(3)}${h.finished ? '' : ' (unfinished)'}` : 'no output';
    e.replaceChildren(title, out, score, this.pictures[k]!);
    if (h?.picture) await this.heatmaps[k]!.show(h.picture, { title: text, subtitle: `${name} · ${beam > 1 ? `beam ${beam}` : 'greedy'}`, rowTitle: 'output', colTitle: 'input' });
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

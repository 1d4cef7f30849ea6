/**
 * "Explore a trained run": reads a run folder the user picks or drops, loads its model in a
 * worker, and shows the model's output for typed input with the attention behind it.
 */
import type { BackendReport } from './backend.js';
import { BeamTreeView } from './beam-tree.js';
import { $ } from './dom.js';
import { HeadGrid } from './head-grid.js';
import { HeadView, pictureSection } from './head-view.js';
import { Heatmap } from './heatmap.js';
import { CompareView } from './compare-view.js';
import { ExploreClient } from './explore-client.js';
import type { GenerateResult, RunInfo, SamplingSettings, TranslateResult } from './protocol.js';
import { type PickedFile, type RunCandidate, findRuns, fromDrop, fromFileList, readRun, runName } from './run-files.js';
import { StepView } from './step-view.js';

/** What the page may do with a started explore view: open picked files as the user's pick would, say a line. */
export interface ExploreHandle {
  pick(picked: PickedFile[]): Promise<void>;
  say(message: string, error?: boolean): void;
}

export function startExploreView(onBackend: (r: BackendReport) => void): ExploreHandle {
  const client = new ExploreClient(onBackend);
  const status = $('#explore-status');
  const form = $<HTMLFormElement>('#explore-form');
  const input = $<HTMLInputElement>('#explore-input');
  const select = $<HTMLSelectElement>('#run-select');
  const output = $('#explore-output');
  const heatmap = new Heatmap($('#explore-heatmap'));
  const treeHost = $('#explore-beam-tree');
  heatmap.message('Load a run to see what its model attends to.');
  const grid = new HeadGrid($('#explore-grid'));
  const heads = new HeadView($('#explore-heads'));
  const compare = new CompareView($('#explore-compare'), $('#compare-status'));
  const say = (message: string, error = false) => {
    status.textContent = message;
    status.classList.toggle('error', error);
  };
  const stepper = new StepView({
    panel: $('#step-panel'), start: $<HTMLButtonElement>('#step-start'), next: $<HTMLButtonElement>('#step-next'),
    back: $<HTMLButtonElement>('#step-back'), tokens: $('#step-tokens'), candidates: $('#step-candidates'),
    continuation: $('#step-continuation'), heatmap: $('#step-heatmap'), status: say,
  }, (request) => client.ask(request), () => input.value, () => (info?.kind === 'lm' ? samplingSettings() : null));
  let runs: RunCandidate[] = [];
  let info: RunInfo | null = null;
  let busy = false;

  const setBusy = (b: boolean) => {
    busy = b;
    $<HTMLButtonElement>('#explore-run').disabled = b;
    document.body.dataset.explore = b ? 'busy' : info ? 'ready' : 'empty';
  };

  const pick = async (picked: PickedFile[]) => {
    runs = findRuns(picked);
    if (runs.length === 0) {
      say(`No config.json among the ${picked.length} chosen file${picked.length === 1 ? '' : 's'}: choose a run folder (runs/<name>/) made by glimpse train.`, true);
      return;
    }
    select.replaceChildren(...runs.map((r, i) => new Option(r.folder || runName(r), String(i))));
    $('#run-choice').hidden = runs.length < 2;
    await load(runs[0]!);
  };

  const load = async (run: RunCandidate) => {
    setBusy(true);
    info = null;
    form.hidden = true;
    $('#run-info').hidden = true;
    grid.show(null, '');
    heads.show(null, '');
    treeHost.hidden = true;
    compare.clear();
    stepper.reset(false);
    say(`Loading ${runName(run)}…`);
    try {
      const files = await readRun(run);
      const { summary, ...message } = files;
      const r = await client.ask({ type: 'load', files: message }, [message.weights]);
      if (r.type !== 'loaded') return;
      info = r.info;
      showInfo(r.info, summary);
      configureForm(r.info);
      say(`Loaded ${r.info.name}.`);
      setBusy(false);
      if (r.info.example) {
        input.value = r.info.example;
        await runModel();
      }
    } catch (e) {
      say(`Could not load ${runName(run)}: ${(e as Error).message}`, true);
      setBusy(false);
    }
  };

  const showInfo = (i: RunInfo, summaryText: string | null) => {
    const rows: [string, string][] = [
      ['run', i.name], ['task', i.task], ['model', i.model], ['parameters', i.parameters.toLocaleString('en-US')],
      ['vocabulary', i.vocab], ['weights', i.weightsFile],
    ];
    const test = summaryLine(summaryText);
    if (test) rows.push(['test', test]);
    $('#run-info').replaceChildren(...rows.flatMap(([k, v]) => [text('dt', k), text('dd', v)]));
    $('#run-info').hidden = false;
  };

  const configureForm = (i: RunInfo) => {
    const lm = i.kind === 'lm';
    $('#decode-seq2seq').hidden = lm;
    $('#decode-lm').hidden = !lm;
    $('#explore-input-label').textContent = i.inputLabel;
    $('#explore-run').textContent = i.action;
    $('#compare-choice').hidden = false;
    form.hidden = false;
    stepper.reset(true, lm ? 'lm' : 'seq2seq');
    heatmap.message(i.attention ? 'Run the model to see its attention.' : 'This model has no attention to show (train one with attention, e.g. --model lstm-attn).');
  };

  const runModel = async () => {
    if (!info || busy) return;
    const textIn = input.value;
    setBusy(true);
    say('Running the model…');
    try {
      if (info.kind === 'seq2seq') {
        const beam = (form.elements.namedItem('search') as RadioNodeList).value === 'beam' ? clampInt($<HTMLInputElement>('#beam-size').value, 2, 16, 5) : 1;
        const r = await client.ask({ type: 'translate', text: textIn, beam, nBest: beam });
        if (r.type === 'translated') {
          await showTranslation(r.result, textIn, beam);
          await compare.show({ name: info.name, result: r.result }, textIn, beam);
        }
      } else {
        const settings = samplingSettings();
        const r = await client.ask({ type: 'generate', prompt: textIn, ...settings });
        if (r.type === 'generated') {
          await showGeneration(r.result);
          await compare.showGeneration({ name: info.name, result: r.result }, textIn, settings);
        }
      }
      say('');
    } catch (e) {
      say((e as Error).message, true);
    } finally {
      setBusy(false);
    }
  };

  const showTranslation = async (r: TranslateResult, source: string, beam: number) => {
    const best = r.hypotheses[0];
    const parts: HTMLElement[] = [text('p', beam > 1 ? `Beam search (width ${beam})` : 'Greedy decoding', 'output-kind')];
    const main = text('p', best ? best.text || '∅' : '∅', 'output-text');
    main.id = 'explore-best';
    parts.push(main);
    const title = source.length > 48 ? `${source.slice(0, 45)}…` : source;
    /** Draws hypothesis k's attention (and its every head, for Transformers). */
    const showHypothesis = async (k: number) => {
      const h = r.hypotheses[k]!;
      const subtitle = `${info?.name ?? ''} · ${beam > 1 ? `beam ${beam}, hypothesis ${k + 1} (score ${h.score.toFixed(3)})` : 'greedy'}`;
      grid.show(h.grid, subtitle);
      heads.show(h.grid ?? (h.picture ? [pictureSection(h.picture, 'attention', 'output', 'input')] : null), subtitle);
      if (h.picture) await heatmap.show(h.picture, { title, subtitle, rowTitle: 'output', colTitle: 'input' });
    };
    let tree: BeamTreeView | null = null;
    if (r.hypotheses.length > 1) {
      const list = document.createElement('ol');
      list.className = 'nbest';
      list.setAttribute('aria-label', 'Every hypothesis of the beam with its score; choose one to see its attention');
      r.hypotheses.forEach((h, k) => {
        const li = text('li', '');
        const b = text('button', '', 'hypothesis');
        b.type = 'button';
        b.setAttribute('aria-pressed', String(k === 0));
        b.append(text('span', h.text || '∅'), text('span', h.score.toFixed(3), 'score'));
        b.addEventListener('click', () => {
          for (const other of list.querySelectorAll('button')) other.setAttribute('aria-pressed', String(other === b));
          tree?.select(null);
          void showHypothesis(k);
        });
        li.append(b);
        list.append(li);
      });
      parts.push(list);
      if (r.tree) {
        // A node of the tree: its partial hypothesis's attention rows so far, in the summary heatmap.
        tree = new BeamTreeView(r.tree, beam, (node, path) => {
          for (const other of list.querySelectorAll('button')) other.setAttribute('aria-pressed', 'false');
          const subtitle = `${info?.name ?? ''} · beam ${beam}, step ${node.step}: Σ log p ${node.logProb.toFixed(3)}${node.score === null ? '' : `, score ${node.score.toFixed(3)}`}`;
          if (path.some((n) => !n.attention)) heatmap.message('This model has no attention to show.');
          else void heatmap.show({ weights: path.map((n) => n.attention!), rowLabels: path.map((n) => n.token), colLabels: r.source }, { title, subtitle, rowTitle: 'output', colTitle: 'input' });
        });
        treeHost.replaceChildren(tree.element);
      }
    }
    treeHost.hidden = tree === null;
    if (r.unknown.length) parts.push(text('p', `Unknown to the model (read as <unk>): ${[...new Set(r.unknown)].join(' ')}`, 'warning'));
    output.replaceChildren(...parts);
    if (best) await showHypothesis(0);
  };

  const showGeneration = async (r: GenerateResult) => {
    const p = text('p', '', 'output-text generated');
    p.id = 'explore-best';
    p.append(text('span', r.prompt, 'prompt'), document.createTextNode(r.continuation));
    const parts: HTMLElement[] = [text('p', 'Sampled continuation', 'output-kind'), p];
    if (r.unknown.length) parts.push(text('p', `Unknown to the model (read as <unk>): ${[...new Set(r.unknown)].join(' ')}`, 'warning'));
    output.replaceChildren(...parts);
    treeHost.hidden = true;
    grid.show(r.grid, info?.name ?? '');
    heads.show(r.grid ?? (r.picture ? [pictureSection(r.picture, 'attention', 'generated', 'context')] : null), info?.name ?? '');
    if (r.picture) {
      await heatmap.show(r.picture, { title: 'Attention while generating', subtitle: info?.name, rowTitle: 'generated', colTitle: 'context' });
    }
  };

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void runModel();
  });
  select.addEventListener('change', () => void load(runs[Number(select.value)]!));
  for (const id of ['#pick-folder', '#pick-files']) {
    const picker = $<HTMLInputElement>(id);
    picker.addEventListener('change', () => {
      if (picker.files && picker.files.length) void pick(fromFileList(picker.files));
      picker.value = '';
    });
  }
  const comparePicker = $<HTMLInputElement>('#pick-compare');
  comparePicker.addEventListener('change', () => {
    if (comparePicker.files && comparePicker.files.length && info) void compare.load(fromFileList(comparePicker.files), info.kind).then(() => runModel());
    comparePicker.value = '';
  });
  const zone = $('#drop-zone');
  zone.addEventListener('dragover', (e) => {
    e.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    if (e.dataTransfer) void fromDrop(e.dataTransfer).then(pick);
  });
  setBusy(false);
  return { pick, say };
}

/** The language model's sampling settings from the form, each clamped to its field's range. */
function samplingSettings(): SamplingSettings {
  return {
    maxTokens: clampInt($<HTMLInputElement>('#lm-tokens').value, 1, 400, 40),
    temperature: clampNumber($<HTMLInputElement>('#lm-temperature').value, 0.05, 5, 0.8),
    topK: clampInt($<HTMLInputElement>('#lm-topk').value, 0, 100000, 0),
    topP: clampNumber($<HTMLInputElement>('#lm-topp').value, 0.01, 1, 1),
    seed: clampInt($<HTMLInputElement>('#lm-seed').value, 0, 2 ** 32 - 1, 1),
  };
}

/** "exact 99.2 %, token accuracy 99.8 %" or "BLEU 35.1, perplexity 12.4" from summary.json. */
function summaryLine(summaryText: string | null): string | null {
  if (!summaryText) return null;
  try {
    const s = JSON.parse(summaryText) as { test?: Record<string, number>; steps?: number; trainSeconds?: number };
    if (!s.test) return null;
    const t = s.test;
    const parts: string[] = [];
    if (t.exact !== undefined) parts.push(`exact match ${(t.exact * 100).toFixed(1)} %`);
    if (t.token_acc !== undefined) parts.push(`token accuracy ${(t.token_acc * 100).toFixed(1)} %`);
    if (t.bleu !== undefined) parts.push(`BLEU ${t.bleu.toFixed(1)}`);
    if (t.ppl !== undefined && t.exact === undefined) parts.push(`perplexity ${t.ppl.toFixed(1)}`);
    if (s.steps !== undefined) parts.push(`after ${s.steps.toLocaleString('en-US')} steps`);
    return parts.join(', ');
  } catch {
    return null;
  }
}

function text<K extends keyof HTMLElementTagNameMap>(tag: K, content: string, className = ''): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  e.textContent = content;
  if (className) e.className = className;
  return e;
}

function clampInt(v: string, lo: number, hi: number, fallback: number): number {
  const n = Math.round(Number(v));
  return Number.isFinite(n) ? Math.min(hi, Math.max(lo, n)) : fallback;
}

function clampNumber(v: string, lo: number, hi: number, fallback: number): number {
  const n = Number(v);
  return Number.isFinite(n) ? Math.min(hi, Math.max(lo, n)) : fallback;
}

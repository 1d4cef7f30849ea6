import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as glimpseNode from '../../src/index.js';
import { loadTrainedModel } from '../../src/train/session.js';
import { glimpse } from '../helpers/cli.js';
import { type PageSession, errorsOf, skipReason, startPage } from './browser.js';

// The explorer's head view and the language-model step view, in Chromium, on runs made by the
// real `glimpse train`.
if (skipReason) console.warn(`test/web: browser tests skipped: ${skipReason}`);

let session: PageSession;

/** Lines of the head view, and those not hidden by pointing at a token. */
const lines = (page: Page, extra = '') => page.locator(`#explore-heads g.lines line${extra}`);
const shownLines = (page: Page) => page.locator('#explore-heads g.lines line:not([visibility=hidden])');

/** The runs folder, with the runs the tests made so far (each made once, by the real `glimpse train`). */
const made = new Set<string>();
function transformerRun(): string {
  const runs = join(session.dir, 'runs');
  if (made.has('tr')) return runs;
  const trained = glimpse(['train', '--task', 'reverse', '--arch', 'transformer', '--runs', runs, '--name', 'tr', '--no-progress',
    '--d-model', '18', '--heads', '3', '--layers', '2', '--feedforward', '32', '--positions', '24', '--batch-size', '16',
    '--min-len', '2', '--max-len', '6', '--max-steps', '20', '--eval-every', '20']);
  expect(trained.code, trained.stderr).toBe(0);
  made.add('tr');
  return runs;
}

function rnnRun(): string {
  const runs = join(session.dir, 'runs');
  if (made.has('rnn')) return runs;
  const config = join(session.dir, 'rnn.json');
  writeFileSync(config, JSON.stringify({
    task: 'reverse',
    data: { trainSize: 500, validSize: 50, testSize: 50, minLen: 3, maxLen: 8, batchSize: 32 },
    model: { embeddingSize: 16, encoderHidden: 16, decoderHidden: 32, attentionSize: 32 },
    train: { maxSteps: 40, evalEvery: 40, lr: 0.01, seed: 3 },
  }));
  const trained = glimpse(['train', '--config', config, '--runs', runs, '--name', 'rnn', '--no-progress']);
  expect(trained.code, trained.stderr).toBe(0);
  made.add('rnn');
  return runs;
}

/** A word-level lstm-attn language model on tinyshakespeare's first lines, made once per name (later flags override). */
function lmRun(name: string, flags: readonly string[] = []): string {
  const runs = join(session.dir, 'lm-runs');
  if (made.has(name)) return join(runs, name);
  const text = join(session.dir, 'text.txt');
  if (!existsSync(text)) writeFileSync(text, readFileSync(resolve('../shared/data/tinyshakespeare/input.txt'), 'utf8').split('\n').slice(0, 1500).join('\n'));
  const trained = glimpse(['train', '--task', 'lm', '--model', 'lstm-attn', '--data', text, '--runs', runs, '--name', name, '--no-progress',
    '--embedding', '16', '--hidden', '16', '--batch-size', '8', '--max-steps', '10', '--eval-every', '10', ...flags]);
  expect(trained.code, trained.stderr).toBe(0);
  made.add(name);
  return join(runs, name);
}

/** Length of a longest common subsequence. */
function lcs(a: readonly string[], b: readonly string[]): number {
  let prev = new Array<number>(b.length + 1).fill(0);
  for (const x of a) {
    const row = [0];
    b.forEach((y, j) => row.push(x === y ? prev[j]! + 1 : Math.max(prev[j + 1]!, row[j]!)));
    prev = row;
  }
  return prev[b.length]!;
}

async function openRun(page: Page, run: string): Promise<void> {
  await page.setInputFiles('#pick-folder', run);
  await page.waitForSelector('body[data-explore=ready]', { timeout: 20_000 });
}

/** PNG width and height from its IHDR chunk (after the 8-byte signature and the chunk's length and type). */
function pngSize(b: Buffer): [number, number] {
  expect([...b.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(b.subarray(12, 16).toString('latin1')).toBe('IHDR');
  return [b.readUInt32BE(16), b.readUInt32BE(20)];
}

describe.skipIf(skipReason !== null)(`the explorer's views in Chromium${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  beforeAll(async () => {
    session = await startPage('glimpse-views-');
  }, 60_000);

  afterAll(async () => {
    await session?.close();
  });

  it('head view of a Transformer run: one line per head, query and key with opacity = weight, heads toggled, a token\'s own lines, SVG and PNG export', async () => {
    const runs = transformerRun();
    const t = loadTrainedModel(join(runs, 'tr'));
    const translation = glimpseNode.train.translateText(t, 'abcde', { beam: 1, nBest: 1, maxTokens: 20 });
    const sections = glimpseNode.train.translationAttentionGrid(t, translation)!;
    const page = await session.open('#explore');
    await openRun(page, join(runs, 'tr'));
    await page.fill('#explore-input', 'abcde');
    await page.click('#explore-run');
    await page.waitForFunction(() => document.querySelector('#explore-heatmap svg')?.textContent?.includes('abcde'), null, { timeout: 10_000 });
    await page.waitForSelector('#explore-heads svg');
    expect(await page.locator('#explore-heads input[name=head-view-section]').evaluateAll((es) => es.map((e) => (e as HTMLInputElement).value)))
      .toEqual(sections.map((s) => s.title));
    // Cross-attention, last layer, first: 3 heads × T output × S input lines.
    const cross = sections[2]!;
    expect(await page.locator('#explore-heads input[value="cross-attention"]').isChecked()).toBe(true);
    expect(await page.locator('#explore-heads select').evaluate((s) => [(s as HTMLSelectElement).value, (s as HTMLSelectElement).options.length])).toEqual(['1', 2]);
    expect(await lines(page).count()).toBe(3 * cross.rowLabels.length * cross.colLabels.length);
    expect(await page.locator('#explore-heads g.token.row text').allTextContents()).toEqual(cross.rowLabels);
    expect(await page.locator('#explore-heads g.token.col text').allTextContents()).toEqual(cross.colLabels);
    // Encoder self-attention, layer 1: every line's opacity is its weight.
    await page.check('#explore-heads input[value="encoder self-attention"]');
    await page.selectOption('#explore-heads select', '0');
    await page.waitForFunction(() => document.querySelector('#explore-heads svg text')?.textContent === 'encoder self-attention · layer 1');
    const enc = sections[0]!;
    const S = enc.colLabels.length;
    const shown = await lines(page).evaluateAll((ls) => ls.map((l) => [l.getAttribute('data-head'), l.getAttribute('data-row'), l.getAttribute('data-col'), l.getAttribute('stroke-opacity')].map(Number)));
    expect(shown.length).toBe(3 * S * S);
    for (const [h, i, j, opacity] of shown) expect(Math.abs(opacity! - enc.weights[0]![h! - 1]![i! - 1]![j! - 1]!)).toBeLessThanOrEqual(1e-4);
    // A chip turns its head off (and on again); a double-click keeps that head alone.
    await page.click('#explore-heads .head-chip[data-head="2"]');
    expect(await page.locator('#explore-heads .head-chip[data-head="2"]').getAttribute('aria-pressed')).toBe('false');
    expect(await lines(page).count()).toBe(2 * S * S);
    expect(await lines(page, '[data-head="2"]').count()).toBe(0);
    expect(await page.locator('#explore-heads svg g.legend text').allTextContents()).toEqual(['head 1', 'head 3']);
    await page.click('#explore-heads .head-chip[data-head="2"]');
    expect(await lines(page).count()).toBe(3 * S * S);
    await page.dblclick('#explore-heads .head-chip[data-head="3"]');
    expect(await lines(page).count()).toBe(S * S);
    expect(await lines(page, '[data-head="3"]').count()).toBe(S * S);
    // Pointing at query token 2 leaves only its lines; at key token 4, only the lines into it; leaving shows all.
    await page.hover('#explore-heads g.token.row[data-index="2"]');
    expect(await shownLines(page).evaluateAll((ls) => ls.map((l) => l.getAttribute('data-row')))).toEqual(new Array(S).fill('2'));
    await page.hover('#explore-heads g.token.col[data-index="4"]');
    expect(await shownLines(page).evaluateAll((ls) => ls.map((l) => l.getAttribute('data-col')))).toEqual(new Array(S).fill('4'));
    await page.mouse.move(0, 0);
    expect(await shownLines(page).count()).toBe(S * S);
    // Tab onto a token does the same.
    await page.focus('#explore-heads g.token.row[data-index="1"]');
    expect(await shownLines(page).count()).toBe(S);
    await page.mouse.move(0, 0);
    await page.focus('#explore-input');
    // Export: a standalone SVG with the title, legend and tokens; a PNG three times its size.
    const save = async (selector: string) => {
      const [dl] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
      const file = join(session.dir, dl.suggestedFilename());
      await dl.saveAs(file);
      return { name: dl.suggestedFilename(), bytes: readFileSync(file) };
    };
    const svg = await save('#explore-heads .export-svg');
    expect(svg.name).toBe('glimpse-head-view-encoder-self-attention-layer-1.svg');
    const markup = svg.bytes.toString('utf8');
    const parsed = await page.evaluate((m) => {
      const doc = new DOMParser().parseFromString(m, 'image/svg+xml');
      return {
        error: doc.querySelector('parsererror')?.textContent ?? null, root: doc.documentElement.localName, ns: doc.documentElement.namespaceURI,
        width: Number(doc.documentElement.getAttribute('width')), height: Number(doc.documentElement.getAttribute('height')),
        texts: Array.from(doc.querySelectorAll('text'), (t) => t.textContent), lines: doc.querySelectorAll('line').length,
        hidden: doc.querySelectorAll('[visibility=hidden]').length,
      };
    }, markup);
    expect(parsed).toMatchObject({ error: null, root: 'svg', ns: 'http://www.w3.org/2000/svg', lines: S * S, hidden: 0 });
    expect(parsed.texts).toEqual(expect.arrayContaining(['encoder self-attention · layer 1', 'head 3', ...enc.rowLabels]));
    const png = await save('#explore-heads .export-png');
    expect(png.name).toBe('glimpse-head-view-encoder-self-attention-layer-1.png');
    expect(pngSize(png.bytes)).toEqual([Math.round(parsed.width * 3), Math.round(parsed.height * 3)]);
    expect(errorsOf(page)).toEqual([]);
    await page.close();
  }, 90_000);

  it('head view of an RNN run: its one attention, one colour, lines weighted as glimpse translate computes them', async () => {
    const runs = rnnRun();
    const h = glimpseNode.train.translateText(loadTrainedModel(join(runs, 'rnn')), 'abcdef', { beam: 1, nBest: 1, maxTokens: 22 }).hypotheses[0]!;
    const page = await session.open('#explore');
    await openRun(page, join(runs, 'rnn'));
    await page.fill('#explore-input', 'abcdef');
    await page.click('#explore-run');
    await page.waitForFunction(() => document.querySelector('#explore-heatmap svg')?.textContent?.includes('abcdef'), null, { timeout: 10_000 });
    await page.waitForSelector('#explore-heads svg');
    expect(await page.locator('#explore-heads .head-chip').allTextContents()).toEqual(['attention']);
    expect(await page.locator('#explore-heads .head-view-layer').isHidden()).toBe(true);
    expect(await page.locator('#explore-heads .head-view-sections').isHidden()).toBe(true);
    const rows = h.finished ? [...h.words, '<eos>'] : h.words;
    expect(await page.locator('#explore-heads g.token.row text').allTextContents()).toEqual(rows);
    const shown = await lines(page).evaluateAll((ls) => ls.map((l) => [l.getAttribute('data-row'), l.getAttribute('data-col'), l.getAttribute('stroke-opacity')].map(Number)));
    expect(shown.length).toBe(rows.length * 'abcdef'.length);
    for (const [i, j, opacity] of shown) expect(Math.abs(opacity! - h.attention![i! - 1]![j! - 1]!)).toBeLessThanOrEqual(1e-4);
    expect(errorsOf(page)).toEqual([]);
    await page.close();
  }, 90_000);

  it('steps through a language model\'s sampling: the adjusted top-k, the seeded draw taken by Step equals glimpse generate, top-k 1 is greedy', async () => {
    const run = lmRun('lm');
    const generate = (...flags: string[]) => {
      const g = glimpse(['generate', '--run', run, '--prompt', 'the king', '--max-tokens', '12', '--backend', 'wasm', ...flags]);
      expect(g.code, g.stderr).toBe(0);
      return g.stdout.replace(/\n$/, '');
    };
    const sampled = generate('--temperature', '0.9', '--top-p', '0.9', '--seed', '7');
    const greedy = generate('--temperature', '0');
    const page = await session.open('#explore');
    await openRun(page, run);
    await page.waitForSelector('#explore-heatmap svg', { timeout: 10_000 });
    expect(await page.textContent('#step-start')).toBe('Step through the prompt');
    const settings = async (o: { temperature: string; topK: string; topP: string; seed: string }) => {
      await page.fill('#explore-input', 'the king');
      await page.fill('#lm-tokens', '12');
      await page.fill('#lm-temperature', o.temperature);
      await page.fill('#lm-topk', o.topK);
      await page.fill('#lm-topp', o.topP);
      await page.fill('#lm-seed', o.seed);
    };
    const ready = (n: number) => page.waitForFunction((k) => document.querySelectorAll('#step-tokens .step-token').length === k
      && document.querySelector('#step-panel')?.getAttribute('data-state') === 'ready' && document.querySelector('#step-candidates .candidate') !== null, n, { timeout: 10_000 });
    const probs = () => page.locator('#step-candidates li:not(.beyond) .prob').allTextContents().then((ps) => ps.map(Number));
    const start = async () => {
      await page.click('#step-start');
      await ready(0);
    };
    // The output from the prompt is what glimpse generate writes with the same seed and settings.
    await settings({ temperature: '0.9', topK: '0', topP: '0.9', seed: '7' });
    await start();
    expect(await page.textContent('#step-continuation')).toBe(sampled);
    let p = await probs();
    expect(p.length).toBeGreaterThan(0);
    expect(p.length).toBeLessThanOrEqual(5);
    expect([...p].sort((a, b) => b - a)).toEqual(p);
    expect(p.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(1 + 0.003);
    expect(await page.locator('#step-candidates .candidate.sampled').count()).toBe(1);
    // Step takes the sampled token each time: five steps write the first five characters glimpse generate wrote.
    for (let i = 1; i <= 5; i++) {
      const pick = await page.locator('#step-candidates .candidate.sampled .token').textContent();
      await page.click('#step-next');
      await ready(i);
      expect((await page.locator('#step-tokens .step-token').allTextContents())[i - 1]).toBe(pick);
    }
    const g = glimpseNode.train.generateText(loadTrainedModel(run), 'the king', { maxTokens: 12, temperature: 0.9, topP: 0.9, rng: new glimpseNode.Rng(7) });
    expect(g.text).toBe(sampled);
    const visible = (t: string) => (t === ' ' ? '␣' : t.replace(/\n/g, '↵'));
    expect(await page.locator('#step-tokens .step-token').allTextContents()).toEqual(g.tokens.slice(0, 5).map(visible));
    expect(await page.textContent('#step-continuation')).toBe(sampled);
    // Forcing another candidate appends it; Back restores the sampled text.
    const other = page.locator('#step-candidates .candidate:not(.sampled)').first();
    const forced = await other.locator('.token').textContent();
    await other.click();
    await ready(6);
    expect((await page.locator('#step-tokens .step-token').allTextContents())[5]).toBe(forced);
    await page.click('#step-back');
    await ready(5);
    expect(await page.textContent('#step-continuation')).toBe(sampled);
    // Top-k 3: at most three tokens can be drawn, and they hold all the probability.
    await settings({ temperature: '1', topK: '3', topP: '1', seed: '7' });
    await start();
    p = await probs();
    expect(p.length).toBe(3);
    expect(Math.abs(p.reduce((a, b) => a + b, 0) - 1)).toBeLessThanOrEqual(0.003);
    // Top-p 0.5 at temperature 1: the smallest set of most likely tokens whose model probability reaches 0.5.
    await settings({ temperature: '1', topK: '0', topP: '0.5', seed: '7' });
    await start();
    const model = (await page.locator('#step-candidates li:not(.beyond) .candidate').evaluateAll((bs) => bs.map((b) => Number(/p = ([\d.]+)/.exec(b.getAttribute('title') ?? '')![1]))));
    if (model.length < 5) { // the whole nucleus is listed: it holds all the adjusted probability and is minimal
      expect(Math.abs((await probs()).reduce((a, b) => a + b, 0) - 1)).toBeLessThanOrEqual(0.003);
      expect(model.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(0.5 - 0.003);
      expect(model.slice(0, -1).reduce((a, b) => a + b, 0)).toBeLessThan(0.5 + 0.003);
    } else { // a larger nucleus: the five listed hold less than 0.5 of the model's probability
      expect(model.reduce((a, b) => a + b, 0)).toBeLessThan(0.5 + 0.003);
    }
    // Top-k 1 leaves one token: sampling is greedy decoding (glimpse generate --temperature 0).
    await settings({ temperature: '0.9', topK: '1', topP: '1', seed: '3' });
    await start();
    expect(await probs()).toEqual([1]);
    expect(await page.textContent('#step-continuation')).toBe(greedy);
    expect(errorsOf(page)).toEqual([]);
    await page.close();
  }, 90_000);

  it('two runs side by side: both outputs, scores and attention for the same input, the tokens that differ marked', async () => {
    const runs = rnnRun();
    transformerRun();
    const ours = (name: string) => glimpseNode.train.translateText(loadTrainedModel(join(runs, name)), 'abcdef', { beam: 1, nBest: 1, maxTokens: 22 }).hypotheses[0]!;
    const [a, b] = [ours('rnn'), ours('tr')];
    const page = await session.open('#explore');
    await openRun(page, join(runs, 'rnn'));
    await page.fill('#explore-input', 'abcdef');
    await page.setInputFiles('#pick-compare', join(runs, 'tr'));
    await expect.poll(() => page.textContent('#compare-status'), { timeout: 20_000 }).toMatch(/^Compared with tr \(/);
    await page.waitForFunction(() => document.querySelectorAll('#explore-compare .compare-side svg').length === 2, null, { timeout: 20_000 });
    expect(await page.locator('#explore-compare h4').allTextContents()).toEqual(['rnn', 'tr']);
    const common: string[][] = [];
    for (const [k, h, other] of [[1, a, b], [2, b, a]] as const) {
      const side = page.locator(`#explore-compare .compare-side:nth-child(${k})`);
      expect(await side.locator('.compare-output .token').allTextContents()).toEqual(h.words);
      // Unmarked: a longest common subsequence of both outputs, the same on both sides.
      const marked = await side.locator('.compare-output .token').evaluateAll((ts) => ts.map((t) => t.classList.contains('differs')));
      const kept = h.words.filter((_, i) => !marked[i]);
      expect(kept.length).toBe(lcs(h.words, other.words));
      common.push(kept);
      expect(await side.locator('.compare-score').textContent()).toBe(`score ${h.score.toFixed(3)}${h.finished ? '' : ' (unfinished)'}`);
      const rows = await side.locator('table tbody th').allTextContents();
      expect(rows).toEqual(h.finished ? [...h.words, '<eos>'] : h.words);
    }
    expect(common[0]).toEqual(common[1]);
    // The first run's own view is unchanged: its output is the best of the first run.
    expect(await page.textContent('#explore-best')).toBe(a.text || '∅');
    expect(errorsOf(page)).toEqual([]);
    await page.close();
  }, 90_000);

  it('beam search as a tree: the best leaf is glimpse translate --beam 4, 4 nodes at a full step, opened and closed by keyboard, a node draws its rows', async () => {
    const run = join(rnnRun(), 'rnn');
    const K = 4;
    const cli = glimpse(['translate', '--run', run, '--beam', String(K), 'abcdef']);
    expect(cli.code, cli.stderr).toBe(0);
    const best = glimpseNode.train.translateText(loadTrainedModel(run), 'abcdef', { beam: K, nBest: 1, maxTokens: 22 }).hypotheses[0]!;
    expect(best.text).toBe(cli.stdout.trim());
    const page = await session.open('#explore');
    await openRun(page, run);
    await page.waitForSelector('#explore-heatmap svg', { timeout: 10_000 });
    await page.check('input[name=search][value=beam]');
    await page.fill('#beam-size', String(K));
    await page.fill('#explore-input', 'abcdef');
    await page.click('#explore-run');
    await page.waitForSelector('#explore-beam-tree:not([hidden]) [role=tree] [role=treeitem]', { timeout: 10_000 });
    expect(await page.textContent('#explore-best')).toBe(cli.stdout.trim() || '∅');
    const items = page.locator('#explore-beam-tree [role=treeitem]');
    // Each step keeps at most K unfinished hypotheses, and some step keeps exactly K.
    const perStep = await items.evaluateAll((lis) => {
      const count: Record<string, number> = {};
      for (const li of lis) if (!li.classList.contains('finished')) count[(li as HTMLElement).dataset.step!] = (count[(li as HTMLElement).dataset.step!] ?? 0) + 1;
      return Object.values(count);
    });
    expect(Math.max(...perStep)).toBe(K);
    // The best leaf's path is the best hypothesis (then <eos> when it finished).
    const pathTo = (selector: string) => page.locator(selector).evaluate((li) => {
      const out: string[] = [];
      for (let e: Element | null | undefined = li; e; e = e.parentElement?.closest('li[role=treeitem]')) out.unshift((e as HTMLElement).dataset.token!);
      return out;
    });
    expect(await page.locator('#explore-beam-tree li.best').count()).toBe(1);
    expect(await pathTo('#explore-beam-tree li.best')).toEqual(best.finished ? [...best.words, '<eos>'] : best.words);
    // Pruned: no final hypothesis below; the others have one; pruned branches start closed.
    const marks = await items.evaluateAll((lis) => lis.map((li) => [li.classList.contains('pruned'), li.classList.contains('final') || li.querySelector('li.final') !== null, li.getAttribute('aria-expanded')]));
    for (const [pruned, hasFinal, expanded] of marks) {
      expect(pruned).toBe(!hasFinal);
      if (pruned && expanded !== null) expect(expanded).toBe('false');
    }
    // Keyboard: ← closes an open node (its children leave), → opens it, → again goes to its first child, ↑ back, ↓ down.
    const open = page.locator('#explore-beam-tree li[aria-expanded=true]').first();
    const id = await open.getAttribute('data-node');
    const node = page.locator(`#explore-beam-tree li[data-node="${id}"]`);
    const child = node.locator(':scope > ul > li').first();
    await node.focus();
    await page.keyboard.press('ArrowLeft');
    expect(await node.getAttribute('aria-expanded')).toBe('false');
    expect(await child.isVisible()).toBe(false);
    await page.keyboard.press('ArrowRight');
    expect(await node.getAttribute('aria-expanded')).toBe('true');
    expect(await child.isVisible()).toBe(true);
    const focused = () => page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.node);
    await page.keyboard.press('ArrowRight');
    expect(await focused()).toBe(await child.getAttribute('data-node'));
    await page.keyboard.press('ArrowUp');
    expect(await focused()).toBe(id);
    await page.keyboard.press('ArrowDown');
    expect(await focused()).toBe(await child.getAttribute('data-node'));
    expect(await page.locator('#explore-beam-tree li[tabindex="0"]').count()).toBe(1);
    // Enter chooses it: the heatmap draws its partial hypothesis, rows = its path, weights = the best hypothesis's where it lies on its path.
    await page.keyboard.press('Enter');
    expect(await child.getAttribute('aria-selected')).toBe('true');
    const step = Number(await child.getAttribute('data-step'));
    await page.waitForFunction((s) => document.querySelector('#explore-heatmap svg')?.textContent?.includes(`step ${s}:`), step, { timeout: 10_000 });
    const path = await pathTo(`#explore-beam-tree li[data-node="${await child.getAttribute('data-node')}"]`);
    expect(path.length).toBe(step);
    expect(await page.locator('#explore-heatmap table tbody th').allTextContents()).toEqual(path);
    // The best leaf's parent: its rows are the best hypothesis's first rows.
    const onBest = page.locator('#explore-beam-tree li.on-best:has(> ul > li.best)');
    if (await onBest.count()) {
      await onBest.locator(':scope > .beam-node').click();
      const s = Number(await onBest.getAttribute('data-step'));
      await page.waitForFunction((k) => document.querySelector('#explore-heatmap svg')?.textContent?.includes(`step ${k}:`), s, { timeout: 10_000 });
      const table = await page.locator('#explore-heatmap table tbody tr').evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => Number(td.textContent))));
      expect(table.length).toBe(s);
      table.forEach((row, i) => row.forEach((w, j) => expect(Math.abs(w - best.attention![i]![j]!)).toBeLessThanOrEqual(0.0051)));
    }
    // The n-best list stays, and choosing a hypothesis there leaves the tree unselected.
    await page.locator('.nbest .hypothesis').first().click();
    await page.waitForFunction(() => document.querySelector('#explore-heatmap svg')?.textContent?.includes('hypothesis 1'), null, { timeout: 10_000 });
    expect(await page.locator('#explore-beam-tree li[aria-selected=true]').count()).toBe(0);
    expect(errorsOf(page)).toEqual([]);
    await page.close();
  }, 90_000);

  it('two language models side by side: the same prompt and seed on both, each continuation as glimpse generate writes it, log-probs and differing tokens marked', async () => {
    const runs = [lmRun('lm'), lmRun('lm2', ['--embedding', '12', '--hidden', '24', '--max-steps', '6', '--eval-every', '6', '--seed', '5'])];
    const flags = ['--prompt', 'the king', '--max-tokens', '12', '--temperature', '0.9', '--top-k', '40', '--seed', '11', '--backend', 'wasm'];
    const cli = runs.map((run) => {
      const g = glimpse(['generate', '--run', run, ...flags]);
      expect(g.code, g.stderr).toBe(0);
      return g.stdout.replace(/\n$/, '');
    });
    const ours = runs.map((run) => {
      const t = loadTrainedModel(run);
      if (t.kind !== 'lm') throw new Error('not a language model');
      const g = glimpseNode.train.generateText(t, 'the king', { maxTokens: 12, temperature: 0.9, topK: 40, rng: new glimpseNode.Rng(11) });
      // Each token's log-probability, by feeding the prompt and the tokens before it.
      const step = t.model.asStepModel();
      let state = t.model.prime(g.prompt.ids);
      let prev = g.prompt.ids[g.prompt.ids.length - 1]!;
      const logProbs = g.ids.map((id) => {
        const out = step.step(state, Int32Array.of(prev));
        state = out.state;
        prev = id;
        return out.logProbs[id]!;
      });
      return { ...g, logProbs };
    });
    ours.forEach((g, k) => expect(g.text).toBe(cli[k]));
    const page = await session.open('#explore');
    await openRun(page, runs[0]!);
    await page.waitForSelector('#explore-heatmap svg', { timeout: 10_000 });
    expect(await page.locator('#compare-choice').isHidden()).toBe(false);
    await page.fill('#explore-input', 'the king');
    await page.fill('#lm-tokens', '12');
    await page.fill('#lm-temperature', '0.9');
    await page.fill('#lm-topk', '40');
    await page.fill('#lm-topp', '1');
    await page.fill('#lm-seed', '11');
    await page.setInputFiles('#pick-compare', runs[1]!);
    await expect.poll(() => page.textContent('#compare-status'), { timeout: 20_000 }).toMatch(/^Compared with lm2 \(/);
    await page.waitForFunction(() => document.querySelectorAll('#explore-compare .compare-side svg').length === 2
      && document.querySelectorAll('#explore-compare .compare-text').length === 2, null, { timeout: 20_000 });
    expect(await page.locator('#explore-compare h4').allTextContents()).toEqual(['lm', 'lm2']);
    const visible = (t: string) => (t === ' ' ? '␣' : t.replace(/\n/g, '↵'));
    const kept: string[][] = [];
    for (const k of [0, 1]) {
      const side = page.locator(`#explore-compare .compare-side:nth-child(${k + 1})`);
      const g = ours[k]!;
      expect(await side.locator('.compare-text').textContent()).toBe(cli[k]);
      const tokens = side.locator('.compare-output .token');
      expect(await tokens.allTextContents()).toEqual(g.tokens.map(visible));
      const titles = await tokens.evaluateAll((ts) => ts.map((t) => Number(/log p = (-?[\d.]+)/.exec(t.getAttribute('title') ?? '')![1])));
      titles.forEach((lp, i) => expect(Math.abs(lp - g.logProbs[i]!)).toBeLessThanOrEqual(0.0011));
      const mean = g.logProbs.reduce((a, b) => a + b, 0) / g.logProbs.length;
      const score = /^perplexity ([\d.]+) over (\d+) tokens/.exec((await side.locator('.compare-score').textContent()) ?? '');
      expect(Math.abs(Number(score?.[1]) - Math.exp(-mean))).toBeLessThanOrEqual(0.006 + 0.002 * Math.exp(-mean));
      expect(Number(score?.[2])).toBe(g.tokens.length);
      const marked = await tokens.evaluateAll((ts) => ts.map((t) => t.classList.contains('differs')));
      const common = g.tokens.filter((_, i) => !marked[i]);
      expect(common.length).toBe(lcs(g.tokens, ours[1 - k]!.tokens));
      kept.push(common);
      // Its attention: one row per generated token over the context.
      expect(await side.locator('table tbody th').allTextContents()).toEqual(g.tokens);
    }
    expect(kept[0]).toEqual(kept[1]);
    expect(await page.textContent('#explore-best')).toBe(cli[0]);
    expect(errorsOf(page)).toEqual([]);
    await page.close();
  }, 120_000);
});

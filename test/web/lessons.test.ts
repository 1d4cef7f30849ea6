import { mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { train } from '../../src/index.js';
import { glimpse } from '../helpers/cli.js';
import { type PageSession, errorsOf, skipReason, startPage } from './browser.js';

// The lessons page (web/lessons.html) in Chromium: its numbers against a softmax computed here
// and against the CLI lessons run as processes with the same steps, seed and kernels (wasm, what
// the page runs; `--quick` is 150 steps of the toy model and 600 of the reversal model).
if (skipReason) console.warn(`test/web: browser tests skipped: ${skipReason}`);

const QUICK = 'lessons.html?coref-steps=150&cv-steps=600';
let session: PageSession;
let page: Page;

/** The numbers of a matrix table, row by row: each cell's `data-value` (its value in full). */
async function values(p: Page, table: string): Promise<number[][]> {
  return p.locator(`table.${table} tbody tr`).evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => Number(td.dataset.value))));
}

/** The numbers a matrix table shows, row by row (what a reader sees, rounded). */
async function shown(p: Page, table: string): Promise<number[][]> {
  return p.locator(`table.${table} tbody tr`).evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => Number(td.textContent))));
}

/** The editable matrix of Q, K or V, from its inputs. */
async function inputs(p: Page, name: 'q' | 'k' | 'v'): Promise<number[][]> {
  return p.locator(`table.sdp-${name} tbody tr`).evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('input')].map((i) => Number(i.value))));
}

function softmaxRows(scores: number[][]): number[][] {
  return scores.map((r) => {
    const m = Math.max(...r);
    const e = r.map((x) => Math.exp(x - m));
    const z = e.reduce((a, b) => a + b, 0);
    return e.map((x) => x / z);
  });
}

const dot = (a: readonly number[], b: readonly number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0);

function expectClose(actual: number[][], expected: number[][], tol: number): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((r, i) => {
    expect(r.length).toBe(expected[i]!.length);
    r.forEach((x, j) => expect(Math.abs(x - expected[i]![j]!), `row ${i + 1}, column ${j + 1}: ${x} vs ${expected[i]![j]}`).toBeLessThan(tol));
  });
}

/** The CLI lesson, run once as a process on the page's kernels; its stdout and results.json. */
function lesson(name: string): { stdout: string; results: Record<string, unknown> } {
  const out = mkdtempSync(join(session.dir, `${name}-`));
  const r = glimpse(['lesson', name, '--quick', '--backend', 'wasm', '--seed', '1', '--out', out], { timeout: 300_000 });
  expect(r.code, r.stderr).toBe(0);
  return { stdout: r.stdout, results: JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as Record<string, unknown> };
}

describe.skipIf(skipReason !== null)(`the lessons page in Chromium${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  beforeAll(async () => {
    session = await startPage('glimpse-lessons-');
    page = await session.open(QUICK);
  }, 120_000);

  afterAll(async () => {
    await session?.close();
  });

  it('scaled dot-product: editing Q, K or d_k recomputes the weights as softmax(QKᵀ/√d_k) and the output as weights · V', async () => {
    await page.waitForSelector('table.sdp-weights');
    await page.locator('table.sdp-q input[data-row="2"][data-col="1"]').fill('2.5');
    await page.locator('table.sdp-k input[data-row="0"][data-col="0"]').fill('-1.25');
    for (const dk of [4, 8]) {
      if (dk !== 4) await page.selectOption('#sdp-dk', String(dk));
      await expect.poll(async () => (await inputs(page, 'q'))[0]!.length, { timeout: 10_000 }).toBe(dk);
      const [q, k, v] = [await inputs(page, 'q'), await inputs(page, 'k'), await inputs(page, 'v')];
      expect(q[2]![1]).toBe(2.5);
      const weights = softmaxRows(q.map((qi) => k.map((kj) => dot(qi, kj) / Math.sqrt(dk))));
      expectClose(await shown(page, 'sdp-weights'), weights, 1e-4);
      expectClose(await values(page, 'sdp-weights'), weights, 1e-12);
      expectClose(await values(page, 'sdp-output'), weights.map((w) => v[0]!.map((_, c) => w.reduce((s, wj, j) => s + wj * v[j]![c]!, 0))), 1e-12);
    }
    await page.waitForSelector('#sdp-heatmap svg[role=img]', { timeout: 20_000 }); // drawn in the page's drawing worker
    expect(await page.locator('#sdp-heatmap svg[role=img]').count()).toBe(1);
    expect(errorsOf(page)).toEqual([]);
  }, 60_000);

  it('self-attention: one panel per head of each layer, heads toggled, and the weights of "it" equal `glimpse lesson attention`', async () => {
    await page.waitForSelector('body[data-coref-steps="150"]', { timeout: 240_000 });
    await page.waitForSelector('table.it-weights');
    const { layers, heads } = { layers: 2, heads: train.coref.COREF_LESSON.heads };
    const cli = lesson('attention');
    expect(cli.stdout).toContain(`2 residual self-attention layers × ${heads} heads`);
    expect(await page.locator('#coref-grid .head-cell').count()).toBe(layers * heads);
    // One line per head × query × key in the head view; a chip hides its head.
    const T = train.coref.LENGTH;
    await expect.poll(() => page.locator('#coref-heads g.lines line').count()).toBe(heads * T * T);
    await page.locator('#coref-heads .head-chip').first().click();
    await expect.poll(() => page.locator('#coref-heads g.lines line').count()).toBe((heads - 1) * T * T);
    // Rows: layer 1 head 1 … head H, layer 1 mean, then layer 2 likewise. The CLI's results hold each layer's mean row of "it".
    const it = await values(page, 'it-weights');
    const mean = (l: number) => it[l * (heads + 1) + heads]!;
    const tired = (cli.results.it as { tired: number[][] }).tired;
    expectClose([mean(0), mean(1)], tired, 1e-6);
    // Part 3 of the CLI: where "it" looks per layer and head, its two largest weights to two decimals.
    const perHead = [...cli.stdout.matchAll(/^ +(\d) +(\d) +(\S+) ([\d.]+), (\S+) ([\d.]+)$/gm)];
    expect(perHead.length).toBe(layers * heads);
    for (const m of perHead) {
      const row = it[(Number(m[1]) - 1) * (heads + 1) + Number(m[2]) - 1]!;
      const words = train.coref.sentence('animal', 'street', 'tired');
      expect(Math.abs(row[words.indexOf(m[3]!)]! - Number(m[4]))).toBeLessThanOrEqual(0.005 + 1e-9);
      const order = row.map((w, j) => [w, j] as const).sort((a, b) => b[0] - a[0]);
      expect(words[order[0]![1]]).toBe(m[3]);
    }
    // Lesson 1 with the toy model's Q, K, V: the weights the CLI prints in part 1 (three decimals).
    await page.locator('#sdp-model').click();
    await expect.poll(async () => (await inputs(page, 'q'))[0]!.length).toBe(16 / heads);
    const part1 = /scaled by 1\/√d_k[^\n]*\n[^\n]*\n[^\n]*\n((?: {4}\S+ +[-\d. ]+\n){4})/.exec(cli.stdout)![1]!;
    const printed = part1.trim().split('\n').map((l) => l.trim().split(/ +/).slice(1).map(Number));
    expectClose(await shown(page, 'sdp-weights'), printed, 5e-4 + 1e-9);
    expect(errorsOf(page)).toEqual([]);
  }, 300_000);

  it('context vector: at step 3 the scores, weights and weighted sum equal `glimpse lesson context-vector`; another step and the scaled scoring recompute', async () => {
    await page.waitForSelector('body[data-cv-steps="600"]', { timeout: 240_000 });
    await page.waitForSelector('table.cv-context');
    const cli = lesson('context-vector');
    const r = cli.results as { step: number; scores: number[]; weights: number[]; context: number[] };
    expect(await page.locator('#cv-step').inputValue()).toBe(String(r.step));
    const table = await values(page, 'cv-weights'); // per letter: score, exp(score − max), weight
    expectClose([table.map((x) => x[0]!), table.map((x) => x[2]!)], [r.scores, r.weights], 1e-6);
    expectClose(await values(page, 'cv-context'), [r.context], 1e-6);
    // Step 4, scaled scoring: softmax(h_t · h̄_j / √M) and Σ_j α_j h̄_j from the tables the page shows.
    await page.locator('#cv-step').fill('4');
    await page.locator('input[name=cv-score][value=scaled]').check();
    await expect.poll(() => page.locator('#cv-step-out').innerText()).toMatch(/^step 4 of/);
    const H = await values(page, 'cv-memory');
    const [h] = await values(page, 'cv-query');
    const weights = softmaxRows([H.map((hj) => dot(h!, hj) / Math.sqrt(H[0]!.length))])[0]!;
    expectClose([(await values(page, 'cv-weights')).map((x) => x[2]!)], [weights], 1e-9);
    expectClose(await values(page, 'cv-context'), [H[0]!.map((_, k) => H.reduce((s, hj, j) => s + weights[j]! * hj[k]!, 0))], 1e-9);
    expect(errorsOf(page)).toEqual([]);
  }, 300_000);
});

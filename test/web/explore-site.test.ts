import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSafetensorsHeader } from '../../src/io/safetensors-header.js';
import { serveStatic } from '../../tools/static-server.js';
import { glimpse } from '../helpers/cli.js';
import { errorsOf, launchChromium, skipReason } from './browser.js';

// `glimpse explore`: the site it writes, served by a plain static server, and the site it
// serves itself, each opened in Chromium — both must open on the run and translate as the CLI does.
const dir = mkdtempSync(join(tmpdir(), 'glimpse-explore-site-'));
const runs = join(dir, 'runs');
let browser: BrowserContext;

function trainRun(): string {
  const r = glimpse(['train', '--task', 'reverse', '--runs', runs, '--name', 'rev', '--no-progress', '--embedding', '16', '--encoder-hidden', '16',
    '--hidden', '32', '--batch-size', '16', '--min-len', '3', '--max-len', '8', '--max-steps', '60', '--eval-every', '60']);
  expect(r.code, r.stderr).toBe(0);
  return join(runs, 'rev');
}

async function open(url: string): Promise<Page> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  (page as Page & { errors: string[] }).errors = errors;
  await page.goto(url);
  return page;
}

/** The page opened on the site's run: the explore tab selected, the run loaded; then one input translated. */
async function translateInPage(page: Page, input: string): Promise<string> {
  await page.waitForSelector('body[data-explore=ready]', { timeout: 30_000 });
  expect(await page.getAttribute('#tab-explore', 'aria-selected')).toBe('true');
  expect(await page.textContent('#run-info')).toMatch(/runrev.*taskreverse/);
  await page.fill('#explore-input', input);
  await page.click('#explore-run');
  await page.waitForFunction((text) => document.querySelector('#explore-heatmap svg')?.textContent?.includes(text), input, { timeout: 20_000 });
  return (await page.textContent('#explore-best')) ?? '';
}

/** PNG width and height from its IHDR chunk. */
function pngSize(b: Buffer): [number, number] {
  expect(b.subarray(1, 4).toString('latin1')).toBe('PNG');
  return [b.readUInt32BE(16), b.readUInt32BE(20)];
}

describe.skipIf(skipReason !== null)(`glimpse explore's sites in Chromium${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  let run: string;
  beforeAll(async () => {
    run = trainRun();
    browser = await launchChromium(dir);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('--out writes a static site (the page, run/ in f16, _headers) that a plain static server serves and that opens on the run and translates as the CLI does', async () => {
    const site = join(dir, 'site');
    const made = glimpse(['explore', '--run', run, '--out', site]);
    expect(made.code, made.stderr).toBe(0);
    expect(made.stdout).toMatch(/wrote the explorer for .*rev \(reverse run, weights f16, [\d.]+ KiB\) to /);
    const header = parseSafetensorsHeader(readFileSync(join(site, 'run', 'best.safetensors')));
    expect(new Set(header.entries.map((e) => e.dtype))).toEqual(new Set(['F16']));
    expect(readFileSync(join(site, '_headers'), 'utf8')).toMatch(/Cross-Origin-Embedder-Policy: require-corp/);
    // The site's run folder is a run folder: the CLI translates with the same (f16) weights.
    const cli = glimpse(['translate', '--run', join(site, 'run'), 'abcdefg']);
    expect(cli.code, cli.stderr).toBe(0);
    const server = await serveStatic(site, false); // a plain host: no isolation headers, one thread
    try {
      const page = await open(`${server.url}index.html`);
      expect(await translateInPage(page, 'abcdefg')).toBe(cli.stdout.trim());
      expect(await page.evaluate(() => document.body.dataset.threads)).toBe('1');
      // On a phone-sized screen the page is one column that never scrolls sideways: wide
      // pictures and tables scroll inside their own boxes.
      await page.setViewportSize({ width: 390, height: 844 });
      await page.check('input[name=search][value=beam]');
      await page.click('#explore-run');
      await page.waitForSelector('.nbest li', { timeout: 20_000 });
      const widths = await page.evaluate(() => ({ page: document.scrollingElement!.scrollWidth, screen: document.documentElement.clientWidth }));
      expect(widths.page).toBeLessThanOrEqual(widths.screen);
      expect(errorsOf(page)).toEqual([]);
      await page.close();
    } finally {
      await server.close();
    }
  }, 120_000);

  it('a Transformer run\'s site: every view (heatmap, layer × head grid, its enlarged head, head view) downloads as SVG and PNG with its labels and as JSON of the weights shown', async () => {
    const tr = glimpse(['train', '--task', 'reverse', '--arch', 'transformer', '--runs', runs, '--name', 'tr', '--no-progress', '--d-model', '18', '--heads', '3',
      '--layers', '2', '--feedforward', '32', '--positions', '24', '--batch-size', '16', '--min-len', '2', '--max-len', '6', '--max-steps', '20', '--eval-every', '20']);
    expect(tr.code, tr.stderr).toBe(0);
    const site = join(dir, 'site-tr');
    const made = glimpse(['explore', '--run', join(runs, 'tr'), '--out', site]);
    expect(made.code, made.stderr).toBe(0);
    const cli = glimpse(['translate', '--run', join(site, 'run'), 'abcd']);
    const server = await serveStatic(site, true);
    try {
      const page = await open(`${server.url}`);
      await page.waitForSelector('body[data-explore=ready]', { timeout: 30_000 });
      await page.fill('#explore-input', 'abcd');
      await page.click('#explore-run');
      await page.waitForFunction(() => document.querySelector('#explore-heatmap svg')?.textContent?.includes('abcd'), null, { timeout: 20_000 });
      expect(await page.textContent('#explore-best')).toBe(cli.stdout.trim());
      const save = async (selector: string) => {
        const [dl] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
        const file = join(dir, dl.suggestedFilename());
        await dl.saveAs(file);
        return { name: dl.suggestedFilename(), bytes: readFileSync(file) };
      };
      const svgTexts = (markup: string) => page.evaluate((m) => {
        const doc = new DOMParser().parseFromString(m, 'image/svg+xml');
        return { error: doc.querySelector('parsererror')?.textContent ?? null, width: Number.parseFloat(doc.documentElement.getAttribute('width') ?? ''), texts: Array.from(doc.querySelectorAll('text'), (t) => t.textContent ?? '') };
      }, markup);
      // The main heatmap: labels, the colour bar's ticks, no cursor; JSON equals the table the page shows.
      const heat = await save('#explore-heatmap .export-svg');
      expect(heat.name).toMatch(/^glimpse-heatmap-abcd\.svg$/);
      const heatSvg = await svgTexts(heat.bytes.toString('utf8'));
      expect(heatSvg.error).toBeNull();
      expect(heatSvg.texts).toEqual(expect.arrayContaining(['a', 'b', 'c', 'd', '0.0', '1.0']));
      expect(heat.bytes.toString('utf8')).not.toContain('heatmap-cursor');
      const heatPng = await save('#explore-heatmap .export-png');
      expect(pngSize(heatPng.bytes)[0]).toBe(Math.round(heatSvg.width * 3));
      const heatJson = JSON.parse((await save('#explore-heatmap .export-json')).bytes.toString('utf8')) as { colLabels: string[]; weights: number[][]; rows: string; columns: string };
      expect(heatJson.colLabels).toEqual(['a', 'b', 'c', 'd']);
      const table = await page.locator('#explore-heatmap table tbody tr').evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => Number(td.textContent))));
      expect(heatJson.weights.map((r) => r.map((w) => Number(w.toFixed(2))))).toEqual(table);
      // The grid: one SVG of every layer × head (2 × 3 panels) with its labels; JSON of all of them.
      const grid = await save('#explore-grid .export-svg');
      const gridSvg = await svgTexts(grid.bytes.toString('utf8'));
      expect(gridSvg.error).toBeNull();
      expect(gridSvg.texts.join(' ')).toMatch(/head 3/);
      const gridJson = JSON.parse((await save('#explore-grid .export-json')).bytes.toString('utf8')) as { title: string; weights: number[][][][] };
      expect(gridJson.title).toBe('cross-attention');
      expect([gridJson.weights.length, gridJson.weights[0]!.length]).toEqual([2, 3]);
      // Its enlarged head exports the one head's weights, equal to the grid's.
      await page.click('#explore-grid .head-cell[data-layer="2"][data-head="3"]');
      await page.waitForSelector('#explore-grid .grid-zoom svg', { timeout: 20_000 });
      const zoomJson = JSON.parse((await save('#explore-grid .grid-zoom .export-json')).bytes.toString('utf8')) as { weights: number[][]; title: string };
      expect(zoomJson.title).toBe('cross-attention · layer 2, head 3');
      expect(zoomJson.weights).toEqual(gridJson.weights[1]![2]);
      // The head view: JSON of the heads shown; hiding one head drops it from the file.
      await page.click('#explore-heads .head-chip[data-head="2"]');
      const headJson = JSON.parse((await save('#explore-heads .export-json')).bytes.toString('utf8')) as { heads: number[]; weights: number[][][]; layer: number };
      expect(headJson.heads).toEqual([1, 3]);
      expect(headJson.weights).toHaveLength(2);
      expect(errorsOf(page)).toEqual([]);
      await page.close();
    } finally {
      await server.close();
    }
  }, 120_000);

  it('without --out serves the site itself, cross-origin isolated, at the address it prints, until SIGTERM', async () => {
    const proc: ChildProcess = spawn(process.execPath, [resolve('dist/cli/main.js'), 'explore', '--run', run, '--port', '0', '--dtype', 'f32'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    proc.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const exited = new Promise<number | null>((done) => proc.on('exit', (code) => done(code)));
    const url = await new Promise<string>((done, fail) => {
      let out = '';
      proc.stdout!.setEncoding('utf8').on('data', (s: string) => {
        out += s;
        const m = /weights f32, .* at (http:\/\/\S+\/) /.exec(out);
        if (m) done(m[1]!);
      });
      void exited.then((code) => fail(new Error(`glimpse explore exited (${code}) before serving: ${stderr}`)));
      setTimeout(() => fail(new Error(`glimpse explore printed no address in 60 s: ${stderr}`)), 60_000).unref();
    }).catch((e: unknown) => {
      proc.kill('SIGKILL');
      throw e;
    });
    try {
      const index = await fetch(url);
      expect(index.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
      expect(await index.text()).toContain('id="glimpse-site-run"');
      expect((await fetch(`${url}run/config.json`)).status).toBe(200);
      expect((await fetch(`${url}run/nothing-here`)).status).toBe(404);
      const cli = glimpse(['translate', '--run', run, 'hgfedcb']);
      const page = await open(url);
      expect(await translateInPage(page, 'hgfedcb')).toBe(cli.stdout.trim());
      expect(Number(await page.evaluate(() => document.body.dataset.threads))).toBeGreaterThanOrEqual(1);
      expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
      expect(errorsOf(page)).toEqual([]);
      await page.close();
    } finally {
      proc.kill('SIGTERM');
    }
    expect(await exited).toBe(143);
    expect(stderr).toMatch(/SIGTERM: stopped/);
  }, 120_000);
});

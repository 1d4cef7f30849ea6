import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type BrowserContext, type Page, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as glimpseNode from '../../src/index.js';
import { loadTrainedModel } from '../../src/train/session.js';
import { type CheckReport, compareValues, kernelChecks } from '../../web/src/kernel-check.js';
import { glimpse } from '../helpers/cli.js';
import { type StaticServer, serveStatic } from '../../tools/static-server.js';

// The web page (web/) in a real browser: Debian's Chromium driven by playwright-core. The page
// is built with Vite into a temporary folder and served with and without the COOP/COEP headers.
const CHROMIUM = '/usr/bin/chromium';
const FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
];
// The page always runs the wasm kernels, so the wasm and js passes of CI (GLIMPSE_BACKEND set) skip it.
const skipReason = !existsSync(CHROMIUM)
  ? `${CHROMIUM} is missing (apt-get install -y chromium)`
  : process.env.GLIMPSE_BACKEND ? `the page runs once, in the default pass (GLIMPSE_BACKEND=${process.env.GLIMPSE_BACKEND} is set)` : null;
if (skipReason) console.warn(`test/web: browser tests skipped: ${skipReason}`);

const dir = mkdtempSync(join(tmpdir(), 'glimpse-web-'));
let isolated: StaticServer;
let plain: StaticServer;
let browser: BrowserContext;

async function open(server: StaticServer, path: string): Promise<Page> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  (page as Page & { errors: string[] }).errors = errors;
  await page.goto(server.url + path);
  return page;
}

const errorsOf = (page: Page): string[] => (page as Page & { errors: string[] }).errors;

/** The run folders the explore tests open, made once by the real `glimpse train`: an RNN reverse run and a language model. */
let runsMade: string | null = null;
function makeRuns(): string {
  if (runsMade) return runsMade;
  const runs = join(dir, 'runs');
  const config = join(dir, 'tiny.json');
  writeFileSync(config, JSON.stringify({
    task: 'reverse',
    data: { trainSize: 2000, validSize: 100, testSize: 100, minLen: 3, maxLen: 8, batchSize: 32 },
    model: { embeddingSize: 16, encoderHidden: 16, decoderHidden: 32, attentionSize: 32 },
    train: { maxSteps: 300, evalEvery: 100, lr: 0.01, seed: 3 },
  }));
  const trained = glimpse(['train', '--config', config, '--runs', runs, '--name', 'tiny', '--no-progress']);
  expect(trained.code, trained.stderr).toBe(0);
  const text = join(dir, 'text.txt');
  writeFileSync(text, readFileSync(resolve('../shared/data/tinyshakespeare/input.txt'), 'utf8').split('\n').slice(0, 1500).join('\n'));
  const lm = glimpse(['train', '--task', 'lm', '--model', 'lstm-attn', '--data', text, '--runs', runs, '--name', 'lm', '--no-progress',
    '--embedding', '16', '--hidden', '16', '--batch-size', '8', '--max-steps', '10', '--eval-every', '10']);
  expect(lm.code, lm.stderr).toBe(0);
  runsMade = runs;
  return runs;
}

describe.skipIf(skipReason !== null)(`the web page in Chromium${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  beforeAll(async () => {
    const out = join(dir, 'site');
    const built = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--config', 'web/vite.config.ts', '--outDir', out, '--logLevel', 'warn'], { encoding: 'utf8' });
    expect(built.status, built.stderr + built.stdout).toBe(0);
    isolated = await serveStatic(out, true);
    plain = await serveStatic(out, false);
    browser = await chromium.launchPersistentContext(mkdtempSync(join(dir, 'profile-')), {
      executablePath: CHROMIUM, headless: true, args: FLAGS, viewport: { width: 1280, height: 900 },
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await isolated?.close();
    await plain?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs the wasm kernels on every core when cross-origin isolated, on one thread when not, and they equal Node\'s results', async () => {
    const node = kernelChecks(glimpseNode);
    for (const [server, isolatedHere] of [[isolated, true], [plain, false]] as const) {
      const page = await open(server, 'check.html');
      await page.waitForSelector('body[data-state=done]', { timeout: 30_000 });
      const check = await page.evaluate(() => (window as unknown as { glimpseCheck: CheckReport | { error: string } }).glimpseCheck);
      if ('error' in check) throw new Error(`check page: ${check.error}`);
      const cores = await page.evaluate(() => navigator.hardwareConcurrency);
      for (const side of [check.page, check.worker]) {
        expect(side.report).toMatchObject({ backend: 'wasm', isolated: isolatedHere, threads: isolatedHere ? cores : 1 });
        if (isolatedHere) expect(side.report.workers).toBe(cores - 1);
        expect(side.values.map((v) => v.name)).toEqual(node.map((v) => v.name));
        side.values.forEach((v, i) => {
          expect(v.shape, v.name).toEqual(node[i]!.shape);
          const c = compareValues(v.values, node[i]!.values, node[i]!.atol);
          expect(c.ok, `${v.name}: max |browser − node| = ${c.maxAbs}`).toBe(true);
        });
      }
      expect(check.ok).toBe(true); // and against the reference kernels in the same browser
      expect(await page.textContent('#check-status')).toMatch(/^All kernels agree with the reference/);
      expect(errorsOf(page)).toEqual([]);
      await page.close();
    }
  }, 60_000);

  it('runs the kernels through the Vite dev server too (unbundled modules, the .wasm served from build/)', async () => {
    const dev = spawn(process.execPath, ['node_modules/vite/bin/vite.js', '--config', 'web/vite.config.ts', '--port', '0', '--host', '127.0.0.1'], {
      env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const url = await new Promise<string>((ok, fail) => {
        let out = '';
        dev.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /Local:\s+(http:\/\/\S+)/.exec(out);
          if (m) ok(m[1]!);
        });
        dev.on('exit', (code) => fail(new Error(`vite exited with ${code}: ${out}`)));
      });
      const page = await browser.newPage();
      await page.goto(`${url}check.html`);
      await page.waitForSelector('body[data-state=done]', { timeout: 30_000 });
      expect(await page.textContent('#check-status')).toMatch(/^All kernels agree with the reference\. Page: wasm · \d+ threads? \(cross-origin isolated\)/);
      await page.close();
    } finally {
      dev.kill();
    }
  }, 60_000);

  it('trains the reversal model in a worker: the loss falls and the attention heatmap is redrawn as it learns', async () => {
    const page = await open(isolated, '');
    // The untrained model's attention is drawn before training starts.
    await page.waitForSelector('#train-heatmap svg', { timeout: 20_000 });
    expect(await page.textContent('#train-heatmap svg')).toMatch(/untrained model/);
    expect(await page.textContent('#backend-line')).toMatch(/wasm · \d+ threads? \(cross-origin isolated\)/);
    await page.click('#train-start');
    const stepAtLeast = (n: number) => page.waitForFunction((k) => Number(document.querySelector('#stat-step')!.textContent!.replace(/,/g, '')) >= k, n, { timeout: 200_000 });
    await stepAtLeast(1);
    const firstLoss = Number(await page.textContent('#stat-loss'));
    await stepAtLeast(250);
    await page.click('#train-start'); // pause
    await page.waitForSelector('body[data-training=paused]', { timeout: 10_000 });
    const lastLoss = Number(await page.textContent('#stat-loss'));
    expect(firstLoss).toBeGreaterThan(2); // ≈ ln 29 at first
    expect(lastLoss).toBeLessThan(firstLoss / 3);
    expect(await page.textContent('#stat-exact')).toMatch(/^\d+\.\d %$/); // evaluated at step 100, 200
    // The picture now shows the trained model's attention: one cell per (output, input) pair.
    await page.waitForFunction(() => /after [\d,]+ training steps/.test(document.querySelector('#train-heatmap svg')?.textContent ?? ''), null, { timeout: 10_000 });
    const output = (await page.textContent('#train-io-output'))!;
    const cells = await page.locator('#train-heatmap g.mark-rect.role-mark path').count();
    const rows = [...output].length + ((await page.locator('#train-heatmap th:text-is("<eos>")').count()) > 0 ? 1 : 0);
    expect(cells).toBe(rows * 'attention'.length);
    // Training continues from where it paused.
    await page.click('#train-start');
    await page.waitForSelector('body[data-training=running]');
    await page.click('#train-start');
    await page.waitForSelector('body[data-training=paused]', { timeout: 10_000 });
    expect(errorsOf(page)).toEqual([]);
    await page.close();
  }, 480_000); // waits on training steps, which a busy machine slows several-fold

  /** Trains the training view's current choice for its step limit: the first and the last loss shown. */
  async function trainToLimit(page: Page, steps: number): Promise<{ first: number; last: number }> {
    await page.waitForSelector('body[data-training=idle]', { timeout: 60_000 });
    await page.waitForFunction(() => /^Ready/.test(document.querySelector('#train-status')?.textContent ?? ''), null, { timeout: 60_000 });
    await page.click('#train-start');
    await page.waitForFunction(() => Number(document.querySelector('#stat-step')!.textContent!.replace(/,/g, '')) >= 1, null, { timeout: 60_000 });
    const first = Number(await page.textContent('#stat-loss'));
    await page.waitForSelector('body[data-training=done]', { timeout: 200_000 });
    expect(await page.textContent('#train-status')).toMatch(/^Finished: /);
    // The picture after the last step (drawn once training stopped).
    await page.waitForFunction((n) => new RegExp(`after ${n.toLocaleString('en-US')} training steps`).test(document.querySelector('#train-heatmap svg')?.textContent ?? ''), steps, { timeout: 30_000 });
    return { first, last: Number(await page.textContent('#stat-loss')) };
  }

  /** Sets the training view's step limit (leaving the field commits it). */
  async function setSteps(page: Page, steps: number): Promise<void> {
    await page.locator('#train-steps').fill(String(steps));
    await page.locator('#train-steps').blur();
  }

  /** The heatmap's cells equal its rows (output tokens, and <eos> when written) × the watched input's characters. */
  async function expectFullHeatmap(page: Page, columns: number): Promise<void> {
    const rows = await page.locator('#train-heatmap table tbody tr').count();
    expect(rows).toBeGreaterThan(0);
    expect(await page.locator('#train-heatmap g.mark-rect.role-mark path').count()).toBe(rows * columns);
  }

  it('trains every synthetic task with every attention kind from the library\'s tables: dates with multi-head attention learns and draws its heatmap', async () => {
    const page = await open(isolated, '');
    await page.waitForSelector('#train-heatmap svg', { timeout: 30_000 });
    // The choices are the library's tables: its synthetic tasks and a language model; the RNN with each attention kind, and the Transformer.
    const values = (sel: string) => page.locator(`${sel} option`).evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(await values('#train-task')).toEqual([...glimpseNode.data.SYNTHETIC_TASK_NAMES, 'lm']);
    expect(await values('#train-model')).toEqual([...glimpseNode.models.ATTENTION_KINDS.map((k) => `rnn:${k}`), 'transformer']);
    await page.selectOption('#train-task', 'dates');
    await page.selectOption('#train-model', 'rnn:multi-head');
    await setSteps(page, 60);
    await page.waitForFunction(() => document.querySelector('#train-model-line')?.textContent?.includes('multi-head attention'), null, { timeout: 30_000 });
    expect(await page.inputValue('#train-input')).toBe(glimpseNode.data.SYNTHETIC_TASKS.dates.example); // a date to watch, not letters
    const { first, last } = await trainToLimit(page, 60);
    expect(first).toBeGreaterThan(1.5); // ≈ ln 14 at first
    expect(last).toBeLessThan(first / 2);
    expect(await page.textContent('#stat-exact')).toMatch(/^\d+\.\d %$/);
    expect(await page.textContent('#train-heatmap svg')).toMatch(/Attention of the dates model on "3rd of March 2021"/);
    await expectFullHeatmap(page, [...glimpseNode.data.SYNTHETIC_TASKS.dates.example].length);
    expect(errorsOf(page)).toEqual([]);
    await page.close();
  }, 300_000);

  it('trains a Transformer in the tab: the loss falls and its cross-attention heatmap is drawn', async () => {
    const page = await open(isolated, '');
    await page.waitForSelector('#train-heatmap svg', { timeout: 30_000 });
    await page.selectOption('#train-task', 'copy');
    await page.selectOption('#train-model', 'transformer');
    await setSteps(page, 150);
    await page.waitForFunction(() => document.querySelector('#train-model-line')?.textContent?.startsWith('transformer'), null, { timeout: 30_000 });
    expect(await page.inputValue('#train-input')).toBe('attention'); // a letter task keeps the letters watched
    const { first, last } = await trainToLimit(page, 150);
    expect(first).toBeGreaterThan(2); // ≈ ln 29 at first
    expect(last).toBeLessThan(first * 0.8);
    expect(await page.textContent('#train-heatmap svg')).toMatch(/Attention of the copy model on "attention"/);
    await expectFullHeatmap(page, 'attention'.length);
    expect(errorsOf(page)).toEqual([]);
    await page.close();
  }, 300_000);

  it('trains a character-level language model on a text file given to the page: bad files get one line, the loss falls, continuations appear', async () => {
    const page = await open(isolated, '');
    await page.waitForSelector('#train-heatmap svg', { timeout: 30_000 });
    await page.selectOption('#train-task', 'lm');
    expect(await page.locator('#train-lm').isVisible()).toBe(true);
    expect(await page.locator('#train-start').isDisabled()).toBe(true); // no text yet
    await setSteps(page, 100);
    const empty = join(dir, 'empty.txt');
    writeFileSync(empty, '');
    await page.setInputFiles('#train-file', empty);
    await expect.poll(() => page.textContent('#train-text-status')).toMatch(/^empty\.txt is empty: expected a plain-text file \(UTF-8\)/);
    const binary = join(dir, 'weights.bin');
    writeFileSync(binary, Buffer.from(Array.from({ length: 4000 }, (_, i) => (i * 37) % 256)));
    await page.setInputFiles('#train-file', binary);
    await expect.poll(() => page.textContent('#train-text-status')).toMatch(/^weights\.bin is not UTF-8 text .*: expected a plain-text file/);
    const text = join(dir, 'shakespeare.txt');
    writeFileSync(text, readFileSync(resolve('../shared/data/tinyshakespeare/input.txt'), 'utf8').split('\n').slice(0, 300).join('\n'));
    await page.setInputFiles('#train-file', text);
    await expect.poll(() => page.textContent('#train-text-status')).toMatch(/^shakespeare\.txt: [\d,]+ characters in 300 lines\.$/);
    await page.waitForFunction(() => document.querySelector('#train-model-line')?.textContent?.startsWith('lstm + attention language model'), null, { timeout: 30_000 });
    const prompt = await page.inputValue('#train-input');
    expect(prompt).toBe('First Citizen:'); // the text's first line
    const { first, last } = await trainToLimit(page, 100);
    expect(first).toBeGreaterThan(3); // ≈ ln 57 at first
    expect(last).toBeLessThan(first * 0.8);
    expect(await page.textContent('#stat-exact')).toMatch(/^\d+\.\d\d$/); // validation perplexity
    expect(await page.textContent('#train-io-input')).toBe(prompt);
    expect((await page.textContent('#train-io-output'))!.length).toBeGreaterThan(20); // a sampled continuation
    expect(await page.textContent('#train-heatmap svg')).toMatch(/Attention while continuing "First Citizen:"/);
    expect(await page.locator('#train-heatmap g.mark-rect.role-mark path').count()).toBeGreaterThan(100);
    expect(errorsOf(page)).toEqual([]);
    await page.close();
  }, 300_000);

  it('loads run folders made by glimpse train and shows their output and attention, as the CLI computes them', async () => {
    const runs = makeRuns();
    const cli = glimpse(['translate', '--run', join(runs, 'tiny'), 'abcdef']);
    expect(cli.code, cli.stderr).toBe(0);
    const node = glimpseNode.train.translateText(loadTrainedModel(join(runs, 'tiny')), 'abcdef', { beam: 1, nBest: 1, maxTokens: 16 }).hypotheses[0]!;
    const beamCli = glimpse(['translate', '--run', join(runs, 'tiny'), '--beam', '3', 'abcdefgh']);

    const page = await open(isolated, '#explore');
    // Files that are not a run, or a run without weights, get a message saying what is missing.
    const tiny = (f: string) => join(runs, 'tiny', f);
    await page.setInputFiles('#pick-files', [tiny('vocab.src.json')]);
    await expect.poll(() => page.textContent('#explore-status')).toMatch(/^No config\.json among the 1 chosen file: choose a run folder/);
    await page.setInputFiles('#pick-files', [tiny('config.json'), tiny('vocab.src.json'), tiny('vocab.tgt.json')]);
    await expect.poll(() => page.textContent('#explore-status')).toBe('Could not load the chosen files: no weights: expected best.safetensors (or last.safetensors) beside config.json');
    await page.setInputFiles('#pick-files', [tiny('config.json'), tiny('vocab.src.json'), tiny('best.safetensors')]);
    await expect.poll(() => page.textContent('#explore-status')).toMatch(/vocab\.tgt\.json is missing; a reverse run needs it$/);
    await page.setInputFiles('#pick-folder', runs); // the parent of both runs: the page offers a choice
    await expect.poll(() => page.locator('#run-select option').allTextContents(), { timeout: 10_000 }).toEqual(['runs/lm', 'runs/tiny']);
    await page.selectOption('#run-select', { label: 'runs/tiny' });
    await page.waitForFunction(() => document.querySelector('#run-info')?.textContent?.includes('tiny'), null, { timeout: 10_000 });
    expect(await page.textContent('#run-info')).toMatch(/taskreverse.*luong-general attention.*test.*exact match/);
    await page.waitForSelector('body[data-explore=ready]');
    await page.fill('#explore-input', 'abcdef');
    await page.click('#explore-run');
    await page.waitForFunction(() => document.querySelector('#explore-heatmap svg')?.textContent?.includes('abcdef'), null, { timeout: 10_000 });
    expect(await page.textContent('#explore-best')).toBe(cli.stdout.trim());
    // The weights in the page's table equal Node's (to the table's two decimals).
    const table = await page.locator('#explore-heatmap table tbody tr').evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => Number(td.textContent))));
    expect(table.length).toBe(node.attention!.length);
    table.forEach((row, t) => row.forEach((w, s) => expect(Math.abs(w - node.attention![t]![s]!)).toBeLessThanOrEqual(0.0051)));
    // Pointing at a cell names its weight and its two tokens.
    const cell = page.locator('#explore-heatmap g.mark-rect.role-mark path').nth(2);
    await cell.hover();
    const tooltip = page.locator('#explore-heatmap .heatmap-tooltip');
    await expect.poll(() => tooltip.isVisible()).toBe(true);
    expect(await tooltip.textContent()).toBe(`${node.attention![0]![2]!.toFixed(3)} output “${node.words[0]}” (1) → input “c” (3)`);
    // Beam search gives the CLI's beam result.
    await page.check('input[name=search][value=beam]');
    await page.fill('#beam-size', '3');
    await page.fill('#explore-input', 'abcdefgh');
    await page.click('#explore-run');
    await page.waitForFunction(() => document.querySelector('#explore-heatmap svg')?.textContent?.includes('beam 3'), null, { timeout: 10_000 });
    expect(await page.textContent('#explore-best')).toBe(beamCli.stdout.trim());
    expect(await page.locator('.nbest li').count()).toBe(3);
    // The language model: a sampled continuation of the prompt, with its attention over the context.
    await page.selectOption('#run-select', { label: 'runs/lm' });
    await page.waitForFunction(() => document.querySelector('#explore-run')?.textContent === 'Generate', null, { timeout: 10_000 });
    await page.waitForSelector('#explore-heatmap svg', { timeout: 10_000 });
    const prompt = (await page.inputValue('#explore-input')).toLowerCase();
    expect(await page.textContent('#explore-best .prompt')).toBe(prompt);
    expect((await page.textContent('#explore-best'))!.length).toBeGreaterThan(prompt.length + 20);
    expect(await page.textContent('#explore-heatmap svg')).toMatch(/Attention while generating/);
    expect(errorsOf(page)).toEqual([]);
    await page.close();
  }, 60_000);

  it('steps through the decoder: top-k with probabilities, stepping appends the likeliest token, forcing another changes the output from there', async () => {
    const runs = makeRuns();
    const t = loadTrainedModel(join(runs, 'tiny'));
    const greedy = glimpseNode.train.translateText(t, 'abcdef', { beam: 1, nBest: 1, maxTokens: 22 }).hypotheses[0]!;
    const page = await open(isolated, '#explore');
    await page.setInputFiles('#pick-folder', join(runs, 'tiny'));
    await page.waitForSelector('body[data-explore=ready]', { timeout: 20_000 });
    await page.waitForSelector('#explore-heatmap svg', { timeout: 10_000 });
    await page.fill('#explore-input', 'abcdef');
    const state = (n: number) => page.waitForFunction((k) => document.querySelectorAll('#step-tokens .step-token').length === k
      && document.querySelector('#step-panel')?.getAttribute('data-state') === 'ready', n, { timeout: 10_000 });
    const tokens = () => page.locator('#step-tokens .step-token').allTextContents();
    await page.click('#step-start');
    await state(0);
    await page.waitForSelector('#step-candidates .candidate');
    const probs = await page.locator('#step-candidates .candidate .prob').allTextContents();
    expect(probs).toHaveLength(5);
    expect(probs.map(Number)).toEqual([...probs.map(Number)].sort((a, b) => b - a));
    expect(probs.map(Number).reduce((a, b) => a + b)).toBeLessThanOrEqual(1.001);
    // Before any choice the output from here is the greedy translation.
    expect(await page.textContent('#step-continuation')).toBe(greedy.text);
    await page.click('#step-next');
    await state(1);
    await page.click('#step-next');
    await state(2);
    expect(await tokens()).toEqual(greedy.words.slice(0, 2));
    expect(await page.textContent('#step-continuation')).toBe(greedy.text);
    // One attention row per token so far and one for the next step.
    expect(await page.locator('#step-heatmap table tbody tr').count()).toBe(3);
    // Force the second most likely token: the output from there is the model's greedy
    // continuation of that prefix, as glimpse computes it with a forced prefix.
    const forced = (await page.locator('#step-candidates .candidate .token').nth(1).textContent())!;
    expect(forced).not.toBe(greedy.words[2]);
    await page.locator('#step-candidates .candidate').nth(1).click();
    await state(3);
    const chosen = await tokens();
    expect(chosen).toEqual([...greedy.words.slice(0, 2), forced]);
    const what = glimpseNode.train.translateText(t, 'abcdef', { beam: 1, nBest: 1, maxTokens: 22, prefix: chosen.join('') }).hypotheses[0]!;
    const after = (await page.textContent('#step-continuation'))!;
    expect(after).toBe(what.text);
    expect(after).not.toBe(greedy.text);
    // Back undoes the forced step.
    await page.click('#step-back');
    await state(2);
    expect(await page.textContent('#step-continuation')).toBe(greedy.text);
    expect(errorsOf(page)).toEqual([]);
    await page.close();
  }, 60_000);

  it('lists every beam hypothesis with its score as glimpse translate does, each with its own attention', async () => {
    const runs = makeRuns();
    const cli = glimpse(['translate', '--run', join(runs, 'tiny'), '--beam', '4', '--n-best', '4', 'abcdefg']);
    expect(cli.code, cli.stderr).toBe(0);
    const nbest = glimpseNode.train.translateText(loadTrainedModel(join(runs, 'tiny')), 'abcdefg', { beam: 4, nBest: 4, maxTokens: 24 }).hypotheses;
    const page = await open(isolated, '#explore');
    await page.setInputFiles('#pick-folder', join(runs, 'tiny'));
    await page.waitForSelector('body[data-explore=ready]', { timeout: 20_000 });
    await page.waitForSelector('#explore-heatmap svg', { timeout: 10_000 });
    await page.check('input[name=search][value=beam]');
    await page.fill('#beam-size', '4');
    await page.fill('#explore-input', 'abcdefg');
    await page.click('#explore-run');
    await page.waitForFunction(() => document.querySelector('#explore-heatmap svg')?.textContent?.includes('hypothesis 1'), null, { timeout: 10_000 });
    const items = page.locator('.nbest .hypothesis');
    expect(await items.count()).toBe(4);
    const texts = await page.locator('.nbest .hypothesis span:first-child').allTextContents();
    expect(texts).toEqual(cli.stdout.trim().split('\n').map((line) => line.split('\t')[1] || '∅')); // "score<TAB>text" lines
    expect(await page.locator('.nbest .score').allTextContents()).toEqual(nbest.map((h) => h.score.toFixed(3)));
    // Each hypothesis has its own attention: choosing the third draws its rows.
    await items.nth(2).click();
    await page.waitForFunction(() => document.querySelector('#explore-heatmap svg')?.textContent?.includes('hypothesis 3'), null, { timeout: 10_000 });
    const h = nbest[2]!;
    const rows = await page.locator('#explore-heatmap table tbody th').allTextContents();
    expect(rows).toEqual(h.finished ? [...h.words, '<eos>'] : h.words);
    const table = await page.locator('#explore-heatmap table tbody tr').evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => Number(td.textContent))));
    table.forEach((row, i) => row.forEach((w, j) => expect(Math.abs(w - h.attention![i]![j]!)).toBeLessThanOrEqual(0.0051)));
    expect(await page.locator('#explore-grid').isHidden()).toBe(true); // an RNN: one attention, no head grid
    expect(errorsOf(page)).toEqual([]);
    await page.close();
  }, 60_000);

  it('shows a Transformer run\'s every layer × head, for encoder self-, decoder self- and cross-attention, and enlarges one', async () => {
    const runs = join(dir, 'transformer-runs');
    const trained = glimpse(['train', '--task', 'reverse', '--arch', 'transformer', '--runs', runs, '--name', 'tr', '--no-progress',
      '--d-model', '16', '--heads', '2', '--layers', '3', '--feedforward', '32', '--positions', '24', '--batch-size', '16',
      '--min-len', '2', '--max-len', '6', '--max-steps', '30', '--eval-every', '30']);
    expect(trained.code, trained.stderr).toBe(0);
    const t = loadTrainedModel(join(runs, 'tr'));
    const translation = glimpseNode.train.translateText(t, 'abcd', { beam: 1, nBest: 1, maxTokens: 18 });
    const sections = glimpseNode.train.translationAttentionGrid(t, translation)!;
    const page = await open(isolated, '#explore');
    await page.setInputFiles('#pick-folder', join(runs, 'tr'));
    await page.waitForSelector('body[data-explore=ready]', { timeout: 20_000 });
    await page.fill('#explore-input', 'abcd');
    await page.click('#explore-run');
    await page.waitForFunction(() => document.querySelector('#explore-heatmap svg')?.textContent?.includes('abcd'), null, { timeout: 10_000 });
    expect(await page.textContent('#explore-best')).toBe(translation.hypotheses[0]!.text);
    await page.waitForSelector('#explore-grid .head-cell');
    expect(await page.locator('#explore-grid input[name=grid-section]').evaluateAll((es) => es.map((e) => (e as HTMLInputElement).value)))
      .toEqual(['encoder self-attention', 'decoder self-attention', 'cross-attention']);
    for (const [k, section] of sections.entries()) {
      await page.check(`#explore-grid input[name=grid-section] >> nth=${k}`);
      // 3 layers × 2 heads, each panel as many rows and columns as its queries and keys.
      expect(await page.locator('#explore-grid .head-cell').count()).toBe(3 * 2);
      const [w, hgt] = await page.locator('#explore-grid .head-cell canvas').first().evaluate((c) => [(c as HTMLCanvasElement).width, (c as HTMLCanvasElement).height]);
      expect(w! / hgt!).toBeCloseTo(section.colLabels.length / section.rowLabels.length, 5);
    }
    // Enlarge encoder self-attention, layer 3, head 1: its weights, as Node computes them.
    await page.check('#explore-grid input[value="encoder self-attention"]');
    await page.click('#explore-grid .head-cell[data-layer="3"][data-head="1"]');
    await page.waitForFunction(() => document.querySelector('#explore-grid .grid-zoom svg')?.textContent?.includes('layer 3, head 1'), null, { timeout: 10_000 });
    const table = await page.locator('#explore-grid .grid-zoom table tbody tr').evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => Number(td.textContent))));
    const expected = sections[0]!.weights[2]![0]!;
    expect(table.length).toBe(expected.length);
    table.forEach((row, i) => row.forEach((v, j) => expect(Math.abs(v - expected[i]![j]!)).toBeLessThanOrEqual(0.0051)));
    // The step view drives the Transformer's decoder too.
    await page.click('#step-start');
    await page.waitForSelector('#step-candidates .candidate');
    await page.click('#step-next');
    await page.waitForFunction(() => document.querySelectorAll('#step-tokens .step-token').length === 1, null, { timeout: 10_000 });
    expect(await page.textContent('#step-tokens')).toBe(translation.hypotheses[0]!.words[0] ?? '<eos>');
    expect(errorsOf(page)).toEqual([]);
    await page.close();
  }, 60_000);
});

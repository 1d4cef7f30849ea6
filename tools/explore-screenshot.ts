/**
 * `npx tsx tools/explore-screenshot.ts OUT.png RUN_DIR INPUT [SELECTOR [COMPARE_RUN_DIR]] [--beam=K] [--steps=N] [--click=SEL]`:
 * a docs picture of one explorer view. Serves the built page (`npm run build:web` first) with
 * COOP/COEP, opens the run folder in Debian's Chromium (and COMPARE_RUN_DIR beside it), runs
 * the model on INPUT (a seq2seq run: greedy, or beam search of width K) and saves the element
 * SELECTOR (default: the head view, `#explore-heads`). `--steps=N` starts the step view and
 * takes N steps first; `--click=SEL` clicks an element first (e.g. a head of the grid).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { serveStatic } from './static-server.js';

const args = process.argv.slice(2);
const flag = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const beam = Number(flag('beam') ?? 1);
const steps = Number(flag('steps') ?? 0);
const click = flag('click');
const [out, run, input, selector = '#explore-heads', compare] = args.filter((a) => !a.startsWith('--'));
if (!out || !run || input === undefined || !(Number.isInteger(beam) && beam >= 1)) {
  console.error('usage: npx tsx tools/explore-screenshot.ts OUT.png RUN_DIR INPUT [SELECTOR [COMPARE_RUN_DIR]] [--beam=K] [--steps=N] [--click=SEL]');
  process.exit(2);
}
const server = await serveStatic('web/dist', true);
const profile = mkdtempSync(join(tmpdir(), 'glimpse-shot-'));
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: '/usr/bin/chromium', headless: true, viewport: { width: 1280, height: 900 },
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage();
  await page.goto(`${server.url}#explore`);
  await page.setInputFiles('#pick-folder', run);
  await page.waitForSelector('body[data-explore=ready]', { timeout: 60_000 });
  await page.fill('#explore-input', input);
  const lm = await page.locator('#decode-lm').isVisible();
  if (beam > 1) {
    await page.check('input[name=search][value=beam]');
    await page.fill('#beam-size', String(beam));
  }
  await page.click('#explore-run');
  // A seq2seq heatmap is titled with its input; a language model's lists the prompt's tokens.
  if (lm) await page.waitForFunction((text) => document.querySelector('#explore-best')?.textContent?.startsWith(text), input, { timeout: 60_000 });
  else await page.waitForFunction((text) => document.querySelector('#explore-heatmap svg')?.textContent?.includes(text), input, { timeout: 60_000 });
  if (compare) {
    await page.setInputFiles('#pick-compare', compare);
    await page.waitForFunction(() => document.querySelectorAll('#explore-compare .compare-side svg').length === 2, null, { timeout: 60_000 });
  }
  if (steps > 0) {
    await page.click('#step-start');
    await page.waitForSelector('#step-candidates button', { timeout: 60_000 });
    for (let i = 0; i < steps; i++) {
      const before = await page.locator('#step-tokens').textContent();
      await page.click('#step-next');
      await page.waitForFunction((old) => document.querySelector('#step-tokens')?.textContent !== old, before, { timeout: 60_000 });
    }
    await page.waitForSelector('#step-heatmap svg', { timeout: 60_000 });
  }
  if (click) {
    await page.click(click);
    await page.waitForTimeout(1500); // the picture it draws, rendered in the drawing worker
  }
  await page.waitForSelector(`${selector}:not([hidden])`, { timeout: 10_000 });
  await page.mouse.move(0, 0);
  await page.locator(selector).screenshot({ path: out });
  console.log(`${out}: ${selector} of ${run} on ${JSON.stringify(input)}`);
} finally {
  await browser.close();
  await server.close();
  rmSync(profile, { recursive: true, force: true });
}

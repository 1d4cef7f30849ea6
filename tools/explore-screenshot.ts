/**
 * `npx tsx tools/explore-screenshot.ts OUT.png RUN_DIR INPUT [SELECTOR [COMPARE_RUN_DIR]]`: a
 * docs picture of one explorer view. Serves the built page (`npm run build:web` first) with
 * COOP/COEP, opens the run folder in Debian's Chromium (and COMPARE_RUN_DIR beside it), runs
 * the model on INPUT and saves the element SELECTOR (default: the head view, `#explore-heads`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { serveStatic } from './static-server.js';

const [out, run, input, selector = '#explore-heads', compare] = process.argv.slice(2);
if (!out || !run || input === undefined) {
  console.error('usage: npx tsx tools/explore-screenshot.ts OUT.png RUN_DIR INPUT [SELECTOR [COMPARE_RUN_DIR]]');
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
  await page.click('#explore-run');
  await page.waitForFunction((text) => document.querySelector('#explore-heatmap svg')?.textContent?.includes(text), input, { timeout: 60_000 });
  if (compare) {
    await page.setInputFiles('#pick-compare', compare);
    await page.waitForFunction(() => document.querySelectorAll('#explore-compare .compare-side svg').length === 2, null, { timeout: 60_000 });
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

/**
 * `npx tsx tools/lessons-screenshot.ts OUT_DIR`: the docs' pictures of the lessons page, one per
 * lesson (web-lesson-sdp.png, web-lesson-self.png, web-lesson-context.png). Serves the built
 * page (`npm run build:web` first) with COOP/COEP, waits for lessons 2 and 3 to train with
 * their default steps in Debian's Chromium, and saves each lesson's section.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { serveStatic } from './static-server.js';

const [outDir] = process.argv.slice(2);
if (!outDir) {
  console.error('usage: npx tsx tools/lessons-screenshot.ts OUT_DIR');
  process.exit(2);
}
const server = await serveStatic('web/dist', true);
const profile = mkdtempSync(join(tmpdir(), 'glimpse-shot-'));
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: '/usr/bin/chromium', headless: true, viewport: { width: 1100, height: 900 },
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage();
  await page.goto(`${server.url}lessons.html`);
  await page.waitForSelector('body[data-coref-steps]', { timeout: 600_000 });
  await page.waitForSelector('body[data-cv-steps]', { timeout: 600_000 });
  await page.waitForSelector('#sdp-heatmap svg', { timeout: 60_000 });
  await page.mouse.move(0, 0);
  await page.waitForTimeout(1500); // the pictures, rendered in the drawing worker
  for (const [id, name] of [['lesson-sdp', 'web-lesson-sdp'], ['lesson-self', 'web-lesson-self'], ['lesson-context', 'web-lesson-context']] as const) {
    await page.locator(`#${id}`).screenshot({ path: join(outDir, `${name}.png`) });
    console.log(join(outDir, `${name}.png`));
  }
} finally {
  await browser.close();
  await server.close();
  rmSync(profile, { recursive: true, force: true });
}

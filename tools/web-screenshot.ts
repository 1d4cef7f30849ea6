/**
 * `npx tsx tools/web-screenshot.ts OUT.png [WIDTH HEIGHT]`: the docs' picture of the web page.
 * Serves the built page (`npm run build:web` first) with COOP/COEP, trains the reversal model
 * in Debian's Chromium until it stops, and saves the training view.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { serveStatic } from './static-server.js';

const [out, width = '1180', height = '860'] = process.argv.slice(2);
if (!out) {
  console.error('usage: npx tsx tools/web-screenshot.ts OUT.png [WIDTH HEIGHT]');
  process.exit(2);
}
const server = await serveStatic('web/dist', true);
const profile = mkdtempSync(join(tmpdir(), 'glimpse-shot-'));
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: '/usr/bin/chromium', headless: true, viewport: { width: Number(width), height: Number(height) },
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage();
  await page.goto(server.url);
  await page.click('#train-start:not([disabled])');
  await page.waitForSelector('body[data-training=done]', { timeout: 300_000 });
  await page.mouse.move(0, 0);
  await page.waitForTimeout(500); // the last picture
  await page.screenshot({ path: out });
  console.log(`${out}: ${await page.textContent('#train-status')}`);
} finally {
  await browser.close();
  await server.close();
  rmSync(profile, { recursive: true, force: true });
}

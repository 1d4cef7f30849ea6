import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, type Page, chromium } from 'playwright-core';
import { expect } from 'vitest';
import { type StaticServer, serveStatic } from '../../tools/static-server.js';

// Shared by the browser test files: Debian's Chromium driven by playwright-core, on the page
// built with Vite into a temporary folder and served with the COOP/COEP headers.
const CHROMIUM = '/usr/bin/chromium';
const FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
];

/** Why the browser tests cannot run here (null: they can). The wasm and js passes of CI skip them. */
export const skipReason = !existsSync(CHROMIUM)
  ? `${CHROMIUM} is missing (apt-get install -y chromium)`
  : process.env.GLIMPSE_BACKEND ? `the page runs once, in the default pass (GLIMPSE_BACKEND=${process.env.GLIMPSE_BACKEND} is set)` : null;

export interface PageSession {
  /** A temporary folder for runs and downloads, removed by close(). */
  dir: string;
  /** Opens `path` of the built page; console errors and page errors are collected. */
  open(path: string): Promise<Page>;
  close(): Promise<void>;
}

/** Page errors and console errors seen since the page opened. */
export const errorsOf = (page: Page): string[] => (page as Page & { errors: string[] }).errors;

/** Starts Debian's Chromium with a fresh profile under `dir`. */
export function launchChromium(dir: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(mkdtempSync(join(dir, 'profile-')), {
    executablePath: CHROMIUM, headless: true, args: FLAGS, viewport: { width: 1280, height: 900 }, acceptDownloads: true,
  });
}

/** Builds the page, serves it cross-origin isolated and starts Chromium. */
export async function startPage(prefix: string): Promise<PageSession> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const out = join(dir, 'site');
  const built = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--config', 'web/vite.config.ts', '--outDir', out, '--logLevel', 'warn'], { encoding: 'utf8' });
  expect(built.status, built.stderr + built.stdout).toBe(0);
  const server: StaticServer = await serveStatic(out, true);
  const browser = await launchChromium(dir);
  return {
    dir,
    async open(path: string): Promise<Page> {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      (page as Page & { errors: string[] }).errors = errors;
      await page.goto(server.url + path);
      return page;
    },
    async close(): Promise<void> {
      await browser.close();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
